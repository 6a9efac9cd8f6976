using Marketplace.Catalog.BackOffice;
using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.BackOffice;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Organisation;

/// <summary>
/// The Fachverfahren a municipality runs: per area one product and version, chosen from the reference data. Its members
/// read it, its buyer-admin records it; the same service as the API, so it is one transaction and audited alike.
/// </summary>
[Authorize]
public sealed class FachverfahrenModel(MunicipalityFachverfahren fachverfahren, IStringLocalizer<SharedResource> text) : PageModel
{
    /// <summary>The value of a choice: product and version, "ok-ewo|2025.1"; empty: not recorded.</summary>
    [BindProperty] public Dictionary<string, string> Selection { get; set; } = new(StringComparer.Ordinal);

    public BackOfficeReference Reference { get; private set; } = BackOfficeReference.Empty;
    public FachverfahrenView? Recorded { get; private set; }
    public bool CanEdit { get; private set; }
    public bool Saved { get; private set; }

    public static string Value(string product, string version) => product + "|" + version;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Selection = Recorded!.Products.ToDictionary(p => p.Area, p => Value(p.Product, p.Version), StringComparer.Ordinal);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        if (!CanEdit) return Forbid();
        var chosen = Reference.Areas.Where(a => !string.IsNullOrEmpty(Selection.GetValueOrDefault(a.Id))).ToList();
        var products = chosen.Select(a => Selection[a.Id].Split('|', 2) is var parts
            ? new RecordedProductRequest(a.Id, parts[0], parts.Length > 1 ? parts[1] : null) : null!).ToList();
        try
        {
            Recorded = await fachverfahren.SetAsync(User.AgsOf()!, products, User.SubjectOf()!, User.OrganisationOf(), ct);
            Saved = true;
        }
        catch (RequestValidationException e)
        {
            foreach (var error in e.Errors)
            {
                // "products/2/version" → the select of the third area chosen.
                var parts = error.Field.Split('/');
                var key = parts.Length > 1 && int.TryParse(parts[1], out var i) && i < chosen.Count ? $"Selection-{chosen[i].Id}" : nameof(Selection);
                ModelState.AddModelError(key, text.Word(error));
            }
        }
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (MunicipalityFachverfahren.ViewerAgs(User) is not { } ags) return false;
        Reference = await fachverfahren.ReferenceAsync(ct);
        Recorded = await fachverfahren.GetAsync(ags, ct);
        CanEdit = User.HasRole(Roles.BuyerAdmin);
        return true;
    }
}
