using Marketplace.Catalog.Search;
using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Rollouts;
using Marketplace.Web.Pages.Gemeinden;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Rollouts;

/// <summary>
/// Starts a rollout: one offering for every municipality of a Land that delegated ordering to the bundler, or for a
/// list of AGS; values entered here are common to all, an uploaded CSV (column "ags", other columns named like the
/// fields) overrides them per municipality, Land defaults lie underneath.
/// </summary>
[Authorize(Policy = Policies.BundlerAdmin)]
public sealed class NeuModel(OfferingDirectory offerings, RolloutService rollouts, ProvisioningAccess access, IStringLocalizer<SharedResource> texts,
    CatalogSearchService catalog, MunicipalityNames municipalityNames) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? OfferingId { get; set; }
    [BindProperty] public string? PlanId { get; set; }
    [BindProperty] public string? LandCode { get; set; }
    /// <summary>The municipalities ticked in the list (a posted list of AGS separated by commas or spaces is read too).</summary>
    [BindProperty] public string[]? MunicipalityAgs { get; set; }
    [BindProperty] public IFormFile? Csv { get; set; }

    public OfferingInfo? Offering { get; private set; }
    public ConfigFormModel? Form { get; private set; }
    public IReadOnlyList<string> Delegating { get; private set; } = [];
    /// <summary>The names of the delegating municipalities, for the list to tick.</summary>
    public IReadOnlyDictionary<string, string> MunicipalityNames { get; private set; } = new Dictionary<string, string>();
    /// <summary>The catalogue's active offerings to choose from, by name and vendor.</summary>
    public IReadOnlyList<(string Id, string Name, string Vendor)> Choices { get; private set; } = [];

    /// <summary>A Land by its name in the page's language (the select's value stays the code).</summary>
    public string LandName(string code) =>
        catalog.Current.Catalog.Laender.FirstOrDefault(l => l.Code == code) is { } land ? Format.Name(land.Name, land.NameEn) : code;

    private string MunicipalityName(string ags) => MunicipalityNames.GetValueOrDefault(ags) ?? ags;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(null, null, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(null, null, ct);
        if (Offering is null)
        {
            ModelState.AddModelError(nameof(OfferingId), texts.Word(FieldError.Coded("offeringId", "order.unknown-offering", "unbekanntes Angebot")));
            return Page();
        }
        var schema = TenantSchema.For(Offering.Descriptor.TenantConfigSchema);
        var common = ConfigForm.Read(schema, OrderingPages.ConfigInputs(Request.Form), out var readErrors, OrderingPages.ConfigPrefix);
        OrderingPages.AddConfigErrors(ModelState, readErrors, texts);
        var listed = MunicipalityAgs?.SelectMany(a => a.Split([',', ';', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).Distinct().ToArray();
        if (listed is { Length: 0 }) listed = null;
        var (targets, targetErrors) = await access.RolloutTargetsAsync(User, LandCode, listed, ct);
        foreach (var error in targetErrors)
            ModelState.AddModelError(error.Field.StartsWith("municipalityAgs", StringComparison.Ordinal) ? nameof(MunicipalityAgs) : nameof(LandCode), texts.Word(error));
        if (!ModelState.IsValid)
        {
            await LoadAsync(common, readErrors, ct);
            return Page();
        }
        string? csv = null;
        if (Csv is { } upload && CsvUploadLimits.Check(upload.Length) is { } tooBig)
        {
            ModelState.AddModelError(nameof(Csv), texts.Word(tooBig));
            await LoadAsync(common, readErrors, ct);
            return Page();
        }
        if (Csv is { Length: > 0 })
        {
            using var reader = new StreamReader(Csv.OpenReadStream());
            csv = await reader.ReadToEndAsync(ct);
        }
        try
        {
            var result = await rollouts.CreateAsync(User.SubjectOf()!, User.OrganisationOf(),
                new RolloutRequest(Offering.Id, PlanId ?? "", [], targets, null, common, csv), ct);
            return RedirectToPage("/Rollouts/Fortschritt", new { id = result.RolloutId });
        }
        catch (RequestValidationException e)
        {
            foreach (var error in e.Errors)
            {
                // Per-municipality configuration errors name the AGS; the field is the common input of that name.
                var key = error.Field switch
                {
                    var f when f.StartsWith("overridesCsv", StringComparison.Ordinal) => nameof(Csv),
                    var f when f.StartsWith("municipalityAgs", StringComparison.Ordinal) => nameof(MunicipalityAgs),
                    var f when f.StartsWith("municipalities/", StringComparison.Ordinal) && f.Contains("/configuration") =>
                        OrderingPages.FieldName(f[(f.IndexOf("/configuration", StringComparison.Ordinal) + "/configuration".Length)..]),
                    "planId" => nameof(PlanId),
                    _ => nameof(OfferingId),
                };
                ModelState.AddModelError(key, error.Field.StartsWith("municipalities/", StringComparison.Ordinal)
                    ? $"{MunicipalityName(error.Field.Split('/')[1])}: {texts.Word(error)}" : texts.Word(error));
            }
        }
        await LoadAsync(common, null, ct);
        return Page();
    }

    private async Task LoadAsync(System.Text.Json.Nodes.JsonObject? values, IReadOnlyList<FieldError>? errors, CancellationToken ct)
    {
        Delegating = await access.MunicipalitiesAsync(User, MunicipalityPermission.Order, ct);
        MunicipalityNames = await municipalityNames.NamesAsync(Delegating, ct);
        Choices = catalog.Current.Catalog.Offerings.Where(o => o.Listing.Lifecycle == Marketplace.Catalog.Queries.OfferingLifecycles.Active)
            .Select(o => (o.Descriptor.Id, Format.Name(o.Descriptor.Name, o.Descriptor.NameEn), o.VendorName))
            .OrderBy(o => o.Item2, StringComparer.CurrentCulture).ToList();
        if (string.IsNullOrWhiteSpace(OfferingId)) return;
        Offering = await offerings.GetAsync(OfferingId.Trim(), ct);
        if (Offering is null) return;
        PlanId ??= Offering.Descriptor.Plans.FirstOrDefault()?.Id;
        Form = ConfigForm.Build(TenantSchema.For(Offering.Descriptor.TenantConfigSchema), values, null, errors, OrderingPages.ConfigPrefix);
        // Common values are optional here: CSV rows and Land defaults may supply what the schema requires.
        Form = Form with { Fields = Form.Fields.Select(f => f with { Required = false }).ToList() };
    }
}
