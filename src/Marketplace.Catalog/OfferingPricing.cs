using Marketplace.Catalog.Descriptors;

namespace Marketplace.Catalog;

/// <summary>
/// Derived price facts of an offering. The standard package is funded (free to the municipality); what it is
/// worth, its list value, is what "price" sorts by, so buyers can compare what the funder pays.
/// </summary>
public static class OfferingPricing
{
    public const string StandardOnly = "standard";
    public const string AddOns = "addons";
    public const string Metered = "metered";
    public const string SetupFee = "setup";

    public static readonly IReadOnlyList<string> Models = [StandardOnly, AddOns, Metered, SetupFee];

    /// <summary>The lowest monthly list value over the offering's plans, in cents.</summary>
    public static long PriceFromCents(OfferingDescriptor o) => o.Plans.Min(p => p.StandardPackage.ListValueCentsPerMonth);

    /// <summary>Which kinds of extras the offering has; "standard" when it has none.</summary>
    public static IReadOnlyList<string> PriceModels(OfferingDescriptor o)
    {
        var models = new List<string>();
        if (o.Plans.Any(p => p.AddOnList.Count > 0)) models.Add(AddOns);
        if (o.Plans.Any(p => p.MeteredList.Count > 0)) models.Add(Metered);
        if (o.Plans.Any(p => p.SetupFeeList.Count > 0)) models.Add(SetupFee);
        if (models.Count == 0) models.Add(StandardOnly);
        return models;
    }
}
