using Marketplace.Catalog.Descriptors;

namespace Marketplace.Catalog.Residency;

/// <summary>The kinds of operator a descriptor names; kommunal and land are public operators.</summary>
public static class OperatorKinds
{
    public const string Kommunal = "kommunal";
    public const string Land = "land";
    public const string Privat = "privat";
    public const string Hyperscaler = "hyperscaler";
    public static readonly IReadOnlyList<string> All = [Kommunal, Land, Privat, Hyperscaler];
    public static bool IsPublic(string kind) => kind is Kommunal or Land;
}

/// <summary>Access from third countries: none (Germany only), eu (EU/EEA only), possible.</summary>
public static class ThirdCountryAccessLevels
{
    public const string None = "none";
    public const string Eu = "eu";
    public const string Possible = "possible";
    public static readonly IReadOnlyList<string> All = [None, Eu, Possible];
}

/// <summary>Certifications a descriptor may claim, and the catalogue standard whose attested criteria prove each.</summary>
public static class Certifications
{
    public const string BsiC5 = "bsi-c5";
    public const string Iso27001Grundschutz = "iso27001-grundschutz";
    public const string Iso27001 = "iso27001";

    /// <summary>The standard (catalog/standards) whose attested criteria are the evidence, or null when the catalogue has none.</summary>
    public static string? EvidenceStandard(string certification) => certification switch
    {
        BsiC5 => "c5",
        Iso27001Grundschutz => "bsi-grundschutz",
        _ => null,
    };
}

/// <summary>The countries of the EU and the EEA: data kept there stays under the GDPR without a transfer to a third country.</summary>
public static class EuEea
{
    private static readonly HashSet<string> Countries =
    [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL",
        "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
    ];
    public static bool Contains(string country) => Countries.Contains(country);
}

/// <summary>
/// A municipality's data policy: the rules an offering must meet. Empty (no rule set) lets every offering fit.
/// </summary>
public sealed record DataPolicy(bool OnlyGermany, bool OnlyOwnLand, bool PublicOperatorsOnly, bool NoThirdCountryAccess)
{
    public static readonly DataPolicy None = new(false, false, false, false);
    public bool IsEmpty => this == None;
}

/// <summary>Why an offering does not fit a policy: a stable code (the text comes from resources) and its arguments.</summary>
public sealed record PolicyViolation(string Rule, string Code, IReadOnlyList<string> Args);

/// <summary>How an offering stands against a policy: fits, or the list of reasons it does not.</summary>
public sealed record PolicyFit(IReadOnlyList<PolicyViolation> Violations)
{
    public bool Fits => Violations.Count == 0;
}

/// <summary>
/// Checks an offering's declared residency against a municipality's data policy. What a descriptor does not state counts
/// against a rule: a data-protection officer cannot accept an unknown location.
/// </summary>
public static class DataPolicyFit
{
    public const string RuleOnlyGermany = "onlyGermany";
    public const string RuleOnlyOwnLand = "onlyOwnLand";
    public const string RulePublicOperatorsOnly = "publicOperatorsOnly";
    public const string RuleNoThirdCountryAccess = "noThirdCountryAccess";

    /// <param name="ownLand">The municipality's Land (abbreviation, e.g. BY).</param>
    public static PolicyFit Evaluate(HostingDescriptor h, DataPolicy policy, string ownLand)
    {
        var v = new List<PolicyViolation>();
        var places = new[] { ("primary", h.PrimaryStorage), ("backup", h.BackupStorage) };
        if (policy.OnlyGermany)
        {
            foreach (var (which, place) in places)
                if (place is null) v.Add(new(RuleOnlyGermany, "not-stated", [which]));
                else if (place.Country != "DE") v.Add(new(RuleOnlyGermany, which + "-outside-germany", [place.Country]));
            foreach (var s in h.SubProcessorList.Where(s => s.Country != "DE"))
                v.Add(new(RuleOnlyGermany, "subprocessor-outside-germany", [s.Name, s.Country]));
        }
        if (policy.OnlyOwnLand)
            foreach (var (which, place) in places)
                if (place is null) v.Add(new(RuleOnlyOwnLand, "not-stated", [which]));
                else if (place.Country != "DE" || place.Land != ownLand)
                    v.Add(new(RuleOnlyOwnLand, which + "-outside-land", [place.Land ?? place.Country, ownLand]));
        if (policy.PublicOperatorsOnly)
        {
            if (h.Operator is null) v.Add(new(RulePublicOperatorsOnly, "not-stated", ["operator"]));
            else if (!OperatorKinds.IsPublic(h.Operator.Kind)) v.Add(new(RulePublicOperatorsOnly, "operator-not-public", [h.Operator.Name, h.Operator.Kind]));
        }
        if (policy.NoThirdCountryAccess)
        {
            if (h.ThirdCountryAccess is null) v.Add(new(RuleNoThirdCountryAccess, "not-stated", ["thirdCountryAccess"]));
            else if (h.ThirdCountryAccess.Level == ThirdCountryAccessLevels.Possible)
                v.Add(new(RuleNoThirdCountryAccess, "third-country-access", [h.ThirdCountryAccess.Reason ?? ""]));
            foreach (var (which, place) in places)
                if (place is not null && !EuEea.Contains(place.Country)) v.Add(new(RuleNoThirdCountryAccess, which + "-third-country", [place.Country]));
            foreach (var s in h.SubProcessorList.Where(s => !EuEea.Contains(s.Country)))
                v.Add(new(RuleNoThirdCountryAccess, "subprocessor-third-country", [s.Name, s.Country]));
        }
        return new PolicyFit(v);
    }
}
