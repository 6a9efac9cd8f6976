using Marketplace.Identity.Organisations;
using Marketplace.Identity.Stores;
using Marketplace.Identity.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Konto;

/// <summary>Accepting an invitation: choose a name and password, or sign in with an external provider to link it.</summary>
public sealed class EinladungModel(UserAdministration users, OrganisationStore organisations, SignInManager<MarketplaceUser> signIn,
    Microsoft.Extensions.Localization.IStringLocalizer<SharedResource> l) : PageModel
{
    /// <summary>Carries the invitation through an external provider's round trip.</summary>
    public const string InvitationItem = "invitation";

    [BindProperty(SupportsGet = true)] public string Token { get; set; } = "";
    [BindProperty] public string DisplayName { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty] public string PasswordRepeat { get; set; } = "";
    public Invitation? Invitation { get; private set; }
    public Marketplace.Identity.Organisations.Organisation? Organisation { get; private set; }
    public IReadOnlyList<AuthenticationScheme> ExternalProviders { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync()) return NotFound();
        if (Password != PasswordRepeat) ModelState.AddModelError(nameof(PasswordRepeat), l["Invitation.PasswordsDiffer"]);
        if (!ModelState.IsValid) return Page();
        try
        {
            var user = await users.AcceptInvitationAsync(Token, DisplayName, Password, null);
            await signIn.SignInAsync(user, isPersistent: false);
            return LocalRedirect("/organisation");
        }
        catch (RequestValidationException e)
        {
            foreach (var error in e.Errors) ModelState.AddModelError(error.Field == "displayName" ? nameof(DisplayName) : nameof(Password), l.Word(error));
            return Page();
        }
    }

    public async Task<IActionResult> OnPostExternAsync(string provider)
    {
        if (!await LoadAsync()) return NotFound();
        var properties = signIn.ConfigureExternalAuthenticationProperties(provider, Url.Page("/Konto/Extern"));
        properties.Items[InvitationItem] = Token;
        return Challenge(properties, provider);
    }

    private async Task<bool> LoadAsync()
    {
        Invitation = string.IsNullOrEmpty(Token) ? null : await users.FindInvitationAsync(Token);
        if (Invitation is null) return false;
        Organisation = await organisations.GetAsync(Invitation.OrganisationId);
        ExternalProviders = (await signIn.GetExternalAuthenticationSchemesAsync()).ToList();
        return true;
    }
}
