using System.Data.Common;
using Dapper;

namespace Marketplace.Provisioning.Subscriptions;

/// <summary>A subscription as other modules read it: whose it is and of which offering.</summary>
public sealed record SubscriptionHead(string Id, string MunicipalityAgs, string OfferingId);

/// <summary>
/// Orders and subscriptions as other modules read them, on the caller's connection (and inside its transaction where it
/// has one), so a reader sees them in the same snapshot as its own rows.
/// </summary>
public sealed class SubscriptionRecords
{
    /// <summary>The municipality that placed the order; null for an unknown order.</summary>
    public Task<string?> OrderMunicipalityAsync(DbConnection c, DbTransaction? tx, string orderId, CancellationToken ct = default) =>
        c.ExecuteScalarAsync<string?>(new CommandDefinition(ProvisioningSql.OrderMunicipality, new { id = orderId }, tx, cancellationToken: ct));

    /// <summary>The subscription's municipality and offering; null for an unknown subscription.</summary>
    public async Task<SubscriptionHead?> HeadAsync(DbConnection c, DbTransaction? tx, string subscriptionId, CancellationToken ct = default) =>
        (await c.QueryAsync<(string Ags, string OfferingId)>(new CommandDefinition(ProvisioningSql.SubscriptionHead, new { id = subscriptionId }, tx, cancellationToken: ct)))
        .Select(s => new SubscriptionHead(subscriptionId, s.Ags, s.OfferingId)).FirstOrDefault();

    /// <summary>The subscriptions to the offering that are not cancelled, by municipality and id.</summary>
    public async Task<IReadOnlyList<SubscriptionHead>> LiveOfOfferingAsync(DbConnection c, DbTransaction? tx, string offeringId, CancellationToken ct = default) =>
        (await c.QueryAsync<(string Id, string Ags)>(new CommandDefinition(ProvisioningSql.LiveSubscriptionsOfOffering, new { offeringId }, tx, cancellationToken: ct)))
        .Select(s => new SubscriptionHead(s.Id, s.Ags, offeringId)).ToList();
}
