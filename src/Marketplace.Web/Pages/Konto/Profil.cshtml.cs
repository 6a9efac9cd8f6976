using System.Text;
using Marketplace.Identity.Organisations;
using Marketplace.Identity.Stores;
using Marketplace.Identity.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Konto;

/// <summary>The signed-in user's profile: organisation and role, and the optional second factor (authenticator app, TOTP).</summary>
public sealed class ProfilModel(UserManager<MarketplaceUser> users, SignInManager<MarketplaceUser> signIn, OrganisationStore organisations,
    UserAdministration administration, IStringLocalizer<SharedResource> l) : PageModel
{
    public MarketplaceUser Account { get; private set; } = null!;
    public string Role { get; private set; } = "";
    public Marketplace.Identity.Organisations.Organisation? Organisation { get; private set; }
    /// <summary>Set while the user is setting up the authenticator: the shared key to type in, and the otpauth URI.</summary>
    public string? SharedKey { get; private set; }
    public string? AuthenticatorUri { get; private set; }
    /// <summary>Shown once, right after the second factor was switched on.</summary>
    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];
    [BindProperty] public string? Code { get; set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Challenge();

    /// <summary>Starts the set-up: a fresh key the user adds to their authenticator app.</summary>
    public async Task<IActionResult> OnPostSetupAsync()
    {
        if (!await LoadAsync()) return Challenge();
        await users.ResetAuthenticatorKeyAsync(Account);
        await ShowKeyAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostEnableAsync()
    {
        if (!await LoadAsync()) return Challenge();
        var code = (Code ?? "").Replace(" ", "").Replace("-", "");
        if (!await users.VerifyTwoFactorTokenAsync(Account, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            ModelState.AddModelError(nameof(Code), l["TwoFactor.Wrong"]);
            await ShowKeyAsync();
            return Page();
        }
        RecoveryCodes = await administration.SetSecondFactorAsync(Account, true);
        await signIn.RefreshSignInAsync(Account);
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        if (!await LoadAsync()) return Challenge();
        await administration.SetSecondFactorAsync(Account, false);
        await signIn.RefreshSignInAsync(Account);
        return RedirectToPage();
    }

    private async Task<bool> LoadAsync()
    {
        if (await users.GetUserAsync(User) is not { } account) return false;
        Account = account;
        Role = (await users.GetRolesAsync(account)).FirstOrDefault() ?? "";
        Organisation = await organisations.GetAsync(account.OrganisationId);
        return true;
    }

    private async Task ShowKeyAsync()
    {
        var key = await users.GetAuthenticatorKeyAsync(Account) ?? "";
        // Groups of four, as authenticator apps show it.
        var grouped = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4) grouped.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        SharedKey = grouped.ToString().Trim().ToLowerInvariant();
        AuthenticatorUri = $"otpauth://totp/{Uri.EscapeDataString("Marktplatz")}:{Uri.EscapeDataString(Account.Email ?? "")}?secret={key}&issuer={Uri.EscapeDataString("Marktplatz")}&digits=6";
    }
}
