using Marketplace.Provisioning.Jobs;

namespace Marketplace.Provisioning.Subscriptions;

/// <summary>Starts a subscription operation: a broker job for broker offerings; manual ones appear as vendor tasks by their state alone.</summary>
internal sealed class OperationStarter(JobStore jobs)
{
    private readonly HashSet<string> _brokersSeen = new(StringComparer.Ordinal);

    public async Task StartAsync(Work work, string subscriptionId, string vendorId, string fulfilment, string kind, string actorUserId, string? bindingId = null)
    {
        if (fulfilment != Fulfilments.Broker) return;
        // One live job per subscription (a unique index): a binding being created or deleted holds it for a moment.
        if (await Dapper.SqlMapper.ExecuteScalarAsync<long>(work.Connection, Bindings.BindingSql.LiveJobs, new { id = subscriptionId }, work.Transaction) > 0)
            throw new ConflictException($"Abonnement {subscriptionId}: Am Broker läuft noch eine andere Operation (etwa Zugangsdaten werden erstellt oder gelöscht); bitte gleich noch einmal versuchen.")
                { Code = "subscription.operation-in-progress" };
        // The broker row carries the concurrency limit and is the claimers' lock; create it once per transaction.
        if (_brokersSeen.Add(vendorId)) await jobs.EnsureBrokerAsync(work, vendorId);
        await jobs.EnqueueAsync(work, new NewJob(kind, subscriptionId, vendorId, Phases.Request, new OperationPayload(actorUserId, BindingId: bindingId).ToJson()));
    }
}
