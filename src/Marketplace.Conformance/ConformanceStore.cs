using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Import;
using Marketplace.Catalog.Queries;
using Marketplace.Conformance.Evaluation;
using Marketplace.Conformance.Standards;
using Marketplace.Storage;

namespace Marketplace.Conformance;

/// <summary>
/// The conformance module's reads and writes inside one open transaction: heads and versions, check results,
/// status recomputation with the catalogue projection and notifications, and the audit entry of every change.
/// Services open the transaction; this does the work in it, so every step of one action commits or none does.
/// </summary>
internal sealed class ConformanceStore(DbConnection c, DbTransaction tx, ISqlDialect dialect, AuditTrail audit, DateTimeOffset now,
    StandardRecords standards, OfferingRecords offerings)
{
    public DbConnection Connection => c;
    public DbTransaction Transaction => tx;
    public DateTimeOffset Now => now;
    public DateOnly Today => DateOnly.FromDateTime(now.UtcDateTime);

    private OfferingProjection? _projection;
    public OfferingProjection Projection => _projection ??= new OfferingProjection(c, tx, dialect);

    /// <summary>Set when the catalogue's projection changed, so the caller bumps the revision once.</summary>
    public bool CatalogueChanged { get; private set; }

    public Task<AuditRecord> AuditAsync(Actor actor, string action, string objectType, string objectId, object? before, object? after) =>
        audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, action, objectType, objectId, Node(before), Node(after)));

    private static JsonNode? Node(object? value) => value switch
    {
        null => null,
        JsonNode n => n,
        _ => JsonSerializer.SerializeToNode(value, DescriptorJson.Options),
    };

    /// <summary>The standards, the policy and the Themenfelder of the Leistungen, in this transaction's snapshot.</summary>
    public Task<StandardsSnapshot> StandardsAsync() => StandardsSnapshot.LoadAsync(standards, c, tx);

    /// <summary>True when the catalogue shows the offering (published from a version or imported).</summary>
    public async Task<bool> ProjectedAsync(string offeringId) => await offerings.HeadAsync(c, tx, offeringId) is not null;

    public async Task BumpRevisionIfChangedAsync()
    {
        if (CatalogueChanged) await Projection.BumpRevisionAsync();
        CatalogueChanged = false;
    }

    // Heads and versions

    public async Task<OfferingHead?> HeadAsync(string offeringId) =>
        (await c.QuerySingleOrDefaultAsync<HeadRow>(ConformanceSql.Head, new { id = offeringId }, tx))?.ToHead();

    public async Task<IReadOnlyList<OfferingHead>> HeadsOfVendorAsync(string vendorId) =>
        (await c.QueryAsync<HeadRow>(ConformanceSql.HeadsOfVendor, new { vendorId }, tx)).Select(h => h.ToHead()).ToList();

    public async Task<IReadOnlyList<OfferingHead>> PublishedHeadsAsync() =>
        (await c.QueryAsync<HeadRow>(ConformanceSql.PublishedHeads, transaction: tx)).Select(h => h.ToHead()).ToList();

    public async Task<IReadOnlyList<OfferingVersion>> VersionsAsync(string offeringId) =>
        (await c.QueryAsync<VersionRow>(ConformanceSql.Versions, new { id = offeringId }, tx)).Select(v => v.ToVersion()).ToList();

    public async Task<OfferingVersion?> VersionAsync(string offeringId, int version) =>
        (await c.QuerySingleOrDefaultAsync<VersionRow>(ConformanceSql.Version, new { id = offeringId, version }, tx))?.ToVersion();

    public Task InsertHeadAsync(OfferingHead head) => c.ExecuteAsync(ConformanceSql.InsertHead, head, tx);

    public async Task UpdateHeadAsync(OfferingHead before, OfferingHead after)
    {
        var rows = await c.ExecuteAsync(ConformanceSql.UpdateHead, new
        {
            after.OfferingId, after.Lifecycle, after.PublishedVersion, after.LatestVersion, after.UpdatedAt, ExpectedUpdatedAt = before.UpdatedAt,
        }, tx);
        if (rows != 1) throw ConformanceException.Conflict("offering.changed-concurrently", $"Das Angebot „{before.OfferingId}“ wurde gleichzeitig geändert; bitte neu laden.", before.OfferingId);
    }

    public Task InsertVersionAsync(OfferingVersion v) => c.ExecuteAsync(ConformanceSql.InsertVersion, VersionRow.From(v), tx);

    public async Task UpdateVersionAsync(OfferingVersion before, OfferingVersion after)
    {
        var row = VersionRow.From(after);
        var rows = await c.ExecuteAsync(ConformanceSql.UpdateVersion, new
        {
            row.OfferingId, row.Version, row.State, row.DocumentJson, row.ContentHash, row.SubmittedAt, row.DecidedAt, row.DecidedBy,
            row.DecisionReason, row.PublishedAt, ExpectedState = before.State,
        }, tx);
        if (rows != 1)
            throw ConformanceException.Conflict("version.state-changed", $"Version {before.Version} von „{before.OfferingId}“ ist nicht mehr im Zustand „{before.State}“ oder unveränderlich.",
                before.Version, before.OfferingId, before.State);
    }

    public Task SupersedeAsync(string offeringId, int version) => c.ExecuteAsync(ConformanceSql.Supersede, new { id = offeringId, version }, tx);

    public static string Hash(OfferingDescriptor d) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(d, DescriptorJson.Options))));

    // Checks and evidence

    public async Task<IReadOnlyList<CheckResult>> ChecksAsync(string offeringId, int version) =>
        (await c.QueryAsync<CheckResult>(ConformanceSql.Checks, new { id = offeringId, version }, tx)).ToList();

    /// <summary>Stores the latest result per criterion; an earlier result of the same criterion is replaced.</summary>
    public async Task SaveChecksAsync(string offeringId, int version, IEnumerable<CheckResult> results)
    {
        foreach (var r in results)
        {
            var row = new
            {
                offering_id = offeringId, offering_version = version, standard_id = r.StandardId, standard_version = r.StandardVersion,
                criterion_id = r.CriterionId, outcome = r.Outcome, detail = r.Detail, raw_evidence = r.RawEvidence, checked_at = r.CheckedAt,
            };
            await c.ExecuteAsync(ConformanceSql.DeleteCheck, row, tx);
            await c.ExecuteAsync(ConformanceSql.InsertCheck, row, tx);
        }
    }

    public async Task<IReadOnlyList<Evidence>> EvidenceAsync(string offeringId) =>
        (await c.QueryAsync<Evidence>(ConformanceSql.EvidenceOfOffering, new { id = offeringId }, tx)).ToList();

    public async Task<IReadOnlyList<StandardStatus>> StatusesAsync(string offeringId, int version) =>
        (await c.QueryAsync<StatusRow>(ConformanceSql.Statuses, new { id = offeringId, version }, tx)).Select(s => s.ToStatus()).ToList();

    // Status

    /// <summary>
    /// Recomputes the conformance of the offering's current versions (published and in work) for today and stores it.
    /// For the published version it also rewrites the catalogue's projection, and when a status changed it records an
    /// audit entry and notifies the vendor, and, when a required standard changed, the subscribed municipalities.
    /// </summary>
    public async Task RecomputeAsync(string offeringId, StandardsSnapshot standards, Actor actor)
    {
        if (await HeadAsync(offeringId) is not { } head) return;
        var evidence = await EvidenceAsync(offeringId);
        foreach (var version in await VersionsAsync(offeringId))
        {
            if (version.State == VersionStates.Superseded) continue;
            var checks = await ChecksAsync(offeringId, version.Version);
            var statuses = ConformanceEvaluator.Evaluate(version.Descriptor, standards, checks, evidence, Today,
                // An imported version has had no live check: its broker counts as required once a check of it has failed.
                liveChecked: version.Origin != VersionOrigins.Catalog
                             || checks.Any(c => c.StandardId == StandardsSnapshot.OpenServiceBroker && c.Outcome == CheckOutcomes.Fail));
            var before = await StatusesAsync(offeringId, version.Version);
            if (!Same(before, statuses))
            {
                await c.ExecuteAsync(ConformanceSql.DeleteStatuses, new { id = offeringId, version = version.Version }, tx);
                await c.ExecuteAsync(ConformanceSql.InsertStatus, statuses.Select(s => new
                {
                    offering_id = offeringId, offering_version = version.Version, standard_id = s.StandardId, standard_version = s.StandardVersion,
                    status = s.Status, required = s.Required, reason = s.Reason, checked_at = s.CheckedAt, valid_until = s.ValidUntil, updated_at = now,
                }), tx);
            }
            if (version.Version != head.PublishedVersion) continue;

            if (await Projection.WriteConformanceAsync(offeringId, Projected(statuses))) CatalogueChanged = true;
            var changed = statuses.Where(s => before.FirstOrDefault(b => b.StandardId == s.StandardId)?.Status != s.Status).ToList();
            if (before.Count == 0 || changed.Count == 0) continue;
            await AuditAsync(actor, "conformance.status-changed", "offering", offeringId,
                new { version = version.Version, statuses = before.Select(s => new { s.StandardId, s.Status }) },
                new { version = version.Version, statuses = statuses.Select(s => new { s.StandardId, s.Status, s.Reason }) });
        }
    }

    private static bool Same(IReadOnlyList<StandardStatus> a, IReadOnlyList<StandardStatus> b) =>
        a.OrderBy(s => s.StandardId, StringComparer.Ordinal).SequenceEqual(b.OrderBy(s => s.StandardId, StringComparer.Ordinal));

    public static IReadOnlyList<ProjectedConformance> Projected(IReadOnlyList<StandardStatus> statuses) =>
        statuses.Select(s => new ProjectedConformance(s.StandardId, s.StandardVersion, s.Status, s.Required, s.CheckedAt)).ToList();

    public static bool Orderable(string lifecycle, IReadOnlyList<StandardStatus> statuses) =>
        new OfferingListing(1, lifecycle, statuses.Select(s => new StandardConformance(s.StandardId, s.StandardVersion, s.Status, s.Required, null)).ToList()).Orderable;

    public static string StatusText(string status) => status switch
    {
        ConformanceStatuses.Conformant => "konform",
        ConformanceStatuses.NonConformant => "nicht konform",
        ConformanceStatuses.Expired => "abgelaufen",
        ConformanceStatuses.Pending => "in Prüfung",
        _ => status,
    };

    // Publication

    /// <summary>Makes a version the one the catalogue shows: the projection rows, the publication row, its conformance.</summary>
    public async Task ProjectAsync(OfferingHead head, OfferingVersion version, bool update)
    {
        await Projection.WriteAsync(version.Descriptor, version.ContentHash, update);
        await Projection.WritePublicationAsync(head.OfferingId, version.Version, head.Lifecycle, now);
        await Projection.WriteConformanceAsync(head.OfferingId, Projected(await StatusesAsync(head.OfferingId, version.Version)));
        CatalogueChanged = true;
    }

    // Dapper materialises records only with exactly matching types; integer columns differ by engine, so rows go through setters.
    private sealed class HeadRow
    {
        public string OfferingId { get; set; } = "";
        public string VendorId { get; set; } = "";
        public string Lifecycle { get; set; } = "";
        public int? PublishedVersion { get; set; }
        public int LatestVersion { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset UpdatedAt { get; set; }
        public OfferingHead ToHead() => new(OfferingId, VendorId, Lifecycle, PublishedVersion, LatestVersion, CreatedAt, UpdatedAt);
    }

    private sealed class VersionRow
    {
        public string OfferingId { get; set; } = "";
        public int Version { get; set; }
        public string VendorId { get; set; } = "";
        public string State { get; set; } = "";
        public string Origin { get; set; } = "";
        public string DocumentJson { get; set; } = "";
        public string ContentHash { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; } = "";
        public DateTimeOffset? SubmittedAt { get; set; }
        public DateTimeOffset? DecidedAt { get; set; }
        public string? DecidedBy { get; set; }
        public string? DecisionReason { get; set; }
        public DateTimeOffset? PublishedAt { get; set; }

        public OfferingVersion ToVersion() => new(OfferingId, Version, VendorId, State, Origin,
            JsonSerializer.Deserialize<OfferingDescriptor>(DocumentJson, DescriptorJson.Options)!, ContentHash, CreatedAt, CreatedBy,
            SubmittedAt, DecidedAt, DecidedBy, DecisionReason, PublishedAt);

        public static VersionRow From(OfferingVersion v) => new()
        {
            OfferingId = v.OfferingId, Version = v.Version, VendorId = v.VendorId, State = v.State, Origin = v.Origin,
            DocumentJson = JsonSerializer.Serialize(v.Descriptor, DescriptorJson.Options), ContentHash = v.ContentHash, CreatedAt = v.CreatedAt,
            CreatedBy = v.CreatedBy, SubmittedAt = v.SubmittedAt, DecidedAt = v.DecidedAt, DecidedBy = v.DecidedBy,
            DecisionReason = v.DecisionReason, PublishedAt = v.PublishedAt,
        };
    }

    private sealed class StatusRow
    {
        public string StandardId { get; set; } = "";
        public string StandardVersion { get; set; } = "";
        public string Status { get; set; } = "";
        public bool Required { get; set; }
        public string Reason { get; set; } = "";
        public DateTimeOffset? CheckedAt { get; set; }
        public string? ValidUntil { get; set; }
        public StandardStatus ToStatus() => new(StandardId, StandardVersion, Status, Required, Reason, CheckedAt, ValidUntil);
    }
}
