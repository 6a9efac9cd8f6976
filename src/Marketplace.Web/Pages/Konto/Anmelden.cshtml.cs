using Marketplace.Identity.Stores;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Konto;

/// <summary>Sign-in with e-mail and password (lockout after repeated failures), or with a configured external provider.</summary>
public sealed class AnmeldenModel(SignInManager<MarketplaceUser> signIn, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public IReadOnlyList<AuthenticationScheme> ExternalProviders { get; private set; } = [];

    public async Task OnGetAsync() => ExternalProviders = (await signIn.GetExternalAuthenticationSchemesAsync()).ToList();

    public async Task<IActionResult> OnPostAsync()
    {
        ExternalProviders = (await signIn.GetExternalAuthenticationSchemesAsync()).ToList();
        if (string.IsNullOrWhiteSpace(Email)) ModelState.AddModelError(nameof(Email), l["Login.EmailRequired"]);
        if (string.IsNullOrEmpty(Password)) ModelState.AddModelError(nameof(Password), l["Login.PasswordRequired"]);
        if (!ModelState.IsValid) return Page();
        var result = await signIn.PasswordSignInAsync(Email.Trim(), Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded) return LocalRedirect(SafeReturnUrl(ReturnUrl));
        if (result.RequiresTwoFactor) return RedirectToPage("/Konto/ZweiterFaktor", new { returnUrl = SafeReturnUrl(ReturnUrl) });
        // A locked account answers like a wrong password: a different text would tell a guesser the address exists.
        ModelState.AddModelError(nameof(Email), l["Login.Failed"]);
        return Page();
    }

    public IActionResult OnPostExtern(string provider)
    {
        var redirect = Url.Page("/Konto/Extern", new { returnUrl = SafeReturnUrl(ReturnUrl) });
        return Challenge(signIn.ConfigureExternalAuthenticationProperties(provider, redirect), provider);
    }

    /// <summary>A local path to go back to, else the organisation page. Control characters (TAB, CR, LF) are refused here:
    /// LocalRedirect would throw on them, and browsers strip them, so "/\t/evil.example" would leave the site.</summary>
    internal static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") && !returnUrl.StartsWith("/\\")
        && !returnUrl.Any(char.IsControl) ? returnUrl : "/organisation";
}
