using Marketplace.Audit;
using Marketplace.Conformance;
using Marketplace.Conformance.Api;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Pruefung;

/// <summary>The audit trail for auditors and platform admins: filters, the newest entries, CSV/JSON export and the chain check.</summary>
[Authorize(Policy = Policies.PlatformReader)]
public sealed class ProtokollModel(AuditTrail trail, IStringLocalizer<SharedResource> texts) : PageModel
{
    public static readonly string[] Filters = ["objectType", "objectId", "userId", "organisationId", "action", "from", "to"];

    public IReadOnlyList<AuditRecord> Entries { get; private set; } = [];
    public AuditVerification? Verification { get; private set; }
    /// <summary>The filters as given, for the form and the export links.</summary>
    public Dictionary<string, string> Values { get; } = [];

    public async Task OnGetAsync()
    {
        foreach (var f in Filters) Values[f] = Request.Query[f].ToString();
        try
        {
            Entries = await trail.QueryAsync(AuditFilter.Parse(Request.Query));
        }
        catch (ConformanceException e)
        {
            ConformanceErrors.Add(ModelState, e, "objectType", texts, field => field);
        }
    }

    public async Task<IActionResult> OnPostVerifyAsync()
    {
        Verification = await trail.VerifyAsync();
        Entries = await trail.QueryAsync(new AuditQuery());
        return Page();
    }

    public string ExportUrl(string format) =>
        "/api/v1/audit/export" + QueryString.Create(Values.Where(v => v.Value.Length > 0).Append(new("format", format))
            .Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)));
}
