using Marketplace.Identity.Server;
using Marketplace.Identity.Stores;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Marketplace.Identity.Users;

/// <summary>
/// Ends a user's OpenID Connect grants (access and refresh tokens, authorizations) when the user's role changes, the
/// account is removed or locked out. Cookies follow through the security stamp; bearer tokens would otherwise live on
/// for their whole lifetime.
/// </summary>
public sealed class UserTokens(IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations, CachedTokenValidation cache)
{
    /// <summary>Marks every token and authorization of the user revoked, in the identity context's open transaction.</summary>
    public async Task RevokeInTransactionAsync(string userId, CancellationToken ct)
    {
        await tokens.RevokeBySubjectAsync(userId, ct);
        await authorizations.RevokeBySubjectAsync(userId, ct);
    }

    /// <summary>After the commit: this instance's cache of validated tokens is dropped, so the revocation holds at once
    /// (other instances see it after Identity:Server:TokenEntryCheckSeconds).</summary>
    public void ForgetCached() => cache.Forget();
}

/// <summary>Identity's user manager, plus: a user who gets locked out loses their tokens as well.</summary>
public sealed class MarketplaceUserManager : UserManager<MarketplaceUser>
{
    private readonly IServiceProvider _services;

    public MarketplaceUserManager(IUserStore<MarketplaceUser> store, IOptions<IdentityOptions> optionsAccessor, IPasswordHasher<MarketplaceUser> passwordHasher,
        IEnumerable<IUserValidator<MarketplaceUser>> userValidators, IEnumerable<IPasswordValidator<MarketplaceUser>> passwordValidators,
        ILookupNormalizer keyNormalizer, IdentityErrorDescriber errors, IServiceProvider services, ILogger<UserManager<MarketplaceUser>> logger)
        : base(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger) =>
        _services = services;

    public override async Task<IdentityResult> AccessFailedAsync(MarketplaceUser user)
    {
        var wasLocked = await IsLockedOutAsync(user);
        var result = await base.AccessFailedAsync(user);
        if (result.Succeeded && !wasLocked && await IsLockedOutAsync(user)) await RevokeAsync(user);
        return result;
    }

    public override async Task<IdentityResult> SetLockoutEndDateAsync(MarketplaceUser user, DateTimeOffset? lockoutEnd)
    {
        var result = await base.SetLockoutEndDateAsync(user, lockoutEnd);
        if (result.Succeeded && await IsLockedOutAsync(user)) await RevokeAsync(user);
        return result;
    }

    private async Task RevokeAsync(MarketplaceUser user)
    {
        var tokens = _services.GetRequiredService<UserTokens>();
        await tokens.RevokeInTransactionAsync(user.Id, CancellationToken);
        tokens.ForgetCached();
    }
}
