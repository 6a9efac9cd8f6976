using Marketplace.Identity.Access;
using Marketplace.Notifications;
using Marketplace.Notifications.SavedSearches;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Konto;

/// <summary>Saves the catalogue search the user came from under a name; new offerings matching it are notified.</summary>
[Authorize(Policy = Policies.Authenticated)]
public sealed class SucheSpeichernModel(SavedSearchService searches) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Query { get; set; }
    [BindProperty] public string? Name { get; set; }

    public void OnGet() => Name ??= CatalogQuery.Parse(Query).Request?.Q;

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            await searches.SaveAsync(User.SubjectOf()!, Name, Query, ct);
        }
        catch (RequestValidationException e)
        {
            ModelState.AddModelError(e.Field == "name" ? nameof(Name) : nameof(Query), CodedProblems.Texts(HttpContext).Word(e.Errors[0]));
            return Page();
        }
        return RedirectToPage("/Konto/Benachrichtigungen", new { done = "search-saved" });
    }
}
