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

    // The nested handlers read the clock through this field (a primary constructor's parameter is not theirs to see).
    private readonly TimeProvider _clock = clock;
    // Bounded: a flood of distinct tokens evicts older entries instead of growing the process.
    private MemoryCache _cache = NewCache();
    private int _generation;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<bool>>> _lookups = new(StringComparer.Ordinal);

    private static MemoryCache NewCache() => new(new MemoryCacheOptions { SizeLimit = 20_000 });

    private TimeSpan EntryCheck => TimeSpan.FromSeconds(Math.Max(0, options.Value.TokenEntryCheckSeconds));

    /// <summary>Forgets every principal and entry state: the next request of every token is checked in full.</summary>
    public void Forget()
    {
        // Looks at entries that started before are not stored; the old cache is left to the collector, not disposed,
        // as requests in flight may still read it.
        Interlocked.Increment(ref _generation);
        Interlocked.Exchange(ref _cache, NewCache());
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
            if (!cached._cache.TryGetValue(EntryKey(id), out bool valid))
            {
                var generation = Volatile.Read(ref cached._generation);
                // One look per token at a time: the requests that find the entry due together share it, instead of each
                // taking a database connection at the same moment. Started with Task.Run: the Lazy holds a lock while its
                // factory runs, and the look's first steps (a scope, EF Core, opening a connection; all of it on SQLite)
                // would otherwise run under that lock, blocking every thread-pool thread that asks meanwhile.
                var lookup = cached._lookups.GetOrAdd(id, key => new Lazy<Task<bool>>(() => Task.Run(() => LookAtEntryAsync(key))));
                try
                {
                    valid = await lookup.Value;
                }
                finally
                {
                    cached._lookups.TryRemove(KeyValuePair.Create(id, lookup));
                }
                var check = cached.EntryCheck;
                if (check > TimeSpan.Zero && generation == Volatile.Read(ref cached._generation))
                    cached._cache.Set(EntryKey(id), valid, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = check });
            }
            if (!valid) context.Reject(Errors.InvalidToken, "The token is no longer valid.");
        }

        private async Task<bool> LookAtEntryAsync(string id)
        {
            // The token store (an EF Core context) only when the entry is looked at, not on every request. Not the
            // request's cancellation: other requests wait for this look too.
            await using var scope = scopes.CreateAsyncScope();
            var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            var token = await manager.FindByIdAsync(id);
            return token is not null
                   && await manager.HasStatusAsync(token, Statuses.Valid)
                   // A reference token's payload used as a plain JWT would bypass its lookup.
                   && string.IsNullOrEmpty(await manager.GetReferenceIdAsync(token));
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
}
