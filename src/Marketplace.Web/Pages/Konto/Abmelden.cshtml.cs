using Marketplace.Identity.Stores;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Konto;

/// <summary>Sign-out: a POST with antiforgery token (a GET only shows the button), so no foreign page can sign anyone out.</summary>
/// A relying party's logout request without a matching id_token_hint lands here too (ReturnUrl = that request) and
/// continues after the confirmation, to end at the relying party's post-logout address.
public sealed class AbmeldenModel(SignInManager<MarketplaceUser> signIn) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return LocalRedirect(ReturnsToLogout(ReturnUrl) ? ReturnUrl! : "/");
    }

    private static bool ReturnsToLogout(string? url) =>
        url is not null && (url == "/connect/logout" || url.StartsWith("/connect/logout?", StringComparison.Ordinal));
}
