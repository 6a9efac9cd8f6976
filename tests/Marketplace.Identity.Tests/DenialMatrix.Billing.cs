namespace Marketplace.Identity.Tests;

public static partial class DenialMatrix
{
    internal static readonly string[] VendorPrincipals = [KomunaAdmin, KomunaEditor, HavelsoftAdmin];

    /// <summary>Rows for the billing endpoints: usage, invoices, billing runs, funding report.</summary>
    private static Row[] BillingRows =>
    [
        // Any vendor may report; a subscription that is not one of its own answers per event as unknown (the body, not the status).
        new("POST", "/api/v1/usage", "/api/v1/usage",
            () => new { events = new[] { new { eventId = "matrix-" + Unique(), subscriptionId = "no-such-subscription", dimension = "auskuenfte", quantity = 1, timestamp = DateTimeOffset.UtcNow } } },
            Forbidden, Map((VendorPrincipals, Ok))),
        new("GET", "/api/v1/municipalities/{ags}/invoices", "/api/v1/municipalities/09162000/invoices", null, NotFound, Map((Muenchen, Ok), (Platform, Ok))),
        new("GET", "/api/v1/municipalities/{ags}/invoices/export.csv", "/api/v1/municipalities/09162000/invoices/export.csv", null, NotFound,
            Map((Muenchen, Ok), (Platform, Ok))),
        new("GET", "/api/v1/municipalities/{ags}/invoices/{invoiceId}", "/api/v1/municipalities/09162000/invoices/no-such-invoice", null, NotFound, []),
        new("GET", "/api/v1/municipalities/{ags}/invoices/{invoiceId}/xrechnung", "/api/v1/municipalities/09162000/invoices/no-such-invoice/xrechnung",
            null, NotFound, []),
        new("GET", "/api/v1/municipalities/{ags}/credit-notes", "/api/v1/municipalities/09162000/credit-notes", null, NotFound, Map((Muenchen, Ok), (Platform, Ok))),
        new("GET", "/api/v1/municipalities/{ags}/credit-notes/{creditNoteId}", "/api/v1/municipalities/09162000/credit-notes/no-such-credit-note", null, NotFound, []),
        new("GET", "/api/v1/municipalities/{ags}/credit-notes/{creditNoteId}/xrechnung", "/api/v1/municipalities/09162000/credit-notes/no-such-credit-note/xrechnung",
            null, NotFound, []),
        new("GET", "/api/v1/municipalities/{ags}/usage", "/api/v1/municipalities/09162000/usage", null, NotFound, Map((Muenchen, Ok), (Platform, Ok))),
        new("GET", "/api/v1/municipalities/{ags}/billing-account", "/api/v1/municipalities/09162000/billing-account", null, NotFound,
            Map((Muenchen, Ok), (Platform, Ok))),
        new("PUT", "/api/v1/municipalities/{ags}/billing-account", "/api/v1/municipalities/09162000/billing-account",
            () => new { paymentChannel = "xrechnung", email = "rechnung@muenchen.example" }, Forbidden, Map(([MuenchenAdmin], Ok), ([KoelnAdmin], NotFound))),
        new("GET", "/api/v1/vendors/{vendorId}/usage", "/api/v1/vendors/komuna-digital/usage", null, NotFound, Map((Komuna, Ok), (Platform, Ok))),
        new("GET", "/api/v1/vendors/{vendorId}/revenue", "/api/v1/vendors/komuna-digital/revenue", null, NotFound, Map((Komuna, Ok), (Platform, Ok))),
        new("GET", "/api/v1/billing/runs", "/api/v1/billing/runs", null, Forbidden, Map((Platform, Ok))),
        new("POST", "/api/v1/billing/runs", "/api/v1/billing/runs", () => new { period = "2020-01" }, Forbidden, Map(([PlatformAdmin], Created))),
        new("GET", "/api/v1/billing/periods/{period}/invoices", "/api/v1/billing/periods/2020-01/invoices", null, Forbidden, Map((Platform, Ok))),
        new("POST", "/api/v1/billing/periods/{period}/finalization", "/api/v1/billing/periods/2020-01/finalization", null, Forbidden, Map(([PlatformAdmin], Ok))),
        new("POST", "/api/v1/billing/invoices/{invoiceId}/finalization", "/api/v1/billing/invoices/no-such-invoice/finalization", null, Forbidden,
            Map(([PlatformAdmin], NotFound))),
        new("POST", "/api/v1/billing/invoices/{invoiceId}/cancellation", "/api/v1/billing/invoices/no-such-invoice/cancellation", null, Forbidden,
            Map(([PlatformAdmin], NotFound))),
        new("POST", "/api/v1/billing/invoices/{invoiceId}/corrections", "/api/v1/billing/invoices/no-such-invoice/corrections",
            () => new { reason = "Nutzung korrigiert", lines = new[] { new { lineNo = 1, quantity = 0 } } }, Forbidden, Map(([PlatformAdmin], NotFound))),
        new("POST", "/api/v1/billing/invoices/{invoiceId}/replacement", "/api/v1/billing/invoices/no-such-invoice/replacement",
            () => new { reason = "Nutzung zu niedrig gemeldet", lines = new[] { new { lineNo = 1, quantity = 9 } } }, Forbidden, Map(([PlatformAdmin], NotFound))),
        new("GET", "/api/v1/billing/funding", "/api/v1/billing/funding", null, Forbidden, Map((Platform, Ok))),
        new("GET", "/api/v1/billing/funding.csv", "/api/v1/billing/funding.csv", null, Forbidden, Map((Platform, Ok))),
    ];
}
