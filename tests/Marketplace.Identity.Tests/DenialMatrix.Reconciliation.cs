namespace Marketplace.Identity.Tests;

public static partial class DenialMatrix
{
    /// <summary>
    /// Reconciliation findings: all of them for the platform's readers, a vendor's own for its users (and the platform), a
    /// subscription's for who may see the subscription (an unknown one is 404 for everyone).
    /// </summary>
    private static Row[] ReconciliationRows =>
    [
        new("GET", "/api/v1/admin/reconciliation-findings", "/api/v1/admin/reconciliation-findings", null, Forbidden, Map((Platform, Ok))),
        new("GET", "/api/v1/vendors/{vendorId}/reconciliation-findings", "/api/v1/vendors/komuna-digital/reconciliation-findings", null, NotFound,
            Map((Komuna, Ok), (Platform, Ok))),
        new("GET", "/api/v1/municipalities/{ags}/subscriptions/{id}/findings", "/api/v1/municipalities/09162000/subscriptions/no-such-subscription/findings",
            null, NotFound, []),
    ];
}
