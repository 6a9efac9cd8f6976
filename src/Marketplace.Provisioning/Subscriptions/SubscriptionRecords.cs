using System.Data.Common;
using Dapper;
using Marketplace.Storage;

namespace Marketplace.Provisioning.Subscriptions;

/// <summary>A subscription as other modules read it: whose it is and of which offering.</summary>
public sealed record SubscriptionHead(string Id, string MunicipalityAgs, string OfferingId);

/// <summary>An offering held by municipalities that also hold the ones asked about, and how many of them do.</summary>
public sealed class CoSubscription
{
    // Property-mapped: the engines type the count differently.
    public string OfferingId { get; init; } = "";
    public long Municipalities { get; init; }
}

/// <summary>One subscription's provisioning: when it was first requested and first active (null: never), whether it ever failed.</summary>
public sealed class ProvisioningOutcome
{
    // Property-mapped: the engines type the aggregates differently.
    public string SubscriptionId { get; init; } = "";
    public DateTimeOffset? RequestedAt { get; init; }
    public DateTimeOffset? ActivatedAt { get; init; }
    public long Failed { get; init; }
}

/// <summary>One stretch of a subscription's billable history: the plan and add-ons booked from <c>ValidFrom</c> until <c>ValidTo</c> (null: open).</summary>
public sealed class BilledPeriod
{
    // Property-mapped: the engines type seq differently.
    public string SubscriptionId { get; init; } = "";
    public string MunicipalityAgs { get; init; } = "";
    public string OfferingId { get; init; } = "";
    public int Seq { get; init; }
    public string PlanId { get; init; } = "";
    public string AddonIds { get; init; } = "";
    public DateTimeOffset ValidFrom { get; init; }
    public DateTimeOffset? ValidTo { get; init; }
}

/// <summary>
/// A subscription of a vendor with one stretch of its billable history: the plan booked from <c>ValidFrom</c> until
/// <c>ValidTo</c> (null: open); <c>PlanId</c> is null when the subscription has no billable history.
/// </summary>
public sealed record VendorSubscriptionPeriod(string SubscriptionId, string OfferingId, string? PlanId, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo);

/// <summary>A setup fee of a subscription that falls due at <c>DueAt</c>.</summary>
public sealed record SetupFeeDueRecord(string SubscriptionId, string MunicipalityAgs, string OfferingId, string PlanId, string ExtraId, DateTimeOffset DueAt);

/// <summary>
/// Orders and subscriptions as other modules read them, on the caller's connection (and inside its transaction where it
/// has one), so a reader sees them in the same snapshot as its own rows.
/// </summary>
public sealed class SubscriptionRecords(Database database)
{
    /// <summary>The municipality that placed the order; null for an unknown order.</summary>
    public Task<string?> OrderMunicipalityAsync(DbConnection c, DbTransaction? tx, string orderId, CancellationToken ct = default) =>
        c.ExecuteScalarAsync<string?>(new CommandDefinition(ProvisioningSql.OrderMunicipality, new { id = orderId }, tx, cancellationToken: ct));

    /// <summary>The offerings the order's subscriptions are of.</summary>
    public async Task<IReadOnlyList<string>> OfferingsOfOrderAsync(DbConnection c, DbTransaction? tx, string orderId, CancellationToken ct = default) =>
        (await c.QueryAsync<string>(new CommandDefinition(ProvisioningSql.OfferingsOfOrder, new { order = orderId }, tx, cancellationToken: ct))).ToList();

    /// <summary>The subscription's municipality and offering; null for an unknown subscription.</summary>
    public async Task<SubscriptionHead?> HeadAsync(DbConnection c, DbTransaction? tx, string subscriptionId, CancellationToken ct = default) =>
        (await c.QueryAsync<(string Ags, string OfferingId)>(new CommandDefinition(ProvisioningSql.SubscriptionHead, new { id = subscriptionId }, tx, cancellationToken: ct)))
        .Select(s => new SubscriptionHead(subscriptionId, s.Ags, s.OfferingId)).FirstOrDefault();

    /// <summary>The subscriptions to the offering that are not cancelled, by municipality and id.</summary>
    public async Task<IReadOnlyList<SubscriptionHead>> LiveOfOfferingAsync(DbConnection c, DbTransaction? tx, string offeringId, CancellationToken ct = default) =>
        (await c.QueryAsync<(string Id, string Ags)>(new CommandDefinition(ProvisioningSql.LiveSubscriptionsOfOffering, new { offeringId }, tx, cancellationToken: ct)))
        .Select(s => new SubscriptionHead(s.Id, s.Ags, offeringId)).ToList();

    /// <summary>True when the municipality has or had the offering live (a subscription of it reached active).</summary>
    public async Task<bool> HadLiveAsync(DbConnection c, DbTransaction? tx, string ags, string offeringId, CancellationToken ct = default) =>
        await c.ExecuteScalarAsync<long>(new CommandDefinition(ProvisioningSql.HadLiveSubscription, new { offering = offeringId, ags }, tx, cancellationToken: ct)) > 0;

    /// <summary>
    /// The offerings (not among <paramref name="offeringIds"/>) held by at least <paramref name="minimum"/> municipalities
    /// that also hold one of them, most municipalities first, at most <paramref name="limit"/>; failed and cancelled
    /// subscriptions count for nothing.
    /// </summary>
    public async Task<IReadOnlyList<CoSubscription>> CoSubscribedAsync(DbConnection c, DbTransaction? tx, IReadOnlyCollection<string> offeringIds, int minimum,
        int limit, CancellationToken ct = default) =>
        (await c.QueryAsync<CoSubscription>(new CommandDefinition(ProvisioningSql.CoSubscribed(database.Dialect),
            new { offerings = offeringIds.Distinct().ToArray(), minimum, limit, offset = 0 }, tx, cancellationToken: ct))).ToList();

    /// <summary>The provisioning of the offering's newest <paramref name="limit"/> subscriptions, newest first.</summary>
    public async Task<IReadOnlyList<ProvisioningOutcome>> ProvisioningOutcomesAsync(DbConnection c, DbTransaction? tx, string offeringId, int limit,
        CancellationToken ct = default) =>
        (await c.QueryAsync<ProvisioningOutcome>(new CommandDefinition(ProvisioningSql.ProvisioningOutcomes(database.Dialect),
            new { offering = offeringId, limit, offset = 0 }, tx, cancellationToken: ct))).ToList();

    /// <summary>
    /// The billable history overlapping [<paramref name="from"/>, <paramref name="to"/>) (ISO dates or timestamps) of every
    /// subscription, or of one municipality's, in one query: what a billing run reads in its own transaction.
    /// </summary>
    public async Task<IReadOnlyList<BilledPeriod>> BilledPeriodsAsync(DbConnection c, DbTransaction? tx, string from, string to, string? ags = null,
        CancellationToken ct = default) =>
        (await c.QueryAsync<BilledPeriod>(new CommandDefinition(
            ags is null ? ProvisioningSql.BilledPeriodsOverlapping : ProvisioningSql.BilledPeriodsOverlappingOfMunicipality, new { from, to, ags }, tx, cancellationToken: ct))).ToList();

    /// <summary>The whole billable history of the subscriptions, in one query; an unknown subscription has none.</summary>
    public async Task<IReadOnlyList<BilledPeriod>> BilledPeriodsOfAsync(DbConnection c, DbTransaction? tx, IEnumerable<string> subscriptionIds,
        CancellationToken ct = default) =>
        (await c.QueryAsync<BilledPeriod>(new CommandDefinition(ProvisioningSql.BilledPeriodsOf(database.Dialect),
            new { ids = subscriptionIds.Distinct(StringComparer.Ordinal).ToArray() }, tx, cancellationToken: ct))).ToList();

    /// <summary>
    /// The subscriptions among <paramref name="subscriptionIds"/> that are the vendor's, each with its billable history, in
    /// one query: what usage ingestion checks a batch against. Another vendor's subscription does not come back at all.
    /// </summary>
    public async Task<IReadOnlyList<VendorSubscriptionPeriod>> OfVendorWithPeriodsAsync(DbConnection c, DbTransaction? tx, string vendorId,
        IEnumerable<string> subscriptionIds, CancellationToken ct = default) =>
        (await c.QueryAsync<VendorSubscriptionPeriod>(new CommandDefinition(ProvisioningSql.VendorSubscriptionPeriods(database.Dialect),
            new { ids = subscriptionIds.Distinct(StringComparer.Ordinal).ToArray(), vendorId }, tx, cancellationToken: ct))).AsList();

    /// <summary>The offering of each of the vendor's subscriptions, by subscription id, in one query.</summary>
    public async Task<IReadOnlyDictionary<string, string>> OfferingsOfVendorAsync(DbConnection c, DbTransaction? tx, string vendorId, CancellationToken ct = default) =>
        (await c.QueryAsync<(string Id, string OfferingId)>(new CommandDefinition(ProvisioningSql.OfferingsOfVendorSubscriptions, new { vendorId }, tx,
            cancellationToken: ct))).ToDictionary(r => r.Id, r => r.OfferingId, StringComparer.Ordinal);

    /// <summary>The setup fees falling due in [<paramref name="from"/>, <paramref name="to"/>), of every municipality or of one, in one query.</summary>
    public async Task<IReadOnlyList<SetupFeeDueRecord>> SetupFeesDueAsync(DbConnection c, DbTransaction? tx, string from, string to, string? ags = null,
        CancellationToken ct = default) =>
        (await c.QueryAsync<SetupFeeDueRecord>(new CommandDefinition(
            ags is null ? ProvisioningSql.SetupFeesDueBetween : ProvisioningSql.SetupFeesDueBetweenOfMunicipality, new { from, to, ags }, tx, cancellationToken: ct))).ToList();
}
