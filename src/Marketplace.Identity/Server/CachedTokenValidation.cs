using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Validation.OpenIddictValidationEvents;
using static OpenIddict.Validation.OpenIddictValidationHandlers.Protection;

namespace Marketplace.Identity.Server;

/// <summary>
/// Bearer requests without re-doing the expensive parts of access-token validation on every call. OpenIddict's own
/// token-entry validation reads the token's row through EF Core twice per request, and decrypting and verifying the
/// JWT costs as much again: together about 3 ms, ten times the work of a catalogue API answer. Here:
/// <list type="bullet">
/// <item>a token this instance has validated keeps its principal (until it expires, at most <see cref="PrincipalLifetime"/>);
/// expiry, audience and presenter checks still run on every request;</item>
/// <item>the token's database entry (still valid, client not deleted) is looked at again after
/// <see cref="IdentityServerOptions.TokenEntryCheckSeconds"/>; revocations and client deletions made through this
/// instance clear the cache at once (<see cref="Forget"/>).</item>
/// </list>
/// </summary>
public sealed class CachedTokenValidation(IOptions<IdentityServerOptions> options, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan PrincipalLifetime = TimeSpan.FromMinutes(10);

    // Bounded: a flood of distinct tokens evicts older entries instead of growing the process.
    private MemoryCache _cache = NewCache();

    private static MemoryCache NewCache() => new(new MemoryCacheOptions { SizeLimit = 20_000 });

    private TimeSpan EntryCheck => TimeSpan.FromSeconds(Math.Max(0, options.Value.TokenEntryCheckSeconds));

    /// <summary>Forgets every principal and entry state: the next request of every token is checked in full.</summary>
    public void Forget()
    {
        var old = Interlocked.Exchange(ref _cache, NewCache());
        old.Dispose();
    }

    public void Dispose() => _cache.Dispose();

    private static string PrincipalKey(string token) => "p:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string EntryKey(string tokenId) => "e:" + tokenId;

    /// <summary>Adds the three handlers to OpenIddict's validation pipeline (instead of EnableTokenEntryValidation).</summary>
    public static void Register(OpenIddictValidationBuilder validation)
    {
        validation.AddEventHandler(OpenIddictValidationHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<RestorePrincipal>()
            .SetOrder(ValidateIdentityModelToken.Descriptor.Order - 500)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build());
        validation.AddEventHandler(OpenIddictValidationHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<ValidateTokenEntry>()
            .SetOrder(OpenIddictValidationHandlers.Protection.ValidateTokenEntry.Descriptor.Order)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build());
        validation.AddEventHandler(OpenIddictValidationHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<RememberPrincipal>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build());
    }

    /// <summary>A token validated before: its principal, so the JWT is not decrypted and verified again.</summary>
    private sealed class RestorePrincipal(CachedTokenValidation cached) : IOpenIddictValidationHandler<ValidateTokenContext>
    {
        public ValueTask HandleAsync(ValidateTokenContext context)
        {
            if (context.Principal is null && !string.IsNullOrEmpty(context.Token)
                && cached._cache.TryGetValue(PrincipalKey(context.Token), out ClaimsPrincipal? principal) && principal is not null)
            {
                // A copy: what later handlers or the request add to the principal must not reach the next request.
                context.Principal = principal.Clone();
                context.Transaction.Properties[nameof(RestorePrincipal)] = true;
            }
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>The token's database entry must exist and be valid (not revoked, its client not deleted).</summary>
    private sealed class ValidateTokenEntry(CachedTokenValidation cached, IServiceScopeFactory scopes) : IOpenIddictValidationHandler<ValidateTokenContext>
    {
        public async ValueTask HandleAsync(ValidateTokenContext context)
        {
            if (context.Principal is null) return;
            var id = context.Principal.GetTokenId();
            if (string.IsNullOrEmpty(id))
            {
                // Every token this server issues is stored; one without an entry cannot be checked for revocation.
                context.Reject(Errors.InvalidToken, "The token has no entry.");
                return;
            }
            context.TokenId = id;
            var cache = cached._cache;
            if (!cache.TryGetValue(EntryKey(id), out bool valid))
            {
                // The token store (an EF Core context) only when the entry is looked at, not on every request.
                await using var scope = scopes.CreateAsyncScope();
                var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
                var token = await manager.FindByIdAsync(id, context.CancellationToken);
                valid = token is not null
                        && await manager.HasStatusAsync(token, Statuses.Valid, context.CancellationToken)
                        // A reference token's payload used as a plain JWT would bypass its lookup.
                        && string.IsNullOrEmpty(await manager.GetReferenceIdAsync(token, context.CancellationToken));
                var check = cached.EntryCheck;
                if (check > TimeSpan.Zero)
                    cache.Set(EntryKey(id), valid, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = check });
            }
            if (!valid) context.Reject(Errors.InvalidToken, "The token is no longer valid.");
        }
    }

    /// <summary>Keeps the principal of a token that passed every check, until the token expires (at most <see cref="PrincipalLifetime"/>).</summary>
    private sealed class RememberPrincipal(CachedTokenValidation cached) : IOpenIddictValidationHandler<ValidateTokenContext>
    {
        public ValueTask HandleAsync(ValidateTokenContext context)
        {
            if (context.IsRejected || context.Principal is null || string.IsNullOrEmpty(context.Token)
                || context.Transaction.Properties.ContainsKey(nameof(RestorePrincipal)))
                return ValueTask.CompletedTask;
            var now = cached._clock.GetUtcNow();
            var until = context.Principal.GetExpirationDate() is { } expires && expires < now + PrincipalLifetime ? expires : now + PrincipalLifetime;
            if (until > now)
                cached._cache.Set(PrincipalKey(context.Token), context.Principal.Clone(),
                    new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = until - now });
            return ValueTask.CompletedTask;
        }
    }

    private readonly TimeProvider _clock = clock;
}
