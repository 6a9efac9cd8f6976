using Marketplace.Provisioning.Jobs;

namespace Marketplace.Provisioning.Subscriptions;

/// <summary>Starts a subscription operation: a broker job for broker offerings; manual ones appear as vendor tasks by their state alone.</summary>
internal sealed class OperationStarter(JobStore jobs)
{
    private readonly HashSet<string> _brokersSeen = new(StringComparer.Ordinal);

    public async Task StartAsync(Work work, string subscriptionId, string vendorId, string fulfilment, string kind, string actorUserId)
    {
        if (fulfilment != Fulfilments.Broker) return;
        // The broker row carries the concurrency limit and is the claimers' lock; create it once per transaction.
        if (_brokersSeen.Add(vendorId)) await jobs.EnsureBrokerAsync(work, vendorId);
        await jobs.EnqueueAsync(work, new NewJob(kind, subscriptionId, vendorId, Phases.Request, new OperationPayload(actorUserId).ToJson()));
    }
}
