using Dapper;
using Marketplace.Conformance.Attested;
using Marketplace.Conformance.Checks;
using Marketplace.Conformance.Lifecycle;
using Marketplace.Conformance.Standards;

namespace Marketplace.Conformance.Review;

/// <summary>Something waiting for an auditor: a submitted offering version or submitted evidence.</summary>
public sealed record ReviewItem(string Kind, string OfferingId, int? Version, string? EvidenceId, string VendorId, string Title, DateTimeOffset SubmittedAt)
{
    public const string OfferingVersionKind = "offering-version";
    public const string EvidenceKind = "evidence";
}

/// <summary>
/// Everything an auditor needs to decide on a version: the version, the last approved one with the field-level changes
/// against it, the automated results with their raw evidence, the evidence for attested criteria, and the status per standard.
/// </summary>
public sealed record VersionReview(
    OfferingVersion Version, OfferingVersion? LastApproved, IReadOnlyList<FieldChange> Changes, IReadOnlyList<CheckResult> Checks,
    IReadOnlyList<Evidence> Evidence, IReadOnlyList<StandardStatus> Statuses);

/// <summary>
/// The auditor's side: the review queue (oldest first), the review of one version, decisions with reasons on versions and
/// evidence, and re-running the automated checks on demand. Auditors read every vendor's offerings.
/// </summary>
public sealed class AuditorReview
{
    private readonly ConformanceUnitOfWork _uow;
    private readonly OfferingLifecycle _lifecycle;
    private readonly EvidenceService _evidence;
    private readonly AutomatedChecks _checks;

    internal AuditorReview(ConformanceUnitOfWork uow, OfferingLifecycle lifecycle, EvidenceService evidence, AutomatedChecks checks)
    {
        _uow = uow;
        _lifecycle = lifecycle;
        _evidence = evidence;
        _checks = checks;
    }

    /// <summary>Submitted versions and evidence, the longest waiting first.</summary>
    public Task<IReadOnlyList<ReviewItem>> QueueAsync(CancellationToken ct = default) =>
        _uow.ReadAsync(async s =>
        {
            var versions = (await s.Connection.QueryAsync<(string OfferingId, long Version, string VendorId, string DocumentJson, DateTimeOffset SubmittedAt)>(
                    ConformanceSql.SubmittedVersions, transaction: s.Transaction))
                .Select(v => new ReviewItem(ReviewItem.OfferingVersionKind, v.OfferingId, (int)v.Version, null, v.VendorId,
                    System.Text.Json.Nodes.JsonNode.Parse(v.DocumentJson)?["name"]?.GetValue<string>() ?? v.OfferingId, v.SubmittedAt));
            var evidence = (await s.Connection.QueryAsync<Evidence>(ConformanceSql.EvidenceQueue, transaction: s.Transaction))
                .Select(e => new ReviewItem(ReviewItem.EvidenceKind, e.OfferingId, null, e.Id, e.VendorId,
                    $"{e.StandardId} {e.StandardVersion} / {e.CriterionId}: {e.FileName}", e.UploadedAt));
            return (IReadOnlyList<ReviewItem>)versions.Concat(evidence)
                .OrderBy(i => i.SubmittedAt).ThenBy(i => i.OfferingId, StringComparer.Ordinal).ToList();
        }, ct);

    /// <summary>The newest version of an offering, for evidence in the queue, which belongs to the offering rather than one version.</summary>
    public Task<int> NewestVersionAsync(string offeringId, CancellationToken ct = default) =>
        _uow.ReadAsync(async s => (await s.HeadAsync(offeringId))?.LatestVersion ?? throw ConformanceException.NotFound("offering.unknown", $"Es gibt kein Angebot „{offeringId}“.", offeringId), ct);

    public Task<VersionReview> ReviewAsync(string offeringId, int version, CancellationToken ct = default) =>
        _uow.ReadAsync(async s =>
        {
            var v = await s.VersionAsync(offeringId, version) ?? throw ConformanceException.NotFound("version.unknown", $"Es gibt keine Version {version} von „{offeringId}“.", version, offeringId);
            var previous = (await s.VersionsAsync(offeringId))
                .FirstOrDefault(p => p.Version < version && p.State is VersionStates.Approved or VersionStates.Published or VersionStates.Superseded);
            return new VersionReview(v, previous, VersionDiff.Between(previous?.Descriptor, v.Descriptor), await s.ChecksAsync(offeringId, version),
                await s.EvidenceAsync(offeringId), await s.StatusesAsync(offeringId, version));
        }, ct);

    public Task<OfferingVersion> DecideVersionAsync(Actor auditor, string offeringId, int version, bool approve, string reason, CancellationToken ct = default) =>
        _lifecycle.DecideAsync(auditor, offeringId, version, approve, reason, ct);

    public Task<Evidence> DecideEvidenceAsync(Actor auditor, string evidenceId, bool accept, string reason, CancellationToken ct = default) =>
        _evidence.DecideAsync(auditor, evidenceId, accept, reason, ct);

    /// <summary>Runs every automated check of the version again, live ones included, and stores the new results.</summary>
    public async Task<IReadOnlyList<CheckResult>> RerunChecksAsync(Actor auditor, string offeringId, int version, CancellationToken ct = default)
    {
        var (v, standards) = await _uow.ReadAsync(async s =>
            (await s.VersionAsync(offeringId, version) ?? throw ConformanceException.NotFound("version.unknown", $"Es gibt keine Version {version} von „{offeringId}“.", version, offeringId),
             await s.StandardsAsync()), ct);
        var results = await _checks.RunAsync(v.Descriptor, standards, live: true, ct);
        await _uow.RunAsync(async s =>
        {
            var before = await s.ChecksAsync(offeringId, version);
            await s.SaveChecksAsync(offeringId, version, results);
            await s.AuditAsync(auditor, "conformance.checks-rerun", "offering", offeringId,
                new { version, results = before.Select(r => $"{r.StandardId}/{r.CriterionId}: {r.Outcome}") },
                new { version, results = results.Select(r => $"{r.StandardId}/{r.CriterionId}: {r.Outcome}") });
            await s.RecomputeAsync(offeringId, await s.StandardsAsync(), auditor);
        }, ct);
        return results;
    }
}
