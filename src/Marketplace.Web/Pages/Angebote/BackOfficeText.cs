using Marketplace.Catalog.BackOffice;
using Marketplace.Catalog.Descriptors;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Angebote;

/// <summary>An offering's fit to a municipality's Fachverfahren in the page's language: the short status and a line per area.</summary>
public static class BackOfficeText
{
    public static string Price(IStringLocalizer l, long? cents, string? interval) =>
        cents is { } c ? l["Plan.Interval." + (interval ?? "month"), Format.Money(c)].Value : "";

    /// <summary>"passt zu Ihrem Fachverfahren", "braucht Adapter (49,00 € im Monat)", "keine Anbindung".</summary>
    public static string Status(IStringLocalizer l, BackOfficeFitResult fit)
    {
        if (fit.Status != FitStatuses.Adapter) return l["BackOffice.Status." + fit.Status].Value;
        var adapters = fit.Areas.Where(a => a.Status == FitStatuses.Adapter).ToList();
        return l["BackOffice.Status.adapter", string.Join(", ", adapters.Select(a => Price(l, a.AdapterPriceCents, a.AdapterInterval)))].Value;
    }

    public static string Area(IStringLocalizer l, BackOfficeReference reference, AreaFit a, OfferingDescriptor offering)
    {
        var area = reference.Area(a.Area) is { } ar ? Format.Name(ar.Name, ar.NameEn) : a.Area;
        var product = (reference.Product(a.Product)?.Product.Name ?? a.Product) + " " + a.ProductVersion;
        var line = a.Status switch
        {
            FitStatuses.Fits => l["BackOffice.AreaFits", area, product, reference.Interface(a.Via ?? "")?.Name ?? a.Via ?? "", a.ViaVersion ?? ""].Value,
            FitStatuses.Adapter => l["BackOffice.AreaAdapter", area, product, AddOnName(offering, a.AdapterAddOn), Price(l, a.AdapterPriceCents, a.AdapterInterval)].Value,
            _ => l["BackOffice.AreaNone", area, product].Value,
        };
        return a.Status != FitStatuses.Fits && a.ManualExport is { } export ? line + "; " + l["BackOffice.ManualExportOnly", export.ToUpperInvariant()].Value : line;
    }

    public static string AddOnName(OfferingDescriptor offering, string? addOnId) =>
        offering.Plans.SelectMany(p => p.AddOnList).FirstOrDefault(x => x.Id == addOnId) is { } addOn ? Format.Name(addOn.Name, addOn.NameEn) : addOnId ?? "";

    /// <summary>The CSS modifier of the status badge.</summary>
    public static string Css(string status) => status switch { FitStatuses.Fits => "notice notice-ok", _ => "notice" };
}

/// <summary>
/// What the "Anbindung an Fachverfahren" section shows: the offering's declared delivery per area and, for a signed-in
/// municipality, its fit to the Fachverfahren it recorded (null: nothing recorded the offering delivers to).
/// </summary>
public sealed record BackOfficeSection(OfferingDescriptor Offering, BackOfficeReference Reference, BackOfficeFitResult? Fit, bool ViewerIsMunicipality);
