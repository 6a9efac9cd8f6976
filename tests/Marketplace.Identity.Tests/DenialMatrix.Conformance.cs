namespace Marketplace.Identity.Tests;

public static partial class DenialMatrix
{
    /// <summary>Rows for the conformance endpoints: vendor offerings, evidence, auditor decisions, audit trail.</summary>
    private static Row[] ConformanceRows =>
    [
    ];
}
