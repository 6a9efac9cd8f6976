using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Konto;

/// <summary>Shown when a signed-in user opens a page their role does not allow.</summary>
public sealed class KeinZugriffModel : PageModel
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
