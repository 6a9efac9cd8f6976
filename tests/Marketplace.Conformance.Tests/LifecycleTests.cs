using Marketplace.Kernel;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;
using Marketplace.Conformance.Review;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Conformance.Tests;

/// <summary>The offering lifecycle: seed versions, upload, review, publish, immutability, new versions, denials, deprecate and retire.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class LifecycleTests(DatabaseEngine engine)
{
    private const string Nordlicht = "nordlicht-bauportal";
    private FakeBroker _broker = null!;
    private Harness _h = null!;

    [OneTimeSetUp]
    public async Task StartBroker() => _broker = await FakeBroker.StartAsync();

    [OneTimeTearDown]
    public async Task StopBroker() => await _broker.DisposeAsync();

    [SetUp]
    public async Task SetUp() => _h = await Harness.CreateAsync(engine);

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    private string Yaml(string id, string name = "Abfallkalender digital") => TestOffering.Yaml(id, Nordlicht, _broker.Url(id), name);

    /// <summary>The broker answers for the offering exactly as the descriptor says.</summary>
    private void BrokerAgrees(string yaml)
    {
        var (d, _) = CatalogLoader.ParseOne<OfferingDescriptor>(RepoPaths.Catalog, "offering", "x.yaml", yaml);
        _broker.Answer(d!.Id, FakeBroker.CatalogFor(d).ToJsonString());
    }

    private async Task<OfferingVersion> PublishNewAsync(string id, string? yaml = null)
    {
        yaml ??= Yaml(id);
        BrokerAgrees(yaml);
        var draft = await _h.Lifecycle.CreateAsync(Harness.Vendor, Nordlicht, yaml);
        await _h.Lifecycle.SubmitAsync(Harness.Vendor, Nordlicht, id, draft.Version);
        await _h.Review.DecideVersionAsync(Harness.Auditor, id, draft.Version, approve: true, "Beschreibung und Prüfergebnisse vollständig.");
        return await _h.Lifecycle.PublishAsync(Harness.Vendor, Nordlicht, id, draft.Version);
    }

    private async Task AttestDsgvoAsync(string offeringId)
    {
        foreach (var criterion in new[] { "avv-muster", "tom", "unterauftragsverarbeiter" })
        {
            var e = await _h.Evidence.UploadAsync(Harness.Vendor, Nordlicht, offeringId, new EvidenceUpload("dsgvo-avv", "2016/679", criterion,
                "Nordlicht Bauportal GmbH", new DateOnly(2026, 11, 1), new DateOnly(2027, 10, 31), $"{criterion}.pdf", "application/pdf", [1, 2, 3]));
            await _h.Review.DecideEvidenceAsync(Harness.Auditor, e.Id, accept: true, "Vollständig und unterschrieben.");
        }
    }

    private static async Task<ConformanceException> Refused(Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<ConformanceException>(async () => await action());
        return e!;
    }

    [Test]
    public async Task Seed_offerings_are_published_version_1_and_orderable_only_when_conformant_to_the_required_standards()
    {
        var seed = await _h.Lifecycle.GetAsync(Nordlicht, "bauantrag-online-nordlicht");
        Assert.That(seed.Versions.Select(v => (v.Version, v.State, v.Origin)), Is.EqualTo(new[] { (1, VersionStates.Published, VersionOrigins.Catalog) }));
        var orderable = await _h.Lifecycle.OrderabilityAsync("bauantrag-online-nordlicht");
        Assert.That((orderable.Orderable, orderable.PublishedVersion), Is.EqualTo((true, (int?)1)), orderable.Reason);

        // Hosted in the US without claiming Art. 28 DSGVO; an outdated XBau version; an auditor's rejection.
        Assert.That((await _h.Lifecycle.OrderabilityAsync("parkausweis-brightforms")).Reason, Is.EqualTo("Nicht konform zu: dsgvo-avv (nicht konform)"));
        Assert.That((await _h.Lifecycle.OrderabilityAsync("bauantrag-alpenstadt")).Reason, Is.EqualTo("Nicht konform zu: xbau (abgelaufen)"));
        var rejected = await _h.Lifecycle.OrderabilityAsync("tierhaltung-paragraf");
        Assert.That(rejected.Statuses.Single(s => s.StandardId == "dsgvo-avv").Reason, Does.StartWith("unterauftragsverarbeiter: Nachweis abgelehnt: Liste der Unterauftragsverarbeiter"));

        var catalogue = await _h.CatalogueAsync();
        Assert.That(catalogue.Offering("bauantrag-online-nordlicht")!.Listing.Orderable, Is.True);
        Assert.That(catalogue.Offering("parkausweis-brightforms")!.Listing.Orderable, Is.False);
        Assert.That(catalogue.Offerings.Count(o => !o.Listing.Orderable), Is.EqualTo(6), "the seed has exactly six offerings that may not be ordered");
    }

    [Test]
    public async Task A_new_offering_goes_from_upload_through_review_and_evidence_to_an_orderable_catalogue_entry()
    {
        var revision = await _h.ScalarAsync<long>("SELECT revision FROM catalog_state");
        var draft = await _h.Lifecycle.CreateAsync(Harness.Vendor, Nordlicht, Yaml("abfallkalender-neu"));
        Assert.That((draft.Version, draft.State), Is.EqualTo((1, VersionStates.Draft)));
        Assert.That((await _h.CatalogueAsync()).Offering("abfallkalender-neu"), Is.Null, "a draft is not in the catalogue");

        BrokerAgrees(Yaml("abfallkalender-neu"));
        var submitted = await _h.Lifecycle.SubmitAsync(Harness.Vendor, Nordlicht, "abfallkalender-neu", 1);
        Assert.That(submitted.State, Is.EqualTo(VersionStates.Submitted));
        var queue = await _h.Review.QueueAsync();
        Assert.That(queue.Select(i => (i.Kind, i.OfferingId)), Does.Contain((ReviewItem.OfferingVersionKind, "abfallkalender-neu")));
        var review = await _h.Review.ReviewAsync("abfallkalender-neu", 1);
        Assert.That(review.Checks.Single(c => c.CriterionId == "katalog-abrufbar").Outcome, Is.EqualTo(CheckOutcomes.Pass));
        Assert.That(review.Checks.Single(c => c.CriterionId == "katalog-abrufbar").RawEvidence, Does.Contain(TestOffering.ProPlanId));
        Assert.That(review.LastApproved, Is.Null);

        await _h.Review.DecideVersionAsync(Harness.Auditor, "abfallkalender-neu", 1, approve: true, "Alles geprüft.");
        var published = await _h.Lifecycle.PublishAsync(Harness.Vendor, Nordlicht, "abfallkalender-neu", 1);
        Assert.That(published.State, Is.EqualTo(VersionStates.Published));
        Assert.That(await _h.ScalarAsync<long>("SELECT revision FROM catalog_state"), Is.GreaterThan(revision));

        var listed = (await _h.CatalogueAsync()).Offering("abfallkalender-neu")!;
        Assert.That(listed.Listing.Version, Is.EqualTo(1));
        Assert.That(listed.Listing.Orderable, Is.False, "DSGVO-AVV evidence is still missing");
        Assert.That(listed.Listing.Conformance.Single(c => c.StandardId == "dsgvo-avv").Status, Is.EqualTo(ConformanceStatuses.Pending));

        await AttestDsgvoAsync("abfallkalender-neu");

        var orderability = await _h.Lifecycle.OrderabilityAsync("abfallkalender-neu");
        Assert.That((orderability.Orderable, orderability.PublishedVersion), Is.EqualTo((true, (int?)1)), orderability.Reason);
        var conformance = (await _h.CatalogueAsync()).Offering("abfallkalender-neu")!.Listing;
        Assert.That(conformance.Conformance.Single(c => c.StandardId == "dsgvo-avv").Status, Is.EqualTo(ConformanceStatuses.Conformant));
        Assert.That(conformance.LastCheckedAt, Is.EqualTo(_h.Clock.GetUtcNow()));

        var actions = (await _h.Audit.QueryAsync(new Audit.AuditQuery(ObjectType: "offering", ObjectId: "abfallkalender-neu"))).Select(r => r.Action).Reverse();
        Assert.That(actions, Is.EqualTo(new[] { "offering.created", "offering.submitted", "offering.approved", "offering.published", "conformance.status-changed" }));
        Assert.That(await _h.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE object_type = 'evidence' AND actor_user_id = @u", new { u = Harness.Auditor.UserId }), Is.EqualTo(3));
        Assert.That((await _h.Audit.VerifyAsync()).Intact, Is.True);
    }

    [Test]
    public async Task Editing_a_published_version_creates_the_next_draft_and_the_catalogue_keeps_the_published_one_until_it_is_replaced()
    {
        await PublishNewAsync("abfallkalender-v");
        var edited = Yaml("abfallkalender-v", "Abfallkalender digital 2").Replace("listValueCentsPerMonth: 19900", "listValueCentsPerMonth: 24900");

        var v2 = await _h.Lifecycle.EditAsync(Harness.Vendor, Nordlicht, "abfallkalender-v", edited);
        Assert.That((v2.Version, v2.State), Is.EqualTo((2, VersionStates.Draft)));
        var again = await _h.Lifecycle.EditAsync(Harness.Vendor, Nordlicht, "abfallkalender-v", edited.Replace("Abfallkalender digital 2", "Abfallkalender digital 2.1"));
        Assert.That(again.Version, Is.EqualTo(2), "the open draft is edited in place, no third version");

        var overview = await _h.Lifecycle.GetAsync(Nordlicht, "abfallkalender-v");
        Assert.That(overview.Versions.Select(v => (v.Version, v.State)), Is.EqualTo(new[] { (2, VersionStates.Draft), (1, VersionStates.Published) }));
        Assert.That(overview.Versions[1].Descriptor.Name, Is.EqualTo("Abfallkalender digital"), "the published version is unchanged");
        Assert.That((await _h.CatalogueAsync()).Offering("abfallkalender-v")!.Descriptor.Name, Is.EqualTo("Abfallkalender digital"));
        var withdrawPublished = await Refused(() => _h.Lifecycle.WithdrawAsync(Harness.Vendor, Nordlicht, "abfallkalender-v", 1));
        Assert.That(withdrawPublished.Kind, Is.EqualTo(ConformanceErrorKind.Conflict));

        BrokerAgrees(edited);
        await _h.Lifecycle.SubmitAsync(Harness.Vendor, Nordlicht, "abfallkalender-v", 2);
        var review = await _h.Review.ReviewAsync("abfallkalender-v", 2);
        Assert.That(review.LastApproved!.Version, Is.EqualTo(1));
        Assert.That(review.Changes.Select(c => c.Path), Is.EquivalentTo(new[] { "/name", "/description", "/plans/plus/standardPackage/listValueCentsPerMonth" }));
        Assert.That(review.Changes.Single(c => c.Path == "/name"), Is.EqualTo(new FieldChange("/name", "\"Abfallkalender digital\"", "\"Abfallkalender digital 2.1\"")));
        Assert.That(review.Changes.Single(c => c.Path.StartsWith("/plans")), Is.EqualTo(new FieldChange("/plans/plus/standardPackage/listValueCentsPerMonth", "19900", "24900")));

        await _h.Review.DecideVersionAsync(Harness.Auditor, "abfallkalender-v", 2, approve: true, "Preisänderung geprüft.");
        await _h.Lifecycle.PublishAsync(Harness.Vendor, Nordlicht, "abfallkalender-v", 2);

        overview = await _h.Lifecycle.GetAsync(Nordlicht, "abfallkalender-v");
        Assert.That(overview.Versions.Select(v => (v.Version, v.State)), Is.EqualTo(new[] { (2, VersionStates.Published), (1, VersionStates.Superseded) }));
        var listed = (await _h.CatalogueAsync()).Offering("abfallkalender-v")!;
        Assert.That((listed.Listing.Version, listed.Descriptor.Name), Is.EqualTo((2, "Abfallkalender digital 2.1")));
        Assert.That((await _h.Lifecycle.OrderabilityAsync("abfallkalender-v")).PublishedVersion, Is.EqualTo(2));
        Assert.That(await _h.ScalarAsync<long>("SELECT list_value_cents_per_month FROM plans WHERE offering_id = 'abfallkalender-v' AND plan_id = 'plus'"), Is.EqualTo(24900));
    }

    [Test]
    public async Task A_version_in_review_cannot_be_edited_until_it_is_withdrawn()
    {
        BrokerAgrees(Yaml("abfallkalender-w"));
        await _h.Lifecycle.CreateAsync(Harness.Vendor, Nordlicht, Yaml("abfallkalender-w"));
        await _h.Lifecycle.SubmitAsync(Harness.Vendor, Nordlicht, "abfallkalender-w", 1);

        var refused = await Refused(() => _h.Lifecycle.EditAsync(Harness.Vendor, Nordlicht, "abfallkalender-w", Yaml("abfallkalender-w", "Anders")));
        Assert.That(refused.Kind, Is.EqualTo(ConformanceErrorKind.Conflict));

        var draft = await _h.Lifecycle.WithdrawAsync(Harness.Vendor, Nordlicht, "abfallkalender-w", 1);
        Assert.That(draft.State, Is.EqualTo(VersionStates.Draft));
        Assert.That((await _h.Lifecycle.EditAsync(Harness.Vendor, Nordlicht, "abfallkalender-w", Yaml("abfallkalender-w", "Anders"))).Descriptor.Name, Is.EqualTo("Anders"));
        Assert.That((await _h.Review.QueueAsync()).Any(i => i.OfferingId == "abfallkalender-w"), Is.False);
    }

    [Test]
    public async Task A_vendor_cannot_touch_another_vendors_offering_and_sees_it_as_missing()
    {
        var other = Harness.OtherVendor;
        var attempts = new Func<Task>[]
        {
            () => _h.Lifecycle.GetAsync("havelsoft", "bauantrag-online-nordlicht"),
            () => _h.Lifecycle.EditAsync(other, "havelsoft", "bauantrag-online-nordlicht", Yaml("bauantrag-online-nordlicht")),
            () => _h.Lifecycle.SubmitAsync(other, "havelsoft", "bauantrag-online-nordlicht", 1),
            () => _h.Lifecycle.WithdrawAsync(other, "havelsoft", "bauantrag-online-nordlicht", 1),
            () => _h.Lifecycle.PublishAsync(other, "havelsoft", "bauantrag-online-nordlicht", 1),
            () => _h.Lifecycle.DeprecateAsync(other, "havelsoft", "bauantrag-online-nordlicht"),
            () => _h.Lifecycle.RetireAsync(other, "havelsoft", "bauantrag-online-nordlicht"),
            () => _h.Evidence.ListAsync("havelsoft", "bauantrag-online-nordlicht"),
            () => _h.Evidence.UploadAsync(other, "havelsoft", "bauantrag-online-nordlicht",
                new EvidenceUpload("dsgvo-avv", "2016/679", "tom", "x", new DateOnly(2026, 1, 1), new DateOnly(2027, 1, 1), "x.pdf", "application/pdf", [1])),
        };
        foreach (var attempt in attempts)
            Assert.That((await Refused(attempt)).Kind, Is.EqualTo(ConformanceErrorKind.NotFound));
        Assert.That((await Refused(() => _h.Lifecycle.CreateAsync(other, "havelsoft", Yaml("fremdes-angebot")))).Errors.Select(e => e.Field),
            Is.EqualTo(new[] { "/vendor" }), "a vendor publishes only as itself");
        Assert.That(await _h.ScalarAsync<long>("SELECT COUNT(*) FROM offering_versions WHERE offering_id = 'bauantrag-online-nordlicht'"), Is.EqualTo(1));
    }

    [Test]
    public async Task An_invalid_upload_is_refused_with_the_line_and_field_of_each_error()
    {
        var yaml = Yaml("abfallkalender-x").Replace("reifegrad: 3", "reifegrad: 9").Replace("leistungen: [\"10110\"]", "leistungen: [\"99999\"]");
        var schema = await Refused(() => _h.Lifecycle.CreateAsync(Harness.Vendor, Nordlicht, yaml, "abfall.yaml"));
        var line = yaml.Split('\n').ToList().FindIndex(l => l.StartsWith("reifegrad:")) + 1;
        Assert.That(schema.Kind, Is.EqualTo(ConformanceErrorKind.Invalid));
        Assert.That(schema.Errors.Select(e => (e.Path, e.Field, e.Line)), Is.EqualTo(new[] { ("abfall.yaml", "/reifegrad", line) }));

        var reference = await Refused(() => _h.Lifecycle.CreateAsync(Harness.Vendor, Nordlicht, yaml.Replace("reifegrad: 9", "reifegrad: 3"), "abfall.yaml"));
        var leistungenLine = yaml.Split('\n').ToList().FindIndex(l => l.StartsWith("leistungen:")) + 1;
        Assert.That(reference.Errors.Select(e => (e.Field, e.Line, e.Reason)), Is.EqualTo(new[] { ("/leistungen/0", leistungenLine, "unknown Leistung '99999'") }));

        var taken = await Refused(() => _h.Lifecycle.CreateAsync(Harness.Vendor, Nordlicht, Yaml("bauantrag-online-nordlicht")));
        Assert.That(taken.Errors.Select(e => e.Field), Is.EqualTo(new[] { "/id" }));
        Assert.That(await _h.ScalarAsync<long>("SELECT COUNT(*) FROM offering_heads WHERE offering_id = 'abfallkalender-x'"), Is.Zero);
    }

    [Test]
    public async Task Only_a_submitted_version_is_decided_and_only_with_a_reason()
    {
        await _h.Lifecycle.CreateAsync(Harness.Vendor, Nordlicht, Yaml("abfallkalender-d"));
        Assert.That((await Refused(() => _h.Review.DecideVersionAsync(Harness.Auditor, "abfallkalender-d", 1, true, "ok"))).Kind,
            Is.EqualTo(ConformanceErrorKind.Conflict));
        BrokerAgrees(Yaml("abfallkalender-d"));
        await _h.Lifecycle.SubmitAsync(Harness.Vendor, Nordlicht, "abfallkalender-d", 1);
        Assert.That((await Refused(() => _h.Review.DecideVersionAsync(Harness.Auditor, "abfallkalender-d", 1, false, " "))).Kind,
            Is.EqualTo(ConformanceErrorKind.Invalid));
        Assert.That((await Refused(() => _h.Lifecycle.PublishAsync(Harness.Vendor, Nordlicht, "abfallkalender-d", 1))).Kind,
            Is.EqualTo(ConformanceErrorKind.Conflict), "publishing needs an approval");

        var rejected = await _h.Review.DecideVersionAsync(Harness.Auditor, "abfallkalender-d", 1, false, "Die Leistungsbeschreibung fehlt.");
        Assert.That((rejected.State, rejected.DecidedBy, rejected.DecisionReason), Is.EqualTo((VersionStates.Rejected, "user-auditor", "Die Leistungsbeschreibung fehlt.")));
        var audited = (await _h.Audit.QueryAsync(new Audit.AuditQuery(ObjectId: "abfallkalender-d", Action: "offering.rejected"))).Single();
        Assert.That(audited.AfterJson, Does.Contain("Die Leistungsbeschreibung fehlt."));
        // A rejected version is edited in place and goes back to draft.
        Assert.That((await _h.Lifecycle.EditAsync(Harness.Vendor, Nordlicht, "abfallkalender-d", Yaml("abfallkalender-d", "Neu"))).State, Is.EqualTo(VersionStates.Draft));
    }

    [Test]
    public async Task Deprecating_stops_new_orders_and_retiring_takes_it_out_of_the_catalogue()
    {
        const string offering = "meldeportal-komuna";
        await _h.SubscribeAsync(offering);
        var vendor = new Actor("user-komuna", "komuna-digital");

        await _h.Lifecycle.DeprecateAsync(vendor, "komuna-digital", offering);

        var orderability = await _h.Lifecycle.OrderabilityAsync(offering);
        Assert.That((orderability.Orderable, orderability.Reason), Is.EqualTo((false, "Das Angebot ist abgekündigt.")));
        var listed = (await _h.CatalogueAsync()).Offering(offering)!;
        Assert.That((listed.Listing.Lifecycle, listed.Listing.Orderable), Is.EqualTo((OfferingLifecycles.Deprecated, false)));
        Assert.That(await _h.Audit.QueryAsync(new Audit.AuditQuery(ObjectId: offering, Action: "offering.deprecated")), Has.Count.EqualTo(1),
            "the notifications module tells the subscribers from this entry");

        await _h.Lifecycle.RetireAsync(vendor, "komuna-digital", offering);
        Assert.That((await _h.CatalogueAsync()).Offering(offering), Is.Null);
        Assert.That(await _h.ScalarAsync<long>("SELECT COUNT(*) FROM offerings WHERE id = @offering", new { offering }), Is.EqualTo(1),
            "the row stays for the subscriptions that refer to it");
        Assert.That((await Refused(() => _h.Lifecycle.EditAsync(vendor, "komuna-digital", offering, Yaml(offering)))).Kind, Is.EqualTo(ConformanceErrorKind.Conflict));
    }

    [Test]
    public async Task Rerunning_the_checks_records_the_brokers_new_answer_and_the_status_follows()
    {
        await PublishNewAsync("abfallkalender-r");
        var (d, _) = CatalogLoader.ParseOne<OfferingDescriptor>(RepoPaths.Catalog, "offering", "x.yaml", Yaml("abfallkalender-r"));
        var catalog = FakeBroker.CatalogFor(d!);
        catalog["services"]![0]!["plans"]![0]!["id"] = "00000000-0000-4000-8000-000000000000";
        _broker.Answer("abfallkalender-r", catalog.ToJsonString());

        var results = await _h.Review.RerunChecksAsync(Harness.Auditor, "abfallkalender-r", 1);

        var broker = results.Single(r => r.CriterionId == "katalog-abrufbar");
        Assert.That(broker.Outcome, Is.EqualTo(CheckOutcomes.Fail));
        Assert.That(broker.Detail, Is.EqualTo($"Tarif 'basis': Plan-ID '{TestOffering.BasicPlanId}' fehlt im Service '{TestOffering.ServiceId}'; der Broker bietet: 00000000-0000-4000-8000-000000000000, {TestOffering.ProPlanId}."));
        var review = await _h.Review.ReviewAsync("abfallkalender-r", 1);
        Assert.That(review.Checks.Single(c => c.CriterionId == "katalog-abrufbar").RawEvidence, Does.Contain("00000000-0000-4000-8000-000000000000"));
        Assert.That(review.Statuses.Single(s => s.StandardId == "open-service-broker").Status, Is.EqualTo(ConformanceStatuses.NonConformant));
        var badge = (await _h.CatalogueAsync()).Offering("abfallkalender-r")!.Listing.Conformance.Single(c => c.StandardId == "open-service-broker");
        Assert.That(badge.Status, Is.EqualTo(ConformanceStatuses.NonConformant));
        Assert.That(await _h.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'conformance.checks-rerun'"), Is.EqualTo(1));
    }

    [Test]
    public async Task The_review_queue_lists_the_longest_waiting_first()
    {
        foreach (var id in new[] { "abfallkalender-q2", "abfallkalender-q1" })
        {
            BrokerAgrees(Yaml(id));
            await _h.Lifecycle.CreateAsync(Harness.Vendor, Nordlicht, Yaml(id));
            await _h.Lifecycle.SubmitAsync(Harness.Vendor, Nordlicht, id, 1);
            _h.Clock.Advance(TimeSpan.FromMinutes(5));
        }
        var evidence = await _h.Evidence.UploadAsync(Harness.Vendor, Nordlicht, "bauantrag-online-nordlicht", new EvidenceUpload("dsgvo-avv", "2016/679", "tom",
            "Nordlicht Bauportal GmbH", new DateOnly(2026, 11, 20), new DateOnly(2027, 11, 19), "tom-2026.pdf", "application/pdf", [7, 7, 7]));

        var queue = await _h.Review.QueueAsync();

        Assert.That(queue.Select(i => i.OfferingId), Is.EqualTo(new[] { "abfallkalender-q2", "abfallkalender-q1", "bauantrag-online-nordlicht" }));
        Assert.That(queue[2].EvidenceId, Is.EqualTo(evidence.Id));
        var (stored, content) = await _h.Evidence.FileAsync(null, evidence.Id);
        Assert.That((stored.Sha256, content), Is.EqualTo((Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(new byte[] { 7, 7, 7 })), new byte[] { 7, 7, 7 })));
        Assert.That((await Refused(() => _h.Evidence.FileAsync("havelsoft", evidence.Id))).Kind, Is.EqualTo(ConformanceErrorKind.NotFound));
    }
}
