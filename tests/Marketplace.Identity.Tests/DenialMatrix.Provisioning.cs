using Dapper;
using Marketplace.Storage;
namespace Marketplace.Identity.Tests;

public static partial class DenialMatrix
{
    internal const int BadRequest = 400;

    private const string M = "/api/v1/municipalities";
    private static readonly string[] MuenchenOrderers = [MuenchenAdmin, BundlerAdmin];
    private static readonly string[] MuenchenReaders = [MuenchenAdmin, MuenchenViewer, BundlerAdmin, Auditor, PlatformAdmin];

    /// <summary>
    /// Rows for the provisioning endpoints: orders, subscriptions, rollouts, bundles, manual fulfilment, Land defaults,
    /// the dead letter. Writes use bodies or ids that fail after authorisation (400 or 404 for who may call), so the matrix
    /// leaves no orders behind; the Ordering tests cover the successful paths.
    /// </summary>
    private static Row[] ProvisioningRows =>
    [
        // München's buyer-admin and its delegate (order + configure) get through to validation; the viewer may not order.
        new("POST", "/api/v1/municipalities/{ags}/orders", $"{M}/09162000/orders", () => new { offeringId = "no-such-offering", planId = "standard" },
            Forbidden, Map((MuenchenOrderers, BadRequest), ([KoelnAdmin], NotFound))),
        new("GET", "/api/v1/municipalities/{ags}/orders", $"{M}/09162000/orders", null, NotFound, Map((MuenchenReaders, Ok))),
        // A quote is for who may order: the viewer, other municipalities, vendors and the platform see no such thing.
        new("GET", "/api/v1/municipalities/{ags}/offerings/{offeringId}/quote", $"{M}/09162000/offerings/meldeportal-komuna/quote?planId=standard",
            null, NotFound, Map((MuenchenOrderers, Ok))),
        new("POST", "/api/v1/municipalities/{ags}/quotes", $"{M}/09162000/quotes", () => new { items = Array.Empty<object>() },
            NotFound, Map((MuenchenOrderers, BadRequest))),
        // The Merkliste is the buyer's own: who may order for München reaches it, Köln is told nothing, the rest (viewer, vendors, platform) 403.
        new("GET", "/api/v1/municipalities/{ags}/basket", $"{M}/09162000/basket", null, Forbidden, Map((MuenchenOrderers, Ok), ([KoelnAdmin], NotFound))),
        new("PUT", "/api/v1/municipalities/{ags}/basket/items/{offeringId}", $"{M}/09162000/basket/items/meldeportal-komuna",
            () => new { planId = "no-such-plan" }, Forbidden, Map((MuenchenOrderers, BadRequest), ([KoelnAdmin], NotFound))),
        new("DELETE", "/api/v1/municipalities/{ags}/basket/items/{offeringId}", $"{M}/09162000/basket/items/no-such-offering", null,
            Forbidden, Map((MuenchenOrderers, NotFound), ([KoelnAdmin], NotFound))),
        new("POST", "/api/v1/municipalities/{ags}/basket/orders", $"{M}/09162000/basket/orders", () => new { }, Forbidden,
            Map((MuenchenOrderers, BadRequest), ([KoelnAdmin], NotFound))),
        new("GET", "/api/v1/municipalities/{ags}/orders/{orderId}", $"{M}/09162000/orders/no-such-order", null, NotFound, []),
        // The cost of a placed order is read like the order: who may read München's orders; anyone else finds nothing.
        new("GET", "/api/v1/municipalities/{ags}/orders/{orderId}/quote", $"{M}/09162000/orders/{{order}}/quote", null, NotFound, Map((MuenchenReaders, Ok)),
            Prepare: async (host, url) => url.Replace("{order}", await MuenchenOrderAsync(host))),
        new("POST", "/api/v1/municipalities/{ags}/orders/{orderId}/approval", $"{M}/09162000/orders/no-such-order/approval", null,
            Forbidden, Map(([MuenchenAdmin, KoelnAdmin], NotFound))),
        new("POST", "/api/v1/municipalities/{ags}/orders/{orderId}/rejection", $"{M}/09162000/orders/no-such-order/rejection",
            () => new { reason = "zu teuer" }, Forbidden, Map(([MuenchenAdmin, KoelnAdmin], NotFound))),
        new("PUT", "/api/v1/municipalities/{ags}/order-settings", $"{M}/09162000/order-settings", () => new { approvalThresholdCents = (long?)null },
            Forbidden, Map(([MuenchenAdmin], NoContent), ([KoelnAdmin], NotFound))),
        new("POST", "/api/v1/municipalities/{ags}/bundle-orders", $"{M}/09162000/bundle-orders", () => new { bundleId = "umzug", selections = Array.Empty<object>() },
            Forbidden, Map((MuenchenOrderers, BadRequest), ([KoelnAdmin], NotFound))),

        new("GET", "/api/v1/municipalities/{ags}/subscriptions", $"{M}/09162000/subscriptions", null, NotFound, Map((MuenchenReaders, Ok))),
        new("GET", "/api/v1/municipalities/{ags}/subscriptions/export.csv", "/api/v1/municipalities/09162000/subscriptions/export.csv", null, NotFound,
            Map(([MuenchenAdmin, MuenchenViewer, BundlerAdmin, Auditor, PlatformAdmin], Ok))),
        new("GET", "/api/v1/municipalities/{ags}/subscriptions/{id}", $"{M}/09162000/subscriptions/no-such-subscription", null, NotFound, []),
        new("GET", "/api/v1/municipalities/{ags}/subscriptions/{id}/timeline", $"{M}/09162000/subscriptions/no-such-subscription/timeline", null, NotFound, []),
        new("GET", "/api/v1/municipalities/{ags}/subscriptions/{id}/configuration", $"{M}/09162000/subscriptions/no-such-subscription/configuration", null,
            NotFound, []),
        new("PATCH", "/api/v1/municipalities/{ags}/subscriptions/{id}", $"{M}/09162000/subscriptions/no-such-subscription",
            () => new { configuration = new { } }, Forbidden, Map(([MuenchenAdmin, BundlerAdmin, KoelnAdmin], NotFound))),
        new("POST", "/api/v1/municipalities/{ags}/subscriptions/{id}/suspension", $"{M}/09162000/subscriptions/no-such-subscription/suspension", null,
            Forbidden, Map(([MuenchenAdmin, BundlerAdmin, KoelnAdmin], NotFound))),
        new("DELETE", "/api/v1/municipalities/{ags}/subscriptions/{id}/suspension", $"{M}/09162000/subscriptions/no-such-subscription/suspension", null,
            Forbidden, Map(([MuenchenAdmin, BundlerAdmin, KoelnAdmin], NotFound))),
        new("DELETE", "/api/v1/municipalities/{ags}/subscriptions/{id}", $"{M}/09162000/subscriptions/no-such-subscription", null,
            Forbidden, Map(([MuenchenAdmin, BundlerAdmin, KoelnAdmin], NotFound))),
        new("POST", "/api/v1/municipalities/{ags}/subscriptions/{id}/retries", $"{M}/09162000/subscriptions/no-such-subscription/retries", null,
            Forbidden, Map(([MuenchenAdmin, BundlerAdmin, KoelnAdmin], NotFound))),

        new("GET", "/api/v1/vendors/{vendorId}/orders", "/api/v1/vendors/komuna-digital/orders", null, NotFound, Map((Komuna, Ok), (Platform, Ok))),
        new("GET", "/api/v1/vendors/{vendorId}/subscriptions", "/api/v1/vendors/komuna-digital/subscriptions", null, NotFound, Map((Komuna, Ok), (Platform, Ok))),
        new("GET", "/api/v1/vendors/{vendorId}/subscriptions/{id}", "/api/v1/vendors/komuna-digital/subscriptions/no-such-subscription", null, NotFound, []),
        new("GET", "/api/v1/vendors/{vendorId}/tasks", "/api/v1/vendors/komuna-digital/tasks", null, Forbidden, Map((Komuna, Ok), ([HavelsoftAdmin], NotFound))),
        new("POST", "/api/v1/vendors/{vendorId}/tasks/{subscriptionId}/completion", "/api/v1/vendors/komuna-digital/tasks/no-such-subscription/completion",
            () => new { dashboardUrl = "https://komuna-digital.example/dashboard", notes = "eingerichtet" }, Forbidden,
            Map((Komuna, NotFound), ([HavelsoftAdmin], NotFound))),
        new("POST", "/api/v1/vendors/{vendorId}/tasks/{subscriptionId}/rejection", "/api/v1/vendors/komuna-digital/tasks/no-such-subscription/rejection",
            () => new { reason = "keine Kapazität" }, Forbidden, Map((Komuna, NotFound), ([HavelsoftAdmin], NotFound))),

        // Land defaults: the offering's vendor, the Land's bundling organisation (Bayern) and the platform read them.
        new("GET", "/api/v1/offerings/{offeringId}/land-defaults/{landCode}", "/api/v1/offerings/meldeportal-komuna/land-defaults/09", null, NotFound,
            Map((Komuna, Ok), (Platform, Ok), ([BundlerAdmin], Ok))),
        new("PUT", "/api/v1/offerings/{offeringId}/land-defaults/{landCode}/vendor", "/api/v1/offerings/meldeportal-komuna/land-defaults/05/vendor",
            () => new { }, Forbidden, Map((Komuna, NoContent), ([HavelsoftAdmin], NotFound))),
        new("PUT", "/api/v1/offerings/{offeringId}/land-defaults/{landCode}/bundler", "/api/v1/offerings/meldeportal-komuna/land-defaults/09/bundler",
            () => new { }, Forbidden, Map(([BundlerAdmin], NoContent))),
        // Who speaks for a Land: anyone signed in reads it, only a platform-admin designates (re-designating the demo bundler).
        new("GET", "/api/v1/lands/{landCode}/designation", "/api/v1/lands/09/designation", null, Ok, []),
        new("PUT", "/api/v1/lands/{landCode}/designation", "/api/v1/lands/09/designation",
            () => new { organisationId = DemoSeeder.Bundler }, Forbidden, Map(([PlatformAdmin], NoContent))),

        new("POST", "/api/v1/rollouts", "/api/v1/rollouts",
            () => new { offeringId = "no-such-offering", planId = "standard", municipalityAgs = new[] { "09162000" } }, Forbidden, Map(([BundlerAdmin], BadRequest))),
        new("GET", "/api/v1/rollouts", "/api/v1/rollouts", null, Forbidden, Map(([BundlerAdmin], Ok))),
        new("GET", "/api/v1/rollouts/{id}", "/api/v1/rollouts/no-such-rollout", null, Forbidden, Map(([BundlerAdmin], NotFound))),
        new("POST", "/api/v1/rollouts/{id}/retries", "/api/v1/rollouts/no-such-rollout/retries", null, Forbidden, Map(([BundlerAdmin], NotFound))),

        new("GET", "/api/v1/admin/jobs/dead", "/api/v1/admin/jobs/dead", null, Forbidden, Map((Platform, Ok))),
        new("POST", "/api/v1/admin/jobs/{jobId}/retries", "/api/v1/admin/jobs/no-such-job/retries", null, Forbidden, Map(([PlatformAdmin], NotFound))),
    ];

    private const string MatrixOrder = "matrix-order-muenchen";

    /// <summary>An order of München with nothing in it, written once per host: enough to be found or not.</summary>
    private static async Task<string> MuenchenOrderAsync(IdentityHost host)
    {
        await using var c = await host.Database.Database.OpenAsync();
        if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM orders WHERE id = @id", new { id = MatrixOrder }) > 0) return MatrixOrder;
        try
        {
            await c.ExecuteAsync("""
                INSERT INTO orders (id, municipality_ags, idempotency_key, request_hash, kind, bundle_id, state, monthly_cost_cents, ordered_by, ordered_at)
                VALUES (@id, '09162000', @id, @id, 'offering', NULL, 'placed', 0, 'matrix', @now)
                """, new { id = MatrixOrder, now = StoredTimestamp.Format(DateTimeOffset.UtcNow) });
        }
        catch (System.Data.Common.DbException)
        {
            // Another row of the matrix wrote it first.
        }
        return MatrixOrder;
    }
}
