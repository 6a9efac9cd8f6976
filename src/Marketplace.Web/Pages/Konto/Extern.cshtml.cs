using System.Security.Claims;
using Marketplace.Identity;
using Marketplace.Identity.External;
using Marketplace.Identity.Organisations;
using Marketplace.Identity.Stores;
using Marketplace.Identity.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Pages.Konto;

/// <summary>
/// Return from an external provider. A linked login signs in; otherwise the account is created only from the invitation
/// the user came with or from a configured claim rule — never because of the e-mail address or its domain.
/// </summary>
public sealed class ExternModel(SignInManager<MarketplaceUser> signIn, UserAdministration users, IOptions<IdentityModuleOptions> options,
    ILogger<ExternModel> logger) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public bool NotLinked { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var info = await signIn.GetExternalLoginInfoAsync();
        if (info is null) return RedirectToPage("/Konto/Anmelden");
        var result = await signIn.ExternalLoginSignInAsync(info.LoginProvider, info.ProviderKey, isPersistent: false, bypassTwoFactor: false);
        if (result.Succeeded) return Done();
        if (result.RequiresTwoFactor) return RedirectToPage("/Konto/ZweiterFaktor", new { returnUrl = AnmeldenModel.SafeReturnUrl(ReturnUrl) });

        var name = info.Principal.FindFirstValue("name") ?? info.Principal.FindFirstValue(ClaimTypes.Name) ?? info.ProviderDisplayName ?? info.ProviderKey;
        MarketplaceUser? user = null;
        try
        {
            if (info.AuthenticationProperties?.Items.TryGetValue(EinladungModel.InvitationItem, out var token) == true && token is not null)
                user = await users.AcceptInvitationAsync(token, name, null, info);
            else if (ProviderOf(info.LoginProvider) is { } provider && ExternalLinking.Match(provider, info.Principal) is { } rule)
            {
                var email = info.Principal.FindFirstValue("email") ?? info.Principal.FindFirstValue(ClaimTypes.Email)
                            ?? $"{info.ProviderKey}@{info.LoginProvider}.extern.invalid";
                user = await users.CreateUserAsync(rule.Organisation, email, name, rule.Role, null, info, Actor.System);
            }
        }
        catch (RequestValidationException e)
        {
            logger.LogWarning("External login {Provider} could not be linked: {Problem}", info.LoginProvider, e.Message);
        }
        if (user is null)
        {
            NotLinked = true;
            await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
            return Page();
        }
        await signIn.SignInAsync(user, isPersistent: false, info.LoginProvider);
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        return Done();
    }

    private IActionResult Done() => LocalRedirect(AnmeldenModel.SafeReturnUrl(ReturnUrl));

    private ExternalProviderOptions? ProviderOf(string scheme) =>
        options.Value.ExternalProviders.FirstOrDefault(p => ExternalLinking.SchemeOf(p.Key) == scheme).Value;
}
