using Marketplace.Identity.Stores;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Konto;

/// <summary>The second sign-in step for users with an authenticator app: a six-digit code, or one of their recovery codes.</summary>
public sealed class ZweiterFaktorModel(SignInManager<MarketplaceUser> signIn, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string? RecoveryCode { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/Konto/Anmelden") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is null) return RedirectToPage("/Konto/Anmelden");
        Microsoft.AspNetCore.Identity.SignInResult result;
        if (!string.IsNullOrWhiteSpace(Code))
            result = await signIn.TwoFactorAuthenticatorSignInAsync(Code.Replace(" ", "").Replace("-", ""), isPersistent: false, rememberClient: false);
        else if (!string.IsNullOrWhiteSpace(RecoveryCode))
            result = await signIn.TwoFactorRecoveryCodeSignInAsync(RecoveryCode.Replace(" ", ""));
        else
        {
            ModelState.AddModelError(nameof(Code), l["TwoFactor.CodeRequired"]);
            return Page();
        }
        if (result.Succeeded) return LocalRedirect(AnmeldenModel.SafeReturnUrl(ReturnUrl));
        ModelState.AddModelError(nameof(Code), result.IsLockedOut ? l["Login.LockedOut"] : l["TwoFactor.Wrong"]);
        return Page();
    }
}
