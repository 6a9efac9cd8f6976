namespace Marketplace.Identity.Tests;

public static partial class DenialMatrix
{
    /// <summary>Rows for the billing endpoints: usage, invoices, billing runs, funding report.</summary>
    private static Row[] BillingRows =>
    [
    ];
}
