using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Import;
using Marketplace.Catalog.Queries;
using Marketplace.Conformance.Attested;
using Marketplace.Conformance.Checks;
using Marketplace.Conformance.Evaluation;
using Marketplace.Conformance.Standards;
using Microsoft.Extensions.Logging;

namespace Marketplace.Conformance.Seed;

/// <summary>
/// The conformance module's part of the catalogue import. Seed offerings become published versions (version 1 on the first
/// import; an edited seed file publishes the next version, unless the vendor has since taken the offering over), written to
/// the catalogue projection with the same writer publishing uses. The conformance policy and the seed attestations
/// (evidence with the auditor's recorded decision) are imported, the static checks run, and every seed offering's
/// conformance is computed, so a fresh start has a checked catalogue.
/// </summary>
public sealed class ConformanceCatalogImport : ICatalogImportParticipant
{
    public const string PolicyFile = "policies/conformance.yaml";
    public const string AttestationsFolder = "attestations";

    private readonly AuditTrail _audit;
    private readonly AutomatedChecks _checks;
    private readonly TimeProvider _clock;
    private readonly ILogger<ConformanceCatalogImport> _logger;
    private readonly StandardRecords _standards;
    private readonly OfferingRecords _offerings;

    internal ConformanceCatalogImport(AuditTrail audit, AutomatedChecks checks, TimeProvider clock, ILogger<ConformanceCatalogImport> logger,
        StandardRecords standards, OfferingRecords offerings)
    {
        _standards = standards;
        _offerings = offerings;
        _audit = audit;
        _checks = checks;
        _clock = clock;
        _logger = logger;
    }

    public CatalogImportStep Prepare(string catalogFolder, CatalogSnapshot snapshot)
    {
        var errors = new List<CatalogError>();
        var (policy, availability) = LoadPolicy(catalogFolder, snapshot, errors);
        var evidence = LoadAttestations(catalogFolder, snapshot, errors);
        return new CatalogImportStep(errors, WritesOfferings: true, (context, ct) => WriteAsync(context, snapshot, policy, availability, evidence, ct));
    }

    private static (List<RequiredStandard> Rules, AvailabilityPolicyDescriptor? Availability) LoadPolicy(string folder, CatalogSnapshot snapshot, List<CatalogError> errors)
    {
        var path = Path.Combine(folder, PolicyFile);
        var display = "catalog/" + PolicyFile;
        if (!File.Exists(path)) return ([], null);
        var text = File.ReadAllText(path);
        var (policy, problems) = CatalogLoader.ParseOne<ConformancePolicyDescriptor>(folder, "conformance-policy", display, text);
        errors.AddRange(problems);
        if (policy is null) return ([], null);
        var doc = YamlDocument.Parse(text);
        var standards = snapshot.Standards.Select(s => s.Value.Id).ToHashSet();
        var themenfelder = snapshot.Themenfelder.Select(t => t.Value.Id).ToHashSet();
        var leistungen = snapshot.Leistungen.Select(l => l.Value.OzgId).ToHashSet();
        var rules = new List<RequiredStandard>();
        for (var i = 0; i < policy.Rules.Count; i++)
        {
            var r = policy.Rules[i];
            if (!standards.Contains(r.Standard)) errors.Add(new CatalogError(display, $"/rules/{i}/standard", doc.LineOf($"/rules/{i}/standard"), $"unknown standard '{r.Standard}'"));
            var ids = r.Scope == PolicyScopes.All ? ["*"] : r.Ids ?? [];
            var known = r.Scope == PolicyScopes.Themenfeld ? themenfelder : r.Scope == PolicyScopes.Leistung ? leistungen : null;
            for (var k = 0; k < ids.Count; k++)
                if (known is not null && !known.Contains(ids[k]))
                    errors.Add(new CatalogError(display, $"/rules/{i}/ids/{k}", doc.LineOf($"/rules/{i}/ids/{k}"), $"unknown {r.Scope} '{ids[k]}'"));
            rules.AddRange(ids.Select(id => new RequiredStandard(r.Scope, id, r.Standard, r.Reason)));
        }
        return (rules, policy.Availability);
    }

    /// <summary>Reads catalog/attestations and expands each attestation to one evidence row per offering it covers.</summary>
    private static List<(Evidence Evidence, string Hash)> LoadAttestations(string folder, CatalogSnapshot snapshot, List<CatalogError> errors)
    {
        var result = new List<(Evidence, string)>();
        var dir = Path.Combine(folder, AttestationsFolder);
        if (!Directory.Exists(dir)) return result;
        var offerings = snapshot.Offerings.Select(o => o.Value).ToDictionary(o => o.Id);
        var criteria = snapshot.Standards.SelectMany(s => s.Value.Versions.SelectMany(v => v.Criteria.Select(c => (s.Value.Id, v.Version, c))))
            .ToDictionary(x => (x.Item1, x.Version, x.c.Id), x => x.c);
        foreach (var file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            var display = $"catalog/{AttestationsFolder}/{Path.GetFileName(file)}";
            if (!file.EndsWith(".yaml", StringComparison.Ordinal))
            {
                errors.Add(new CatalogError(display, "", 0, "only .yaml files belong in this folder"));
                continue;
            }
            var text = File.ReadAllText(file);
            var (attestations, problems) = CatalogLoader.ParseOne<AttestationFileDescriptor>(folder, "attestation", display, text);
            errors.AddRange(problems);
            if (attestations is null) continue;
            var doc = YamlDocument.Parse(text);
            void Error(string field, string reason) => errors.Add(new CatalogError(display, field, doc.LineOf(field), reason));
            if (attestations.Vendor != Path.GetFileNameWithoutExtension(file)) Error("/vendor", $"must equal the file name '{Path.GetFileNameWithoutExtension(file)}'");
            for (var i = 0; i < attestations.Attestations.Count; i++)
            {
                var a = attestations.Attestations[i];
                var at = $"/attestations/{i}";
                if (!criteria.TryGetValue((a.Standard, a.Version, a.Criterion), out var criterion))
                {
                    Error(at + "/criterion", $"unknown criterion '{a.Criterion}' of {a.Standard} {a.Version}");
                    continue;
                }
                if (criterion.Kind != "attested") Error(at + "/criterion", "the platform checks this criterion itself; it takes no evidence");
                if (!DateOnly.TryParseExact(a.IssuedOn, "yyyy-MM-dd", out var issued)) { Error(at + "/issuedOn", "must be a date YYYY-MM-DD"); continue; }
                if (!DateOnly.TryParseExact(a.ExpiresOn, "yyyy-MM-dd", out var expires) || expires <= issued) { Error(at + "/expiresOn", "must be a date after issuedOn"); continue; }
                if (!DateOnly.TryParseExact(a.Decision.DecidedOn, "yyyy-MM-dd", out var decided) || decided < issued) { Error(at + "/decision/decidedOn", "must be a date not before issuedOn"); continue; }

                var covered = a.Offerings.SequenceEqual(["*"])
                    ? offerings.Values.Where(o => o.Vendor == attestations.Vendor && o.Standards.Any(s => s.Standard == a.Standard && s.Version == a.Version)).ToList()
                    : a.Offerings.Select(id => offerings.GetValueOrDefault(id)).ToList()!;
                for (var k = 0; k < covered.Count; k++)
                {
                    var o = covered[k];
                    if (o is null || o.Vendor != attestations.Vendor) { Error($"{at}/offerings/{k}", $"'{a.Offerings[k]}' is not an offering of {attestations.Vendor}"); continue; }
                    if (!o.Standards.Any(s => s.Standard == a.Standard && s.Version == a.Version))
                    {
                        Error($"{at}/offerings/{k}", $"'{o.Id}' does not claim {a.Standard} {a.Version}");
                        continue;
                    }
                    var evidence = new Evidence($"catalog:{o.Id}:{a.Standard}:{a.Version}:{a.Criterion}", o.Id, attestations.Vendor, a.Standard, a.Version,
                        a.Criterion, criterion.Evidence?["type"]?.GetValue<string>() ?? "report", a.Issuer, a.IssuedOn,
                        ConformanceEvaluator.Day(EvidenceService.EffectiveExpiry(issued, expires, criterion.Evidence?["validityMonths"]?.GetValue<int>() ?? 12)),
                        a.Document, "application/pdf", a.Sha256, 0, VersionOrigins.Catalog,
                        a.Decision.Outcome == "accepted" ? EvidenceStates.Accepted : EvidenceStates.Rejected,
                        Midnight(issued), Actor.Named("catalog-import").UserId, Midnight(decided), attestations.Auditor,
                        a.Decision.Reason);
                    result.Add((evidence, Hash(JsonSerializer.Serialize(evidence, DescriptorJson.Options))));
                }
                if (covered.Count == 0) Error(at + "/offerings", $"no offering of {attestations.Vendor} claims {a.Standard} {a.Version}");
            }
        }
        var duplicate = result.GroupBy(r => r.Item1.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) errors.Add(new CatalogError($"catalog/{AttestationsFolder}", "", 0, $"evidence {duplicate.Key} is attested twice"));
        return result;
    }

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private async Task<IReadOnlyDictionary<string, ImportCounts>> WriteAsync(CatalogImportContext context, CatalogSnapshot snapshot,
        List<RequiredStandard> policy, AvailabilityPolicyDescriptor? availability, List<(Evidence Evidence, string Hash)> evidence, CancellationToken ct)
    {
        var s = new ConformanceStore(context.Connection, context.Transaction, context.Dialect, _audit, _clock.GetUtcNow(), _standards, _offerings);
        var actor = Actor.Named("catalog-import");
        var standards = await s.StandardsAsync();

        int inserted = 0, updated = 0, unchanged = 0;
        foreach (var loaded in snapshot.Offerings)
        {
            ct.ThrowIfCancellationRequested();
            var o = loaded.Value;
            var head = await s.HeadAsync(o.Id);
            if (head is null)
            {
                head = new OfferingHead(o.Id, o.Vendor, OfferingLifecycles.Active, 1, 1, s.Now, s.Now);
                await s.InsertHeadAsync(head);
                var exists = await s.ProjectedAsync(o.Id);
                await PublishSeedAsync(s, head, null, o, loaded.ContentHash, 1, exists, standards, actor);
                inserted++;
                continue;
            }
            var versions = await s.VersionsAsync(o.Id);
            var lastSeed = versions.FirstOrDefault(v => v.Origin == VersionOrigins.Catalog);
            if (lastSeed?.ContentHash == loaded.ContentHash) { unchanged++; continue; }
            // A seed edit is published only while the seed is still what the catalogue shows; once the vendor has made a version of
            // their own, the vendor owns the offering and the stale seed must not overwrite it.
            if (head.Lifecycle == OfferingLifecycles.Retired || versions[0].Origin != VersionOrigins.Catalog || versions[0].State != VersionStates.Published)
            {
                _logger.LogWarning("Seed offering {Offering} changed in catalog/ but its vendor has taken it over; the seed is not imported", o.Id);
                unchanged++;
                continue;
            }
            await s.SupersedeAsync(o.Id, versions[0].Version);
            var next = head with { PublishedVersion = head.LatestVersion + 1, LatestVersion = head.LatestVersion + 1, UpdatedAt = s.Now };
            await s.UpdateHeadAsync(head, next);
            await PublishSeedAsync(s, next, versions[0], o, loaded.ContentHash, next.LatestVersion, true, standards, actor);
            updated++;
        }

        var policyCounts = await WritePolicyAsync(s, policy, actor);
        var availabilityCounts = await WriteAvailabilityPolicyAsync(s, availability, actor);
        var evidenceCounts = await WriteEvidenceAsync(s, evidence, actor);

        if (inserted + updated + policyCounts.Inserted + policyCounts.Updated + evidenceCounts.Inserted + evidenceCounts.Updated > 0)
        {
            standards = await s.StandardsAsync();
            foreach (var o in snapshot.Offerings) await s.RecomputeAsync(o.Value.Id, standards, actor);
        }
        await s.BumpRevisionIfChangedAsync();
        return new Dictionary<string, ImportCounts>
        {
            ["offerings"] = new(inserted, updated, unchanged),
            ["conformance-policy"] = policyCounts,
            ["availability-policy"] = availabilityCounts,
            ["attestations"] = evidenceCounts,
        };
    }

    private async Task PublishSeedAsync(ConformanceStore s, OfferingHead head, OfferingVersion? previous, OfferingDescriptor o, string hash, int number,
        bool projectionExists, StandardsSnapshot standards, Actor actor)
    {
        var version = new OfferingVersion(o.Id, number, o.Vendor, VersionStates.Published, VersionOrigins.Catalog, o, hash, s.Now, actor.UserId,
            s.Now, s.Now, actor.UserId, "Aus dem geprüften Katalog (catalog/) übernommen.", s.Now);
        await s.InsertVersionAsync(version);
        // Only the static checks: the vendors' live systems are not called during an import.
        await s.SaveChecksAsync(o.Id, number, await _checks.RunAsync(o, standards, live: false));
        await s.ProjectAsync(head, version, projectionExists);
        await s.AuditAsync(actor, "offering.imported", "offering", o.Id,
            previous is null ? null : new { previous.Version, previous.ContentHash }, new { version.Version, version.State, version.ContentHash });
    }

    private static async Task<ImportCounts> WritePolicyAsync(ConformanceStore s, List<RequiredStandard> policy, Actor actor)
    {
        var current = (await s.Connection.QueryAsync<RequiredStandard>(ConformanceSql.Policy, transaction: s.Transaction)).ToHashSet();
        if (current.SetEquals(policy)) return new ImportCounts(0, 0, current.Count);
        await s.Connection.ExecuteAsync(ConformanceSql.DeletePolicy, transaction: s.Transaction);
        await s.Connection.ExecuteAsync(ConformanceSql.InsertPolicyRule, policy, s.Transaction);
        await s.AuditAsync(actor, "policy.imported", "conformance-policy", "conformance", current.OrderBy(r => r.ToString()), policy);
        return new ImportCounts(policy.Count(p => !current.Contains(p)), 0, policy.Count(current.Contains));
    }

    /// <summary>The policy's availability section (absent: a missed SLA is a notice, not a finding); a change is audited.</summary>
    private static async Task<ImportCounts> WriteAvailabilityPolicyAsync(ConformanceStore s, AvailabilityPolicyDescriptor? availability, Actor actor)
    {
        var current = (await s.Connection.QuerySingleOrDefaultAsync<Lifecycle.AvailabilityPolicyStore.Row>(ConformanceSql.AvailabilityPolicy, transaction: s.Transaction))?.ToPolicy();
        var next = availability is null ? null : new Catalog.Availability.AvailabilityPolicy(availability.SlaBreachIsFinding, availability.Reason);
        if (current == next) return new ImportCounts(0, 0, next is null ? 0 : 1);
        await s.Connection.ExecuteAsync(ConformanceSql.DeleteAvailabilityPolicy, transaction: s.Transaction);
        if (next is not null)
            await s.Connection.ExecuteAsync(ConformanceSql.InsertAvailabilityPolicy, new { BreachIsFinding = next.BreachIsFinding ? 1 : 0, next.Reason, ImportedAt = s.Now }, s.Transaction);
        await s.AuditAsync(actor, "policy.imported", "conformance-policy", "conformance/availability", current, next);
        return current is null ? new ImportCounts(1, 0, 0) : new ImportCounts(0, 1, 0);
    }

    private static async Task<ImportCounts> WriteEvidenceAsync(ConformanceStore s, List<(Evidence Evidence, string Hash)> evidence, Actor actor)
    {
        var existing = (await s.Connection.QueryAsync<(string Id, string Hash)>(ConformanceSql.EvidenceHashes, transaction: s.Transaction))
            .ToDictionary(r => r.Id, r => r.Hash);
        int inserted = 0, updated = 0, unchanged = 0;
        foreach (var (e, hash) in evidence)
        {
            if (existing.TryGetValue(e.Id, out var old))
            {
                if (old == hash) { unchanged++; continue; }
                await s.Connection.ExecuteAsync(ConformanceSql.DeleteEvidence, new { id = e.Id }, s.Transaction);
                updated++;
            }
            else inserted++;
            await s.Connection.ExecuteAsync(ConformanceSql.InsertEvidence, EvidenceService.Row(e, hash), s.Transaction);
            await s.AuditAsync(actor, "evidence.imported", "evidence", e.Id, null, e);
        }
        foreach (var gone in existing.Keys.Except(evidence.Select(x => x.Evidence.Id)))
        {
            await s.Connection.ExecuteAsync(ConformanceSql.DeleteEvidence, new { id = gone }, s.Transaction);
            await s.AuditAsync(actor, "evidence.removed", "evidence", gone, new { id = gone }, null);
            updated++;
        }
        return new ImportCounts(inserted, updated, unchanged);
    }
}
