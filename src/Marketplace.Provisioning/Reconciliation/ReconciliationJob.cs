using System.Data.Common;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Municipalities;
using Marketplace.Provisioning.Broker;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Provisioning.Reconciliation;

/// <summary>What one day's reconciliation did.</summary>
public sealed record ReconciliationRunResult(string Day, int Compared, int NotRetrievable, int Unclear, int NewFindings)
{
    public override string ToString() =>
        $"{Day}: {Compared} instances compared, {NotRetrievable} not retrievable, {Unclear} without a clear answer, {NewFindings} new findings";
}

/// <summary>What the platform expects of one subscription's instance, and where to ask.</summary>
internal sealed record ReconciliationCandidate(SubscriptionRecord Subscription, BrokerEndpoint Broker, string ServiceId, ExpectedInstance Expected);

/// <summary>
/// The daily reconciliation: every active or suspended broker subscription with no operation under way is compared with
/// what its broker holds (GET of the instance, only where the broker's catalogue declares instances_retrievable), and
/// each mismatch becomes a finding. At most <see cref="ProvisioningOptions.ReconciliationConcurrencyPerBroker"/> fetches
/// per broker at once. It runs once per day across all instances: the day's row in reconciliation_runs is claimed first.
/// </summary>
public sealed class ReconciliationJob(Database database, AuditTrail audit, OfferingDirectory offerings, BrokerRegistry brokers, InstanceFetcher fetcher,
    ConfigSecrets secrets, MunicipalityDirectory municipalities, ReconciliationFindings findings, TimeProvider clock, IOptions<ProvisioningOptions> options, ILogger<ReconciliationJob> logger)
{
    private readonly ProvisioningOptions _options = options.Value;

    /// <summary>Runs today's reconciliation unless some instance already ran it; null when it was not due.</summary>
    public async Task<ReconciliationRunResult?> RunIfDueAsync(CancellationToken ct = default)
    {
        var day = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            await using var c = await database.OpenAsync(ct);
            await using var tx = await c.BeginTransactionAsync(ct);
            if (await c.ExecuteScalarAsync<long>(ReconciliationSql.DayTaken, new { runOn = day }, tx) > 0) return null;
            await c.ExecuteAsync(ReconciliationSql.ClaimDay, new { runOn = day, now = clock.GetUtcNow() }, tx);
            await tx.CommitAsync(ct);
        }
        catch (DbException)
        {
            return null; // another instance claimed the day in the same moment: the primary key let exactly one through
        }
        var result = await RunAsync(day, ct);
        await using (var c = await database.OpenAsync(ct))
            await c.ExecuteAsync(ReconciliationSql.FinishDay, new { runOn = day, now = clock.GetUtcNow(), summary = result.ToString() });
        logger.LogInformation("Reconciliation: {Result}", result);
        return result;
    }

    private async Task<ReconciliationRunResult> RunAsync(string day, CancellationToken ct)
    {
        var candidates = await CandidatesAsync(ct);
        int compared = 0, notRetrievable = 0, unclear = 0, raised = 0;
        // One broker's instances share its limit; different brokers go on side by side.
        var perBroker = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.ReconciliationConcurrencyPerBroker), CancellationToken = ct };
        await Parallel.ForEachAsync(candidates.GroupBy(c => c.Broker.BaseUrl.ToString(), StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (group, groupCt) => await Parallel.ForEachAsync(group, perBroker, async (candidate, itemCt) =>
            {
                try
                {
                    var fetched = await fetcher.FetchIfRetrievableAsync(candidate.Broker, candidate.Subscription.InstanceId, candidate.ServiceId,
                        candidate.Expected.PlanOsbId, new OriginatingIdentity(_options.Platform, ReconciliationFindings.Actor), itemCt);
                    if (fetched is null) { Interlocked.Increment(ref notRetrievable); return; }
                    if (fetched.Outcome is FetchOutcome.Busy or FetchOutcome.Unclear) Interlocked.Increment(ref unclear);
                    else Interlocked.Increment(ref compared);
                    var n = await RecordAsync(candidate, fetched, itemCt);
                    Interlocked.Add(ref raised, n);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Interlocked.Increment(ref unclear);
                    logger.LogWarning(e, "Reconciliation of subscription {Subscription} failed", candidate.Subscription.Id);
                }
            }));
        return new ReconciliationRunResult(day, compared, notRetrievable, unclear, raised);
    }

    private async Task<int> RecordAsync(ReconciliationCandidate candidate, FetchedInstance fetched, CancellationToken ct)
    {
        await using var w = await Work.BeginAsync(database, audit, ct);
        // The subscription changed while its broker was asked (a change, a cancellation): this comparison says nothing about it.
        var now = await w.Connection.QuerySingleOrDefaultAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionById, new { id = candidate.Subscription.Id }, w.Transaction);
        if (now is null || now.UpdatedAt != candidate.Subscription.UpdatedAt || now.InstanceId != candidate.Subscription.InstanceId) return 0;
        var n = await findings.RecordAsync(w, now, InstanceComparison.Compare(fetched, candidate.Expected), fetched.Detail, FindingSources.Daily,
            complete: fetched.Outcome is FetchOutcome.Found or FetchOutcome.Missing);
        await w.CommitAsync(ct);
        return n;
    }

    private async Task<IReadOnlyList<ReconciliationCandidate>> CandidatesAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var ids = (await c.QueryAsync<string>(new CommandDefinition(ReconciliationSql.Comparable, cancellationToken: ct))).ToList();
        var subscriptions = new List<SubscriptionRecord>();
        foreach (var id in ids) subscriptions.Add(await c.QuerySingleAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionById, new { id }));
        var municipalityOf = await municipalities.GetManyAsync(subscriptions.Select(s => s.MunicipalityAgs), ct);
        var list = new List<ReconciliationCandidate>();
        foreach (var s in subscriptions)
        {
            var offering = await offerings.GetAsync(c, null, s.OfferingId);
            if (offering?.Descriptor.Provisioning is not { Type: "osb", ServiceId: { } serviceId } provisioning
                || await brokers.EndpointAsync(c, offering.VendorId, provisioning) is not { } endpoint) continue;
            var defaults = await LandDefaults.ForAsync(c, null, s.OfferingId, municipalityOf[s.MunicipalityAgs].LandCode);
            var expected = new ExpectedInstance(provisioning.PlanIds?.GetValueOrDefault(s.PlanId) ?? s.PlanId,
                ExpectedParameters(secrets, offering, defaults, (JsonObject)JsonNode.Parse(s.ConfigJson)!));
            list.Add(new ReconciliationCandidate(s, endpoint with { ApiVersion = OsbClient.ApiVersionOf(offering.Descriptor) }, serviceId, expected));
        }
        return list;
    }

    /// <summary>The parameters the broker was sent for a configuration: Land defaults under the municipality's values, secrets revealed.</summary>
    internal static JsonObject ExpectedParameters(ConfigSecrets secrets, OfferingInfo offering, IReadOnlyList<LandDefault> defaults, JsonObject own) =>
        secrets.Reveal(EffectiveConfiguration.Merge(TenantSchema.For(offering.Descriptor.TenantConfigSchema),
            LandDefaults.Layers(defaults).Append(new ConfigLayer(ConfigSource.Own, own))).Values);
}

/// <summary>Runs the daily reconciliation in the host: looks every poll interval (on the injected clock) whether today's run is due.</summary>
public sealed class ReconciliationService(ReconciliationJob job, TimeProvider clock, IOptions<ProvisioningOptions> options, ILogger<ReconciliationService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ReconciliationEnabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await job.RunIfDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Reconciliation failed; it is tried again at the next poll");
            }
            await Task.Delay(options.Value.ReconciliationPollInterval, clock, stoppingToken);
        }
    }
}
