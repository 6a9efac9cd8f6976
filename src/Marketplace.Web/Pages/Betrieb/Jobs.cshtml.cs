using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Subscriptions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Betrieb;

/// <summary>The dead letter: broker jobs whose retries are exhausted, with their attempts; platform admins queue them again.</summary>
[Authorize(Policy = Policies.PlatformReader)]
public sealed class JobsModel(JobStore jobs, SubscriptionService subscriptions, Microsoft.Extensions.Localization.IStringLocalizer<SharedResource> texts) : PageModel
{
    public IReadOnlyList<(JobRecord Job, IReadOnlyList<JobAttempt> Attempts)> Dead { get; private set; } = [];
    public bool MayRetry => User.HasRole(Roles.PlatformAdmin);
    public string? Notice { get; private set; }
    public string? Problem { get; private set; }

    public async Task OnGetAsync(bool retried, CancellationToken ct)
    {
        if (retried) Notice = "Jobs.Retried";
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostRetryAsync(string jobId, CancellationToken ct)
    {
        // Reading the dead letter is for auditors too; retrying changes state and is the platform admin's alone.
        if (!MayRetry) return Forbid();
        try
        {
            await subscriptions.RetryDeadJobAsync(jobId, User.SubjectOf()!, User.OrganisationOf(), ct);
            return RedirectToPage(new { retried = true });
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
        catch (ConflictException e)
        {
            Problem = texts.Word(e);
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var list = new List<(JobRecord, IReadOnlyList<JobAttempt>)>();
        foreach (var job in await jobs.DeadLetterAsync(200, 0, ct)) list.Add((job, await jobs.AttemptsAsync(job.Id, ct)));
        Dead = list;
    }
}
