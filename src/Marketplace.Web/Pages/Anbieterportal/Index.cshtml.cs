using Marketplace.Conformance;
using Marketplace.Conformance.Api;
using Marketplace.Conformance.Lifecycle;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Anbieterportal;

/// <summary>The vendor portal's start: the vendor's offerings with lifecycle, newest version and conformance, and a new offering from a descriptor.</summary>
[Authorize(Policy = Policies.VendorUser)]
public sealed class IndexModel(OfferingLifecycle lifecycle, IStringLocalizer<SharedResource> texts) : PageModel
{
    public IReadOnlyList<OfferingSummary> Offerings { get; private set; } = [];
    public bool CanEdit { get; private set; }

    /// <summary>The descriptor, pasted (YAML or JSON) or as a file.</summary>
    [BindProperty] public string? Descriptor { get; set; }
    [BindProperty] public IFormFile? DescriptorFile { get; set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostCreateAsync()
    {
        if (!await LoadAsync()) return NotFound();
        if (!CanEdit) return Forbid();
        var (text, fileName) = await DescriptorInput.ReadAsync(Descriptor, DescriptorFile);
        try
        {
            var created = await lifecycle.CreateAsync(Actor.Of(User), TenantAccess.VendorOf(User)!, text, fileName);
            return RedirectToPage("Angebot", new { id = created.OfferingId, notice = "created" });
        }
        catch (ConformanceException e)
        {
            ConformanceErrors.Add(ModelState, e, nameof(Descriptor), texts);
        }
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        if (TenantAccess.VendorOf(User) is not { } vendor) return false;
        CanEdit = TenantAccess.EditsForVendor(User, vendor);
        Offerings = await lifecycle.SummariesAsync(vendor);
        return true;
    }
}

/// <summary>A descriptor from the portal's form: an uploaded file wins over pasted text; the file name appears in error messages.</summary>
public static class DescriptorInput
{
    public static async Task<(string Text, string FileName)> ReadAsync(string? pasted, IFormFile? file)
    {
        if (file is { Length: > 0 })
        {
            using var reader = new StreamReader(file.OpenReadStream());
            return (await reader.ReadToEndAsync(), Path.GetFileName(file.FileName));
        }
        return (pasted ?? "", "angebot.yaml");
    }
}
