using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Fulfilment;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Anbieterportal;

/// <summary>The vendor portal's manual fulfilment: requests, changes and cancellations of the vendor's manual offerings, completed or rejected here.</summary>
[Authorize(Policy = Policies.VendorUser)]
public sealed class AufgabenModel(ManualFulfilment manual, Microsoft.Extensions.Localization.IStringLocalizer<SharedResource> texts) : PageModel
{
    public IReadOnlyList<FulfilmentTask> Tasks { get; private set; } = [];
    public string? Notice { get; private set; }
    public string? Problem { get; private set; }
    /// <summary>The task whose form had errors (its inputs carry them).</summary>
    public string? FailedTask { get; private set; }

    [BindProperty] public string? DashboardUrl { get; set; }
    [BindProperty] public string? Notes { get; set; }
    [BindProperty] public string? Reason { get; set; }

    private string Vendor => TenantAccess.VendorOf(User) ?? "";

    public async Task OnGetAsync(CancellationToken ct) => Tasks = await manual.TasksAsync(Vendor, ct);

    public Task<IActionResult> OnPostCompleteAsync(string subscriptionId, CancellationToken ct) => ActAsync(subscriptionId,
        () => manual.CompleteAsync(Vendor, User.SubjectOf()!, subscriptionId, Blank(DashboardUrl), Blank(Notes), ct), "Vendor.Completed", ct);

    public Task<IActionResult> OnPostRejectAsync(string subscriptionId, CancellationToken ct) => ActAsync(subscriptionId,
        () => manual.RejectAsync(Vendor, User.SubjectOf()!, subscriptionId, Reason ?? "", ct), "Vendor.Rejected", ct);

    private async Task<IActionResult> ActAsync(string subscriptionId, Func<Task> action, string notice, CancellationToken ct)
    {
        try
        {
            await action();
            Notice = notice;
            DashboardUrl = Notes = Reason = null;
            ModelState.Clear();
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
        catch (RequestValidationException e)
        {
            FailedTask = subscriptionId;
            // Inputs of a task are named "<field>-<subscription id>", so the summary links the right form's field.
            foreach (var error in e.Errors) ModelState.AddModelError($"{error.Field}-{subscriptionId}", texts.Word(error));
        }
        catch (ConflictException e)
        {
            Problem = texts.Word(e);
        }
        Tasks = await manual.TasksAsync(Vendor, ct);
        return Page();
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
