namespace Marketplace.Catalog;

/// <summary>EN 16931 VAT category codes (UNCL 5305) the marketplace can invoice; price items name one in their descriptor.</summary>
public static class VatCategories
{
    /// <summary>Standard rate: a rate above zero.</summary>
    public const string Standard = "S";
    /// <summary>Zero rated: rate 0, no exemption reason.</summary>
    public const string ZeroRated = "Z";
    /// <summary>Exempt (e.g. § 4 UStG): rate 0, with an exemption reason text or code.</summary>
    public const string Exempt = "E";
    /// <summary>Reverse charge: needs the buyer's VAT identifier, which the platform does not keep for municipalities.</summary>
    public const string ReverseCharge = "AE";
    /// <summary>Not subject to VAT (e.g. § 2b UStG between public bodies): no rate, an exemption reason, no seller VAT identifier, alone on its invoice.</summary>
    public const string NotSubject = "O";

    public static readonly IReadOnlyList<string> All = [Standard, ZeroRated, Exempt, ReverseCharge, NotSubject];
}

/// <summary>
/// How one price item is taxed: category, rate in basis points (1900 = 19 %), and for E and O the exemption reason text
/// (BT-120) and/or code (BT-121, e.g. VATEX-EU-O).
/// </summary>
public sealed record VatTreatment(string Category, long RateBasisPoints, string? ExemptionReason = null, string? ExemptionCode = null)
{
    public static VatTreatment Standard(long rateBasisPoints) => new(VatCategories.Standard, rateBasisPoints);

    /// <summary>A key naming category, rate and exemption, e.g. "S-1900" or "E-0-VATEX-EU-132".</summary>
    public string Key => ExemptionCode is null && ExemptionReason is null
        ? $"{Category}-{RateBasisPoints}"
        : $"{Category}-{RateBasisPoints}-{ExemptionCode ?? ExemptionReason}";

    /// <summary>
    /// What EN 16931 and XRechnung demand of this treatment, as messages for <paramref name="field"/> (empty: fine).
    /// <paramref name="sellerHasLegalRegistration"/>: category O forbids the seller VAT identifier, so the seller must be
    /// identified by its legal registration (BT-30) instead (BR-CO-26).
    /// </summary>
    public IReadOnlyList<string> Problems(bool sellerHasLegalRegistration = true)
    {
        var problems = new List<string>();
        var hasReason = !string.IsNullOrWhiteSpace(ExemptionReason) || !string.IsNullOrWhiteSpace(ExemptionCode);
        switch (Category)
        {
            case VatCategories.Standard:
                if (RateBasisPoints is <= 0 or >= 10_000) problems.Add("Category S (standard rate) needs a rate greater than 0 and less than 100 % (EN 16931 BR-S-05).");
                if (hasReason) problems.Add("Category S takes no exemption reason (EN 16931 BR-S-10).");
                break;
            case VatCategories.ZeroRated:
                if (RateBasisPoints != 0) problems.Add("Category Z (zero rated) has the rate 0 (EN 16931 BR-Z-05).");
                if (hasReason) problems.Add("Category Z takes no exemption reason (EN 16931 BR-Z-10).");
                break;
            case VatCategories.Exempt:
                if (RateBasisPoints != 0) problems.Add("Category E (exempt) has the rate 0 (EN 16931 BR-E-05).");
                if (!hasReason) problems.Add("Category E (exempt) needs an exemption reason text or code, e.g. VATEX-EU-132 (EN 16931 BR-E-10).");
                break;
            case VatCategories.NotSubject:
                if (RateBasisPoints != 0) problems.Add("Category O (not subject to VAT) has no rate (EN 16931 BR-O-05); give 0.");
                if (!hasReason) problems.Add("Category O (not subject to VAT) needs an exemption reason, e.g. code VATEX-EU-O (EN 16931 BR-O-10).");
                if (!sellerHasLegalRegistration)
                    problems.Add("Category O invoices must not carry the seller's VAT identifier (EN 16931 BR-O-02), so the seller needs its legal registration identifier (Billing:Seller:LegalRegistrationId, BT-30; BR-CO-26).");
                break;
            case VatCategories.ReverseCharge:
                problems.Add("Category AE (reverse charge) needs the buyer's VAT identifier (EN 16931 BR-AE-02), which the platform does not keep for municipalities; invoice such items as S, E or O.");
                break;
            default:
                problems.Add($"'{Category}' is not a VAT category the marketplace invoices: one of {string.Join(", ", VatCategories.All)}.");
                break;
        }
        if (ExemptionCode is { } code && !code.StartsWith("VATEX-", StringComparison.Ordinal))
            problems.Add($"Exemption reason code '{code}' is not a VATEX code (e.g. VATEX-EU-132, VATEX-EU-O).");
        return problems;
    }
}

