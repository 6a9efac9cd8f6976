using System.Globalization;
using Marketplace.Identity.Access;
using Marketplace.Notifications;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Benachrichtigungen;

/// <summary>The signed-in user's notifications, newest first; mark one or all read.</summary>
[Authorize(Policy = Policies.Authenticated)]
public sealed class IndexModel(NotificationStore store) : PageModel
{
    public const int PageSize = 50;
    public IReadOnlyList<NotificationView> Notifications { get; private set; } = [];
    [BindProperty(SupportsGet = true)] public bool Unread { get; set; }

    public async Task OnGetAsync(CancellationToken ct) =>
        Notifications = await store.ListAsync(User.SubjectOf()!, Unread, PageSize, 0, CultureInfo.CurrentUICulture, ct);

    public async Task<IActionResult> OnPostReadAsync(string id, CancellationToken ct) =>
        await store.MarkReadAsync(User.SubjectOf()!, id, ct) ? RedirectToPage(new { unread = Unread ? "true" : null }) : NotFound();

    public async Task<IActionResult> OnPostReadAllAsync(CancellationToken ct)
    {
        await store.MarkAllReadAsync(User.SubjectOf()!, ct);
        return RedirectToPage();
    }
}
