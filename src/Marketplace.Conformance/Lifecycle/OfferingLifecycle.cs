using Dapper;
using Marketplace.Catalog.Queries;
using Marketplace.Conformance.Checks;
using Marketplace.Conformance.Review;
using Marketplace.Conformance.Standards;

namespace Marketplace.Conformance.Lifecycle;

/// <summary>
/// The vendor's side of publishing: create a draft (from a descriptor file), edit, submit for review, withdraw, publish
/// after approval, deprecate, retire. A published version is immutable: editing it creates the next version as a draft.
/// Every call names the acting user and the vendor they act for; an offering of another vendor answers NotFound.
/// </summary>
public sealed class OfferingLifecycle
{
    private readonly ConformanceUnitOfWork _uow;
    private readonly OfferingDescriptorValidator _validator;
    private readonly AutomatedChecks _checks;

    internal OfferingLifecycle(ConformanceUnitOfWork uow, OfferingDescriptorValidator validator, AutomatedChecks checks)
    {
        _uow = uow;
        _validator = validator;
        _checks = checks;
    }

    /// <summary>Creates a new offering as version 1 in draft from a descriptor in the catalog/ YAML format.</summary>
    public Task<OfferingVersion> CreateAsync(Actor actor, string vendorId, string descriptorText, string fileName = "angebot.yaml", CancellationToken ct = default) =>
        _uow.RunAsync(async s =>
        {
            var d = await _validator.ValidateAsync(s.Connection, s.Transaction, descriptorText, fileName, vendorId, null);
            if (await s.HeadAsync(d.Id) is not null || await s.ProjectedAsync(d.Id))
                throw new ConformanceException(ConformanceErrorKind.Invalid, $"Die Kennung „{d.Id}“ ist vergeben.",
                    [ConformanceException.Error(fileName, "/id", "offering.id-taken", $"Die Kennung „{d.Id}“ ist vergeben.", d.Id)]) { Code = "offering.id-taken", Args = [d.Id] };
            await s.InsertHeadAsync(new OfferingHead(d.Id, vendorId, OfferingLifecycles.Active, null, 1, s.Now, s.Now));
            var version = new OfferingVersion(d.Id, 1, vendorId, VersionStates.Draft, VersionOrigins.Vendor, d, ConformanceStore.Hash(d),
                s.Now, actor.UserId, null, null, null, null, null);
            await s.InsertVersionAsync(version);
            await s.AuditAsync(actor, "offering.created", "offering", d.Id, null, Summary(version));
            return version;
        }, ct);

    /// <summary>
    /// Changes an offering: the open draft (or a rejected version) is replaced; when the newest version is published,
    /// the change becomes the next version, a draft. A version in review must be withdrawn first.
    /// </summary>
    public Task<OfferingVersion> EditAsync(Actor actor, string vendorId, string offeringId, string descriptorText, string fileName = "angebot.yaml",
        CancellationToken ct = default) =>
        _uow.RunAsync(async s =>
        {
            var head = await OwnHeadAsync(s, vendorId, offeringId);
            if (head.Lifecycle == OfferingLifecycles.Retired) throw ConformanceException.Conflict("offering.retired", "Ein zurückgezogenes Angebot wird nicht mehr geändert.");
            var d = await _validator.ValidateAsync(s.Connection, s.Transaction, descriptorText, fileName, vendorId, offeringId);
            var latest = (await s.VersionsAsync(offeringId))[0];
            switch (latest.State)
            {
                case VersionStates.Draft or VersionStates.Rejected:
                    var edited = latest with
                    {
                        State = VersionStates.Draft, Descriptor = d, ContentHash = ConformanceStore.Hash(d), SubmittedAt = null, DecidedAt = null,
                        DecidedBy = null, DecisionReason = null,
                    };
                    await s.UpdateVersionAsync(latest, edited);
                    await s.AuditAsync(actor, "offering.draft-updated", "offering", offeringId, Summary(latest),
                        Summary(edited) with { Changes = VersionDiff.Between(latest.Descriptor, d).Select(c => c.Path).ToList() });
                    return edited;
                case VersionStates.Published or VersionStates.Superseded:
                    var next = new OfferingVersion(offeringId, head.LatestVersion + 1, vendorId, VersionStates.Draft, VersionOrigins.Vendor, d,
                        ConformanceStore.Hash(d), s.Now, actor.UserId, null, null, null, null, null);
                    await s.UpdateHeadAsync(head, head with { LatestVersion = next.Version, UpdatedAt = s.Now });
                    await s.InsertVersionAsync(next);
                    await s.AuditAsync(actor, "offering.version-created", "offering", offeringId, Summary(latest),
                        Summary(next) with { Changes = VersionDiff.Between(latest.Descriptor, d).Select(c => c.Path).ToList() });
                    return next;
                default:
                    throw ConformanceException.Conflict("version.in-review", $"Version {latest.Version} ist in Prüfung ({latest.State}); ziehen Sie sie zuerst zurück.",
                        latest.Version, latest.State);
            }
        }, ct);

    /// <summary>Changes the core fields of the newest version (see <see cref="EditAsync"/> for which version that changes).</summary>
    public async Task<OfferingVersion> EditFieldsAsync(Actor actor, string vendorId, string offeringId, DraftFields fields, CancellationToken ct = default)
    {
        var newest = (await GetAsync(vendorId, offeringId, ct)).Versions[0];
        return await EditAsync(actor, vendorId, offeringId, fields.ApplyTo(newest.Descriptor), "angebot.json", ct);
    }

    /// <summary>Submits a draft for review. The automated checks, live ones included, run first; auditors see their results.</summary>
    public async Task<OfferingVersion> SubmitAsync(Actor actor, string vendorId, string offeringId, int version, CancellationToken ct = default)
    {
        var draft = await _uow.ReadAsync(async s =>
        {
            await OwnHeadAsync(s, vendorId, offeringId);
            return await VersionInStateAsync(s, offeringId, version, VersionStates.Draft);
        }, ct);
        var standards = await _uow.ReadAsync(s => s.StandardsAsync(), ct);
        // The vendor's systems are called outside any transaction: a slow broker must not hold database locks.
        var results = await _checks.RunAsync(draft.Descriptor, standards, live: true, ct);
        return await _uow.RunAsync(async s =>
        {
            var current = await VersionInStateAsync(s, offeringId, version, VersionStates.Draft);
            if (current.ContentHash != draft.ContentHash) throw ConformanceException.Conflict("version.changed-in-review", "Die Version wurde während der Prüfung geändert; bitte erneut einreichen.");
            var submitted = current with { State = VersionStates.Submitted, SubmittedAt = s.Now };
            await s.UpdateVersionAsync(current, submitted);
            await s.SaveChecksAsync(offeringId, version, results);
            await s.RecomputeAsync(offeringId, await s.StandardsAsync(), actor);
            await s.AuditAsync(actor, "offering.submitted", "offering", offeringId, Summary(current),
                Summary(submitted) with { Checks = results.Select(r => $"{r.StandardId}/{r.CriterionId}: {r.Outcome}").ToList() });
            return submitted;
        }, ct);
    }

    /// <summary>Takes a submitted or approved version back to draft.</summary>
    public Task<OfferingVersion> WithdrawAsync(Actor actor, string vendorId, string offeringId, int version, CancellationToken ct = default) =>
        _uow.RunAsync(async s =>
        {
            await OwnHeadAsync(s, vendorId, offeringId);
            var current = await VersionInStateAsync(s, offeringId, version, VersionStates.Submitted, VersionStates.Approved);
            var draft = current with { State = VersionStates.Draft, SubmittedAt = null, DecidedAt = null, DecidedBy = null, DecisionReason = null };
            await s.UpdateVersionAsync(current, draft);
            await s.AuditAsync(actor, "offering.withdrawn", "offering", offeringId, Summary(current), Summary(draft));
            return draft;
        }, ct);

    /// <summary>An auditor's decision on a submitted version; the reason is required either way and the vendor is told.</summary>
    internal Task<OfferingVersion> DecideAsync(Actor auditor, string offeringId, int version, bool approve, string reason, CancellationToken ct = default) =>
        _uow.RunAsync(async s =>
        {
            if (string.IsNullOrWhiteSpace(reason)) throw ConformanceException.Invalid("reason", "reason-missing", "Begründung fehlt");
            var head = await s.HeadAsync(offeringId) ?? throw ConformanceException.NotFound("offering.unknown", $"Es gibt kein Angebot „{offeringId}“.", offeringId);
            var current = await VersionInStateAsync(s, offeringId, version, VersionStates.Submitted);
            if (approve) await RefuseFailedBrokerCheckAsync(s, current);
            var decided = current with
            {
                State = approve ? VersionStates.Approved : VersionStates.Rejected, DecidedAt = s.Now, DecidedBy = auditor.UserId, DecisionReason = reason.Trim(),
            };
            await s.UpdateVersionAsync(current, decided);
            await s.AuditAsync(auditor, approve ? "offering.approved" : "offering.rejected", "offering", offeringId, Summary(current),
                Summary(decided) with { Reason = decided.DecisionReason });
            return decided;
        }, ct);

    /// <summary>
    /// Publishes an approved version: it becomes what the catalogue shows (projection rewritten in the same transaction,
    /// catalogue revision bumped) and the previously published version is superseded.
    /// </summary>
    public Task<OfferingVersion> PublishAsync(Actor actor, string vendorId, string offeringId, int version, CancellationToken ct = default) =>
        _uow.RunAsync(async s =>
        {
            var head = await OwnHeadAsync(s, vendorId, offeringId);
            if (head.Lifecycle == OfferingLifecycles.Retired) throw ConformanceException.Conflict("offering.retired-unpublished", "Ein zurückgezogenes Angebot wird nicht mehr veröffentlicht.");
            var current = await VersionInStateAsync(s, offeringId, version, VersionStates.Approved);
            await RefuseFailedBrokerCheckAsync(s, current);
            var published = current with { State = VersionStates.Published, PublishedAt = s.Now };
            await s.UpdateVersionAsync(current, published);
            if (head.PublishedVersion is { } previous) await s.SupersedeAsync(offeringId, previous);
            var newHead = head with { PublishedVersion = version, UpdatedAt = s.Now };
            await s.UpdateHeadAsync(head, newHead);
            // Projection first: the conformance rows the recomputation writes refer to the offering's catalogue row.
            await s.ProjectAsync(newHead, published, update: head.PublishedVersion is not null);
            await s.RecomputeAsync(offeringId, await s.StandardsAsync(), actor);
            await s.AuditAsync(actor, "offering.published", "offering", offeringId,
                new { publishedVersion = head.PublishedVersion }, Summary(published));
            return published;
        }, ct);

    /// <summary>Deprecates a published offering: no new orders; running subscriptions go on and their municipalities are told.</summary>
    public Task<OfferingHead> DeprecateAsync(Actor actor, string vendorId, string offeringId, CancellationToken ct = default) =>
        ChangeLifecycleAsync(actor, vendorId, offeringId, OfferingLifecycles.Deprecated, [OfferingLifecycles.Active], "offering.deprecated", ct);

    /// <summary>Retires an offering: it leaves the catalogue; its rows stay for the subscriptions and invoices that refer to it.</summary>
    public Task<OfferingHead> RetireAsync(Actor actor, string vendorId, string offeringId, CancellationToken ct = default) =>
        ChangeLifecycleAsync(actor, vendorId, offeringId, OfferingLifecycles.Retired, [OfferingLifecycles.Active, OfferingLifecycles.Deprecated], "offering.retired", ct);

    private Task<OfferingHead> ChangeLifecycleAsync(Actor actor, string vendorId, string offeringId, string to, string[] from, string action,
        CancellationToken ct) =>
        _uow.RunAsync(async s =>
        {
            var head = await OwnHeadAsync(s, vendorId, offeringId);
            if (!from.Contains(head.Lifecycle)) throw ConformanceException.Conflict("offering.lifecycle", $"Das Angebot ist „{head.Lifecycle}“; „{to}“ ist von dort nicht möglich.", head.Lifecycle, to);
            if (head.PublishedVersion is not { } published) throw ConformanceException.Conflict("offering.not-published", "Das Angebot ist noch nicht veröffentlicht.");
            var changed = head with { Lifecycle = to, UpdatedAt = s.Now };
            await s.UpdateHeadAsync(head, changed);
            await s.Projection.WritePublicationAsync(offeringId, published, to, s.Now);
            await s.Projection.BumpRevisionAsync();
            await s.AuditAsync(actor, action, "offering", offeringId, new { head.Lifecycle }, new { changed.Lifecycle });
            return changed;
        }, ct);

    /// <summary>The vendor's offering with all versions; NotFound for another vendor's.</summary>
    public Task<OfferingOverview> GetAsync(string vendorId, string offeringId, CancellationToken ct = default) =>
        _uow.ReadAsync(async s => new OfferingOverview(await OwnHeadAsync(s, vendorId, offeringId), await s.VersionsAsync(offeringId)), ct);

    /// <summary>The vendor's offering with every version and its conformance per standard, and the evidence; NotFound for another vendor's.</summary>
    public Task<OfferingStatusView> StatusViewAsync(string vendorId, string offeringId, CancellationToken ct = default) =>
        _uow.ReadAsync(async s =>
        {
            var head = await OwnHeadAsync(s, vendorId, offeringId);
            var versions = new List<VersionWithStatus>();
            foreach (var v in await s.VersionsAsync(offeringId))
                versions.Add(new VersionWithStatus(v, await s.StatusesAsync(offeringId, v.Version)) { Checks = await s.ChecksAsync(offeringId, v.Version) });
            return new OfferingStatusView(head, versions, await s.EvidenceAsync(offeringId));
        }, ct);

    /// <summary>Every offering of the vendor with its newest version and the conformance of the version that counts (published, else newest).</summary>
    public Task<IReadOnlyList<OfferingSummary>> SummariesAsync(string vendorId, CancellationToken ct = default) =>
        _uow.ReadAsync<IReadOnlyList<OfferingSummary>>(async s =>
        {
            var result = new List<OfferingSummary>();
            foreach (var head in await s.HeadsOfVendorAsync(vendorId))
            {
                var newest = (await s.VersionsAsync(head.OfferingId))[0];
                var shown = head.PublishedVersion ?? newest.Version;
                result.Add(new OfferingSummary(head, newest.Descriptor.Name, newest.Version, newest.State, shown, await s.StatusesAsync(head.OfferingId, shown)));
            }
            return result;
        }, ct);

    public Task<IReadOnlyList<OfferingHead>> ListAsync(string vendorId, CancellationToken ct = default) =>
        _uow.ReadAsync(s => s.HeadsOfVendorAsync(vendorId), ct);

    /// <summary>
    /// Whether a municipality may order the offering now, and the version it would order: the ordering module records
    /// this version on the subscription. Not orderable when deprecated, retired, unpublished or not conformant to every required standard.
    /// </summary>
    public Task<Orderability> OrderabilityAsync(string offeringId, CancellationToken ct = default) =>
        _uow.ReadAsync(async s =>
        {
            if (await s.HeadAsync(offeringId) is not { PublishedVersion: { } version } head)
                return new Orderability(offeringId, false, null, "Das Angebot ist nicht veröffentlicht.", []);
            var statuses = await s.StatusesAsync(offeringId, version);
            var orderable = ConformanceStore.Orderable(head.Lifecycle, statuses);
            var why = orderable ? "bestellbar"
                : head.Lifecycle != OfferingLifecycles.Active ? $"Das Angebot ist {(head.Lifecycle == OfferingLifecycles.Deprecated ? "abgekündigt" : "eingestellt")}."
                : "Nicht konform zu: " + string.Join(", ", statuses.Where(x => x.Required && x.Status != ConformanceStatuses.Conformant)
                    .Select(x => $"{x.StandardId} ({ConformanceStore.StatusText(x.Status)})"));
            return new Orderability(offeringId, orderable, version, why, statuses);
        }, ct);

    /// <summary>
    /// An osb offering is approved and published only when its broker check passed last time it ran: every order would
    /// otherwise fail at the broker. The refusal carries the check's reason, as the vendor and the auditor see it.
    /// </summary>
    private static async Task RefuseFailedBrokerCheckAsync(ConformanceStore s, OfferingVersion version)
    {
        if (version.Descriptor.Provisioning.Type != "osb") return;
        var broker = (await s.ChecksAsync(version.OfferingId, version.Version)).Where(c => c.StandardId == StandardsSnapshot.OpenServiceBroker).ToList();
        if (broker.Count == 0)
            throw ConformanceException.Conflict("broker-check.missing", "Die Broker-Prüfung (open-service-broker) ist für diese Version nicht gelaufen; ein osb-Angebot braucht sie.");
        if (broker.FirstOrDefault(c => c.Outcome != CheckOutcomes.Pass) is { } notPassed)
            throw ConformanceException.Conflict("broker-check.failed", $"Die Broker-Prüfung ist nicht bestanden ({notPassed.CriterionId}): {notPassed.Detail}",
                notPassed.CriterionId, notPassed.Detail);
    }

    private static async Task<OfferingHead> OwnHeadAsync(ConformanceStore s, string vendorId, string offeringId)
    {
        var head = await s.HeadAsync(offeringId);
        // Another vendor's offering is reported exactly like a missing one, so existence does not leak.
        if (head is null || head.VendorId != vendorId) throw ConformanceException.NotFound("offering.unknown", $"Es gibt kein Angebot „{offeringId}“.", offeringId);
        return head;
    }

    internal static async Task<OfferingVersion> VersionInStateAsync(ConformanceStore s, string offeringId, int version, params string[] states)
    {
        var v = await s.VersionAsync(offeringId, version) ?? throw ConformanceException.NotFound("version.unknown", $"Es gibt keine Version {version} von „{offeringId}“.", version, offeringId);
        if (!states.Contains(v.State))
            throw ConformanceException.Conflict("version.unexpected-state", $"Version {version} ist „{v.State}“; erwartet: {string.Join(", ", states)}.",
                version, v.State, string.Join(", ", states));
        return v;
    }

    private static VersionSummary Summary(OfferingVersion v) => new(v.Version, v.State, v.ContentHash);

    /// <summary>What the audit log records of a version: enough to identify the document, without copying it into every entry.</summary>
    private sealed record VersionSummary(int Version, string State, string ContentHash)
    {
        public IReadOnlyList<string>? Changes { get; init; }
        public IReadOnlyList<string>? Checks { get; init; }
        public string? Reason { get; init; }
    }
}

/// <summary>Whether an offering can be ordered now, which version an order records, and why not.</summary>
public sealed record Orderability(string OfferingId, bool Orderable, int? PublishedVersion, string Reason, IReadOnlyList<StandardStatus> Statuses);

/// <summary>One version with its conformance per standard and, where loaded, its automated check results (the vendor sees each reason).</summary>
public sealed record VersionWithStatus(OfferingVersion Version, IReadOnlyList<StandardStatus> Statuses)
{
    public IReadOnlyList<CheckResult> Checks { get; init; } = [];
}

/// <summary>An offering as its vendor (or an auditor) sees it: every version, newest first, with statuses, and its evidence.</summary>
public sealed record OfferingStatusView(OfferingHead Head, IReadOnlyList<VersionWithStatus> Versions, IReadOnlyList<Evidence> Evidence);

/// <summary>A line of the vendor's list: lifecycle, newest version and its state, and the conformance of the version that counts.</summary>
public sealed record OfferingSummary(OfferingHead Head, string Name, int NewestVersion, string NewestState, int StatusVersion, IReadOnlyList<StandardStatus> Statuses);
