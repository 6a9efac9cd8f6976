using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Marketplace.SampleBroker;

/// <summary>A service instance held by the sample broker.</summary>
public sealed class SampleInstance
{
    public required string Id { get; init; }
    public required string ServiceId { get; set; }
    public required string PlanId { get; set; }
    public required string ParametersJson { get; set; }
    public string? Ags { get; set; }
    public JsonObject? Context { get; set; }
    /// <summary>provisioning, ready, failed, updating, deprovisioning.</summary>
    public string State { get; set; } = "provisioning";
    public string? Operation { get; set; }
    public DateTimeOffset ReadyAt { get; set; }
    public bool FailAsync { get; set; }
    public string? LastOriginatingIdentity { get; set; }
    public string? LastRequestIdentity { get; set; }
    public string? LastApiVersion { get; set; }
    public string? OrganizationGuid { get; init; }
    public string? SpaceGuid { get; init; }
    /// <summary>True while an accepted asynchronous operation has not yet been reported finished through last_operation.</summary>
    public bool OperationOpen { get; set; }
}

/// <summary>What a test reads about the broker: instances, per-id and per-municipality counts, peaks.</summary>
public sealed record BrokerStats(int Instances, long Created, long Deleted, long ProvisionRequests, long PeakOpenOperations, long PeakConcurrentRequests,
    IReadOnlyDictionary<string, int> InstancesPerAgs, IReadOnlyDictionary<string, int> ProvisionRequestsPerInstance, IReadOnlyDictionary<string, int> CreationsPerInstance)
{
    /// <summary>GET /v2/service_instances/:id calls, and the most at once.</summary>
    public long Fetches { get; init; }
    public long PeakConcurrentFetches { get; init; }
    /// <summary>Fetches of an instance although the catalogue did not declare instances_retrievable (the platform SHOULD NOT).</summary>
    public long UndeclaredFetches { get; init; }
}

/// <summary>The broker's in-memory state: instances, tombstones of deleted ones, counters, and the injected faults.</summary>
public sealed class BrokerState
{
    private readonly object _gate = new();
    private readonly List<FaultRule> _faults = [];
    private long _created, _deleted, _provisionRequests, _openOperations, _peakOpen, _concurrentRequests, _peakRequests;
    private long _fetches, _undeclaredFetches, _concurrentFetches, _peakFetches;
    private long _answering, _withheld;

    public ConcurrentDictionary<string, SampleInstance> Instances { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, DateTimeOffset> Deleted { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, SampleBinding> Bindings { get; } = new(StringComparer.Ordinal);
    /// <summary>Ids of deleted bindings: a new binding under one of them is refused.</summary>
    public ConcurrentDictionary<string, DateTimeOffset> DeletedBindings { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, int> ProvisionRequestsPerInstance { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, int> CreationsPerInstance { get; } = new(StringComparer.Ordinal);

    public void AddFault(FaultRule rule)
    {
        lock (_gate) _faults.Add(rule);
    }

    public void ClearFaults()
    {
        lock (_gate) _faults.Clear();
    }

    /// <summary>Takes the first fault matching this request (counting it down), or null.</summary>
    public FaultRule? TakeFault(string operation, string instanceId, string? ags)
    {
        lock (_gate)
        {
            var rule = _faults.FirstOrDefault(f => (f.Operation == operation || f.Operation == "any")
                && (f.InstanceId is null || f.InstanceId == instanceId) && (f.Ags is null || f.Ags == ags) && f.Times != 0);
            if (rule is null) return null;
            if (rule.Times > 0) rule.Times--;
            return rule;
        }
    }

    public void Created(string id)
    {
        Interlocked.Increment(ref _created);
        CreationsPerInstance.AddOrUpdate(id, 1, (_, n) => n + 1);
    }

    public void Removed(string id)
    {
        if (Instances.TryRemove(id, out _))
        {
            Interlocked.Increment(ref _deleted);
            Deleted[id] = DateTimeOffset.UtcNow;
        }
    }

    public void RemoveBinding(string id)
    {
        if (Bindings.TryRemove(id, out _)) DeletedBindings[id] = DateTimeOffset.UtcNow;
    }

    public void ProvisionRequested(string id)
    {
        Interlocked.Increment(ref _provisionRequests);
        ProvisionRequestsPerInstance.AddOrUpdate(id, 1, (_, n) => n + 1);
    }

    public void OperationOpened(SampleInstance i)
    {
        lock (i)
        {
            if (i.OperationOpen) return;
            i.OperationOpen = true;
        }
        var open = Interlocked.Increment(ref _openOperations);
        InterlockedMax(ref _peakOpen, open);
    }

    public void OperationReported(SampleInstance i)
    {
        lock (i)
        {
            if (!i.OperationOpen) return;
            i.OperationOpen = false;
        }
        Interlocked.Decrement(ref _openOperations);
    }

    public IDisposable Request()
    {
        var now = Interlocked.Increment(ref _concurrentRequests);
        InterlockedMax(ref _peakRequests, now);
        return new Releaser(() => Interlocked.Decrement(ref _concurrentRequests));
    }

    /// <summary>
    /// Requests the broker is working on and will answer; one held by an injected timeout is not among them. Tests on a
    /// fake clock move it only while this is zero, so an answer slowed by a busy machine never turns into a timeout.
    /// </summary>
    public long Answering => Interlocked.Read(ref _answering);

    /// <summary>Counts a request among <see cref="Answering"/> until disposed.</summary>
    public IDisposable Answer()
    {
        Interlocked.Increment(ref _answering);
        return new Releaser(() => Interlocked.Decrement(ref _answering));
    }

    /// <summary>Requests an injected timeout holds back: the broker will not answer them in time.</summary>
    public long Withheld => Interlocked.Read(ref _withheld);

    /// <summary>Moves a request from <see cref="Answering"/> to <see cref="Withheld"/> while an injected timeout holds it back.</summary>
    public IDisposable Withhold()
    {
        Interlocked.Decrement(ref _answering);
        Interlocked.Increment(ref _withheld);
        return new Releaser(() =>
        {
            Interlocked.Decrement(ref _withheld);
            Interlocked.Increment(ref _answering);
        });
    }

    /// <summary>Counts a fetch of an instance while it is answered; <paramref name="declared"/>: the catalogue offers it.</summary>
    public IDisposable Fetch(bool declared)
    {
        Interlocked.Increment(ref _fetches);
        if (!declared) Interlocked.Increment(ref _undeclaredFetches);
        InterlockedMax(ref _peakFetches, Interlocked.Increment(ref _concurrentFetches));
        return new Releaser(() => Interlocked.Decrement(ref _concurrentFetches));
    }

    public BrokerStats Stats() => new(
        Instances.Count, Interlocked.Read(ref _created), Interlocked.Read(ref _deleted), Interlocked.Read(ref _provisionRequests),
        Interlocked.Read(ref _peakOpen), Interlocked.Read(ref _peakRequests),
        Instances.Values.Where(i => i.Ags is not null).GroupBy(i => i.Ags!).ToDictionary(g => g.Key, g => g.Count()),
        new Dictionary<string, int>(ProvisionRequestsPerInstance), new Dictionary<string, int>(CreationsPerInstance))
    {
        Fetches = Interlocked.Read(ref _fetches), PeakConcurrentFetches = Interlocked.Read(ref _peakFetches), UndeclaredFetches = Interlocked.Read(ref _undeclaredFetches),
    };

    public void Reset()
    {
        Instances.Clear();
        Deleted.Clear();
        Bindings.Clear();
        DeletedBindings.Clear();
        ProvisionRequestsPerInstance.Clear();
        CreationsPerInstance.Clear();
        ClearFaults();
        Interlocked.Exchange(ref _created, 0);
        Interlocked.Exchange(ref _deleted, 0);
        Interlocked.Exchange(ref _provisionRequests, 0);
        Interlocked.Exchange(ref _openOperations, 0);
        Interlocked.Exchange(ref _peakOpen, 0);
        Interlocked.Exchange(ref _peakRequests, 0);
        Interlocked.Exchange(ref _fetches, 0);
        Interlocked.Exchange(ref _undeclaredFetches, 0);
        Interlocked.Exchange(ref _peakFetches, 0);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while ((seen = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    private sealed class Releaser(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}
