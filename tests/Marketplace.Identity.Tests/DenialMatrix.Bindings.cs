namespace Marketplace.Identity.Tests;

public static partial class DenialMatrix
{
    private const string NoSuchBindings = "/api/v1/municipalities/09162000/subscriptions/no-such-subscription/bindings";

    /// <summary>
    /// Rows for a subscription's access credentials (service bindings). Reading: whoever reads the municipality (404 for
    /// a subscription that does not exist); writing and the one reveal: buyer-admins pass the policy and get 404 (another
    /// municipality's, or no such subscription), everyone else 403. The vendor's metadata list: 404 unless its own.
    /// </summary>
    private static Row[] BindingRows =>
    [
        new("GET", "/api/v1/municipalities/{ags}/subscriptions/{id}/bindings", NoSuchBindings, null, NotFound, []),
        new("POST", "/api/v1/municipalities/{ags}/subscriptions/{id}/bindings", NoSuchBindings, () => new { name = "Fachverfahren" },
            Forbidden, Map(([MuenchenAdmin, KoelnAdmin], NotFound))),
        new("POST", "/api/v1/municipalities/{ags}/subscriptions/{id}/bindings/{bindingId}/credentials", NoSuchBindings + "/no-such-binding/credentials", null,
            Forbidden, Map(([MuenchenAdmin, KoelnAdmin], NotFound))),
        new("POST", "/api/v1/municipalities/{ags}/subscriptions/{id}/bindings/{bindingId}/rotation", NoSuchBindings + "/no-such-binding/rotation", null,
            Forbidden, Map(([MuenchenAdmin, KoelnAdmin], NotFound))),
        new("DELETE", "/api/v1/municipalities/{ags}/subscriptions/{id}/bindings/{bindingId}", NoSuchBindings + "/no-such-binding", null,
            Forbidden, Map(([MuenchenAdmin, KoelnAdmin], NotFound))),
        new("GET", "/api/v1/vendors/{vendorId}/subscriptions/{id}/bindings", "/api/v1/vendors/komuna-digital/subscriptions/no-such-subscription/bindings", null,
            NotFound, []),
    ];
}
