using Marketplace.Conformance;
using Marketplace.Conformance.Api;
using Marketplace.Conformance.Attested;
using Marketplace.Conformance.Lifecycle;
using Marketplace.Conformance.Standards;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Anbieterportal;

/// <summary>
/// One of the vendor's offerings: versions with their conformance, the core-field editor and descriptor upload for the
/// newest version, evidence upload, and the lifecycle actions, each confirmed on a second step before it runs.
/// </summary>
[Authorize(Policy = Policies.VendorUser)]
public sealed class AngebotModel(OfferingLifecycle lifecycle, EvidenceService evidence, StandardsRegistry standards, IStringLocalizer<SharedResource> texts,
    Marketplace.Provisioning.Residency.SubProcessorObjections objections)
    : PageModel
{
    /// <summary>The actions a vendor confirms; version-bound ones name the version.</summary>
    public static readonly string[] VersionActions = ["submit", "withdraw", "publish"];
    public static readonly string[] OfferingActions = ["deprecate", "retire"];

    public OfferingStatusView View { get; private set; } = null!;
    /// <summary>Objections of subscribed municipalities to this offering's sub-processor changes.</summary>
    public IReadOnlyList<Marketplace.Provisioning.Residency.SubProcessorObjection> Objections { get; private set; } = [];
    public bool CanEdit { get; private set; }
    /// <summary>The attested criteria of the standards the newest version claims: what evidence can be for.</summary>
    public IReadOnlyList<(string Key, string Label)> AttestedCriteria { get; private set; } = [];
    /// <summary>Checks and evidence name their criterion by these names.</summary>
    public CriterionNames Criteria { get; private set; } = new(new Dictionary<(string, string, string), string>());

    [FromQuery] public string? Confirm { get; set; }
    [FromQuery(Name = "version")] public int? ConfirmVersion { get; set; }
    [FromQuery] public string? Notice { get; set; }

    [BindProperty] public DraftInput Fields { get; set; } = new();
    [BindProperty] public string? Descriptor { get; set; }
    [BindProperty] public IFormFile? DescriptorFile { get; set; }

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (!await LoadAsync(id)) return NotFound();
        Fields = DraftInput.Of(DraftFields.Of(View.Versions[0].Version.Descriptor));
        if (Confirm is not null && !VersionActions.Contains(Confirm) && !OfferingActions.Contains(Confirm)) Confirm = null;
        return Page();
    }

    public Task<IActionResult> OnPostFieldsAsync(string id) => ChangeAsync(id, async (actor, vendor) =>
        await lifecycle.EditFieldsAsync(actor, vendor, id, Fields.ToFields()), "saved", field => DraftInput.InputOf(field), withLines: false);

    public Task<IActionResult> OnPostDescriptorAsync(string id) => ChangeAsync(id, async (actor, vendor) =>
    {
        var (text, fileName) = await DescriptorInput.ReadAsync(Descriptor, DescriptorFile);
        await lifecycle.EditAsync(actor, vendor, id, text, fileName);
    }, "saved", _ => nameof(Descriptor));

    public Task<IActionResult> OnPostEvidenceAsync(string id) => ChangeAsync(id, async (actor, vendor) =>
        await evidence.UploadAsync(actor, vendor, id, await EvidenceForm.ReadAsync(Request)), "evidence",
        field => field is "file" or "issuer" or "issuedOn" or "expiresOn" or "criterionId" ? "evidence-" + field : null);

    public Task<IActionResult> OnPostActionAsync(string id, string action, int? version) => ChangeAsync(id, async (actor, vendor) =>
    {
        _ = action switch
        {
            "submit" => await lifecycle.SubmitAsync(actor, vendor, id, version ?? 0),
            "withdraw" => await lifecycle.WithdrawAsync(actor, vendor, id, version ?? 0),
            "publish" => await lifecycle.PublishAsync(actor, vendor, id, version ?? 0),
            "deprecate" => (object)await lifecycle.DeprecateAsync(actor, vendor, id),
            "retire" => await lifecycle.RetireAsync(actor, vendor, id),
            _ => throw ConformanceException.Invalid("action", "action.unknown", "Unbekannte Aktion."),
        };
    }, action, _ => "actions");

    /// <summary>Runs a change for the signed-in vendor: on success back to the page with a notice, else the page with the errors at their fields.</summary>
    private async Task<IActionResult> ChangeAsync(string id, Func<Actor, string, Task> change, string notice, Func<string, string?> inputOf,
        bool withLines = true)
    {
        if (!await LoadAsync(id)) return NotFound();
        if (!CanEdit) return Forbid();
        try
        {
            await change(Actor.Of(User), TenantAccess.VendorOf(User)!);
            return RedirectToPage(new { id, notice });
        }
        catch (ConformanceException e) when (e.Kind != ConformanceErrorKind.NotFound)
        {
            ConformanceErrors.Add(ModelState, e, inputOf("") ?? "actions", texts, inputOf, withLines);
        }
        catch (ConformanceException)
        {
            return NotFound();
        }
        await LoadAsync(id);
        return Page();
    }

    private async Task<bool> LoadAsync(string id)
    {
        if (TenantAccess.VendorOf(User) is not { } vendor) return false;
        try
        {
            View = await lifecycle.StatusViewAsync(vendor, id);
        }
        catch (ConformanceException e) when (e.Kind == ConformanceErrorKind.NotFound)
        {
            return false;
        }
        CanEdit = TenantAccess.EditsForVendor(User, vendor);
        Objections = await objections.ForOfferingAsync(id);
        var claimed = View.Versions[0].Version.Descriptor.Standards.Select(s => (s.Standard, s.Version)).ToHashSet();
        var all = await standards.ListAsync();
        Criteria = CriterionNames.From(all);
        AttestedCriteria = all
            .SelectMany(s => s.Versions.Where(v => claimed.Contains((s.Id, v.Version)))
                .SelectMany(v => v.Criteria.Where(c => !c.IsAutomated).Select(c => ($"{s.Id}|{v.Version}|{c.Id}", $"{s.Name} {v.Version}: {c.Title}"))))
            .ToList();
        return true;
    }
}

/// <summary>The core-field form; names match <see cref="DraftFields"/>, so the module's field names map back to inputs.</summary>
public sealed class DraftInput
{
    public string? Name { get; set; }
    public string? NameEn { get; set; }
    public string? Summary { get; set; }
    public string? Description { get; set; }
    public int? Reifegrad { get; set; }
    public string? HostingLocation { get; set; }
    public string? HostingProvider { get; set; }
    public string? AccessibilityStatementUrl { get; set; }

    public static DraftInput Of(DraftFields f) => new()
    {
        Name = f.Name, NameEn = f.NameEn, Summary = f.Summary, Description = f.Description, Reifegrad = f.Reifegrad,
        HostingLocation = f.HostingLocation, HostingProvider = f.HostingProvider, AccessibilityStatementUrl = f.AccessibilityStatementUrl,
    };

    public DraftFields ToFields() => new(Name, NameEn, Summary, Description, Reifegrad, HostingLocation, HostingProvider, AccessibilityStatementUrl);

    /// <summary>The input for a descriptor field ("/hosting/location" → "Fields.HostingLocation"); others go to the form as a whole.</summary>
    public static string InputOf(string field) => field switch
    {
        "/name" => "Fields.Name",
        "/nameEn" => "Fields.NameEn",
        "/summary" => "Fields.Summary",
        "/description" => "Fields.Description",
        "/reifegrad" => "Fields.Reifegrad",
        "/hosting/location" => "Fields.HostingLocation",
        "/hosting/provider" => "Fields.HostingProvider",
        "/accessibilityStatementUrl" => "Fields.AccessibilityStatementUrl",
        _ => "Fields",
    };
}
