using Marketplace.Identity.Access;
using Marketplace.Notifications;
using Marketplace.Notifications.SavedSearches;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Konto;

/// <summary>The user's notification settings: per category in-app and e-mail, the e-mail language, and the saved searches.</summary>
[Authorize(Policy = Policies.Authenticated)]
public sealed class BenachrichtigungenModel(NotificationStore store, SavedSearchService searches) : PageModel
{
    public NotificationPreferences Preferences { get; private set; } = null!;
    public IReadOnlyList<SavedSearch> SavedSearches { get; private set; } = [];
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }
    [BindProperty] public List<string> InApp { get; set; } = [];
    [BindProperty] public List<string> Email { get; set; } = [];
    [BindProperty] public string? Language { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var categories = NotificationCategories.All.Select(c => new CategoryPreference(c, InApp.Contains(c), Email.Contains(c))).ToList();
        try
        {
            await store.SavePreferencesAsync(User.SubjectOf()!, Language, categories, ct);
        }
        catch (RequestValidationException e)
        {
            ModelState.AddModelError(nameof(Language), CodedProblems.Texts(HttpContext).Word(e.Errors[0]));
            await LoadAsync(ct);
            return Page();
        }
        return RedirectToPage(new { done = "saved" });
    }

    public async Task<IActionResult> OnPostDeleteSearchAsync(string id, CancellationToken ct) =>
        await searches.DeleteAsync(User.SubjectOf()!, id, ct) ? RedirectToPage(new { done = "deleted" }) : NotFound();

    private async Task LoadAsync(CancellationToken ct)
    {
        Preferences = await store.PreferencesAsync(User.SubjectOf()!, ct);
        SavedSearches = await searches.ListAsync(User.SubjectOf()!, ct);
    }
}
