using Marketplace.Identity.Stores;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Konto;

/// <summary>Sign-out: a POST with antiforgery token (a GET only shows the button), so no foreign page can sign anyone out.</summary>
public sealed class AbmeldenModel(SignInManager<MarketplaceUser> signIn) : PageModel
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return LocalRedirect("/");
    }
}
