using System.Data.Common;
using Dapper;
using Marketplace.Audit;
using Marketplace.Billing.Invoices;
using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Queries;
using Marketplace.Conformance.Lifecycle;
using Marketplace.Identity.Access;
using Marketplace.Identity.Organisations;
using Marketplace.Identity.Users;
using Marketplace.Kernel;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using static Marketplace.Identity.Tests.DenialMatrix;

namespace Marketplace.Identity.Tests;

/// <summary>
/// The read interfaces owners publish for other modules' reads (notifications' recipients and facts, community's
/// subscription figures), on a copy of the seeded database with rows written straight into the owners' tables.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class PublishedReadsTests(DatabaseEngine engine)
{
    private const string Muenchen = "09162000";
    private const string Koeln = "05315000";
    private const string Offering = "namenserklaerung-urkundenwerk";
    private static readonly string At = StoredTimestamp.Format(DateTimeOffset.Parse("2031-01-15T08:00:00Z"));
    private TestDatabase _db = null!;

    /// <summary>The seeded database IdentityHost starts on (the same template), without a host: these reads need none.</summary>
    [OneTimeSetUp]
    public async Task Create() =>
        _db = await TestDatabase.FromTemplateAsync(engine, TestDatabase.TemplateKey(nameof(IdentityHost), null), async template =>
        {
            var seeding = IdentityHost.Start(template);
            await seeding.StopAsync();
            Directory.Delete(seeding.MailFolder, true);
        });

    [OneTimeTearDown]
    public async Task Drop() => await _db.DisposeAsync();

    [Test]
    public async Task Identity_names_a_municipalitys_users_with_their_roles_the_auditors_and_a_users_email()
    {
        var users = new UserDirectory();
        await using var c = await _db.Database.OpenAsync();
        var (admin, koeln, auditor) = (await UserIdAsync(c, MuenchenAdmin), await UserIdAsync(c, KoelnAdmin), await UserIdAsync(c, Auditor));

        var muenchen = await users.OfMunicipalityAsync(c, null, Muenchen);
        Assert.That(muenchen, Does.Contain(new MunicipalityUser(admin, MuenchenAdmin, Roles.BuyerAdmin)));
        Assert.That(muenchen.Select(u => u.UserId), Does.Contain(await UserIdAsync(c, MuenchenViewer)).And.Not.Contain(koeln).And.Not.Contain(auditor));
        Assert.That(muenchen.Select(u => u.UserId), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(await users.AuditorsAsync(c, null), Does.Contain(auditor).And.Not.Contain(admin));
        Assert.That(await users.EmailAsync(c, null, admin), Is.EqualTo(MuenchenAdmin));
        Assert.That(await users.EmailAsync(c, null, "no-such-user"), Is.Null);
    }

    [Test]
    public async Task Provisioning_tells_an_orders_municipality_and_offerings_who_holds_a_subscription_and_who_had_an_offering_live()
    {
        var subscriptions = new SubscriptionRecords(_db.Database);
        await using var c = await _db.Database.OpenAsync();
        var failedAgs = (await OtherMunicipalitiesAsync(c, 1))[0];
        var order = "reads-order-" + engine;
        await c.ExecuteAsync("""
            INSERT INTO orders (id, municipality_ags, idempotency_key, request_hash, kind, bundle_id, state, monthly_cost_cents, ordered_by, ordered_at)
            VALUES (@order, @Koeln, @order, 'x', 'offering', NULL, 'placed', 0, 'test', @At)
            """, new { order, Koeln, At });
        var active = await SubscribeAsync(c, Koeln, Offering, "requested", "active");
        var cancelled = await SubscribeAsync(c, Muenchen, Offering, "requested", "active", "cancelled");
        var failed = await SubscribeAsync(c, failedAgs, Offering, "requested", "failed");
        await c.ExecuteAsync("""
            INSERT INTO subscription_provisioning (subscription_id, order_id, fulfilment, instance_id, config_json) VALUES (@active, @order, 'manual', @active, '{}')
            """, new { active, order });

        Assert.That(await subscriptions.OrderMunicipalityAsync(c, null, order), Is.EqualTo(Koeln));
        Assert.That(await subscriptions.OrderMunicipalityAsync(c, null, "no-such-order"), Is.Null);
        Assert.That(await subscriptions.OfferingsOfOrderAsync(c, null, order), Is.EqualTo(new[] { Offering }));
        Assert.That(await subscriptions.HeadAsync(c, null, active), Is.EqualTo(new SubscriptionHead(active, Koeln, Offering)));
        Assert.That(await subscriptions.HeadAsync(c, null, "no-such-subscription"), Is.Null);
        var mine = new[] { active, cancelled, failed };
        var live = (await subscriptions.LiveOfOfferingAsync(c, null, Offering)).Where(s => mine.Contains(s.Id)).ToList();
        Assert.That(live, Is.EquivalentTo(new[] { new SubscriptionHead(active, Koeln, Offering), new SubscriptionHead(failed, failedAgs, Offering) }), "not cancelled");
        Assert.That(live.Select(s => s.MunicipalityAgs), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));

        Assert.That(await subscriptions.HadLiveAsync(c, null, Koeln, Offering), Is.True);
        Assert.That(await subscriptions.HadLiveAsync(c, null, Muenchen, Offering), Is.True, "cancelled after it was active");
        Assert.That(await subscriptions.HadLiveAsync(c, null, failedAgs, Offering), Is.False, "never active");

        var outcomes = (await subscriptions.ProvisioningOutcomesAsync(c, null, Offering, 1000)).Where(o => mine.Contains(o.SubscriptionId)).ToDictionary(o => o.SubscriptionId);
        Assert.That((outcomes[active].RequestedAt, outcomes[active].ActivatedAt, outcomes[active].Failed), Is.EqualTo(((DateTimeOffset?)Instant(Minute(0)), (DateTimeOffset?)Instant(Minute(1)), 0L)));
        Assert.That((outcomes[failed].ActivatedAt, outcomes[failed].Failed), Is.EqualTo(((DateTimeOffset?)null, 1L)));
    }

    [Test]
    public async Task Provisioning_counts_the_municipalities_holding_another_offering_only_from_the_minimum_on()
    {
        var subscriptions = new SubscriptionRecords(_db.Database);
        await using var c = await _db.Database.OpenAsync();
        var offerings = (await c.QueryAsync<string>("SELECT id FROM offerings WHERE id <> @Offering ORDER BY id", new { Offering })).Take(3).ToList();
        var (held, often, rarely) = (offerings[0], offerings[1], offerings[2]);
        var municipalities = await OtherMunicipalitiesAsync(c, 6);
        foreach (var ags in municipalities.Skip(3).Take(3))
        {
            await SubscribeAsync(c, ags, held, "requested", "active");
            await SubscribeAsync(c, ags, often, "requested", "active");
        }
        await SubscribeAsync(c, municipalities[3], rarely, "requested", "active");
        await SubscribeAsync(c, municipalities[4], rarely, "requested", "failed");

        var co = await subscriptions.CoSubscribedAsync(c, null, [held], minimum: 3, limit: 10);
        Assert.That(co.Select(x => (x.OfferingId, x.Municipalities)), Does.Contain((often, 3L)));
        Assert.That(co.Select(x => x.OfferingId), Does.Not.Contain(rarely).And.Not.Contain(held));
        Assert.That(await subscriptions.CoSubscribedAsync(c, null, [held], minimum: 4, limit: 10), Is.Empty);
    }

    [Test]
    public async Task Billing_summarises_an_invoice()
    {
        await using var c = await _db.Database.OpenAsync();
        var (run, invoice) = ("reads-run-" + engine, "reads-invoice-" + engine);
        await c.ExecuteAsync("""
            INSERT INTO billing_runs (id, period, started_at, completed_at, actor_user_id, invoice_count, net_cents, vat_cents, gross_cents)
            VALUES (@run, '2031-01', @At, @At, 'test', 1, 10000, 1900, 11900)
            """, new { run, At });
        await c.ExecuteAsync("""
            INSERT INTO invoices (id, number, municipality_ags, period, billing_run_id, state, currency, net_cents, vat_rate_basis_points, vat_cents,
                                  gross_cents, period_start, period_end, due_date, created_at, updated_at)
            VALUES (@invoice, 'RE-2031-0001', @Muenchen, '2031-01', @run, 'finalized', 'EUR', 10000, 1900, 1900, 11900, '2031-01-01', '2031-01-31',
                    '2031-02-14', @At, @At)
            """, new { invoice, Muenchen, run, At });

        var invoices = new InvoiceRecords();
        Assert.That(await invoices.SummaryAsync(c, null, invoice), Is.EqualTo(new InvoiceSummary(Muenchen, "RE-2031-0001", "2031-01", 11900, "2031-02-14")));
        Assert.That(await invoices.SummaryAsync(c, null, "no-such-invoice"), Is.Null);
    }

    [Test]
    public async Task Catalog_names_an_offering()
    {
        await using var c = await _db.Database.OpenAsync();
        var records = new OfferingRecords(_db.Database);
        Assert.That(await records.NameAsync(c, null, Offering), Is.Not.Empty.And.EqualTo(
            await c.ExecuteScalarAsync<string>("SELECT name FROM offerings WHERE id = @Offering", new { Offering })));
        Assert.That(await records.NameAsync(c, null, "no-such-offering"), Is.Null);
    }

    [Test]
    public async Task Catalog_names_offerings_in_one_query()
    {
        await using var c = await _db.Database.OpenAsync();
        var names = await new OfferingRecords(_db.Database).NamesAsync(c, null, [Offering, Offering, "no-such-offering"]);
        Assert.That(names, Is.EquivalentTo(new Dictionary<string, string>
        {
            [Offering] = (await c.ExecuteScalarAsync<string>("SELECT name FROM offerings WHERE id = @Offering", new { Offering }))!,
        }));
    }

    [Test]
    public async Task Catalog_gives_the_standards_registry_and_adds_a_version_once()
    {
        var records = new StandardRecords();
        await using var c = await _db.Database.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        var standards = await records.StandardsAsync(c, tx);
        Assert.That(standards.Select(x => x.Id), Is.EquivalentTo(await c.QueryAsync<string>("SELECT id FROM standards", transaction: tx)).And.Not.Empty);
        var standard = standards[0];
        var versions = await records.VersionsAsync(c, tx);
        Assert.That(versions.Where(v => v.StandardId == standard.Id), Is.Not.Empty);
        Assert.That((await records.CriteriaAsync(c, tx)).Select(r => (r.StandardId, r.Version, r.CriterionId)), Is.EqualTo(
            await c.QueryAsync<(string, string, string)>("SELECT standard_id, version, criterion_id FROM standard_criteria ORDER BY standard_id, version, position",
                transaction: tx)));
        var (ozgId, themenfeld) = await c.QuerySingleAsync<(string, string)>("SELECT ozg_id, themenfeld_id FROM leistungen ORDER BY ozg_id LIMIT 1", transaction: tx);
        Assert.That((await records.ThemenfeldOfLeistungenAsync(c, tx))[ozgId], Is.EqualTo(themenfeld));

        var added = new StandardVersionRow(standard.Id, "99.0-reads", "2031-01-01", 90);
        StandardCriterionRow[] criteria = [new(standard.Id, added.Version, "b", "B", "second", "attested", "{}"), new(standard.Id, added.Version, "a", "A", "first", "attested", "{}")];
        Assert.That(await records.AddVersionAsync(c, tx, added, criteria), Is.True);
        Assert.That(await records.AddVersionAsync(c, tx, added with { GracePeriodDays = 1 }, criteria[..1]), Is.False, "a version never changes");
        Assert.That((await records.VersionsAsync(c, tx)).Single(v => v.StandardId == standard.Id && v.Version == added.Version), Is.EqualTo(added));
        Assert.That((await records.CriteriaAsync(c, tx)).Where(r => r.Version == added.Version).Select(r => r.CriterionId), Is.EqualTo(new[] { "b", "a" }),
            "criteria keep the order given");
        await tx.RollbackAsync();
    }

    [Test]
    public async Task Catalog_prices_every_plan_with_its_extras_and_tiers()
    {
        var records = new PlanRecords();
        await using var c = await _db.Database.OpenAsync();
        var plans = await records.PlansAsync(c, null);
        var extras = await records.ExtrasAsync(c, null);
        var tiers = await records.TiersAsync(c, null);
        Assert.That(plans.Select(p => (p.OfferingId, p.PlanId, p.ListValueCentsPerMonth)), Is.EquivalentTo(
            await c.QueryAsync<(string, string, long)>("SELECT offering_id, plan_id, list_value_cents_per_month FROM plans")));
        Assert.That(extras.Select(e => (e.OfferingId, e.PlanId, e.ExtraId, e.Kind, e.PriceCents)), Is.EquivalentTo(
            await c.QueryAsync<(string, string, string, string, long?)>("SELECT offering_id, plan_id, extra_id, kind, price_cents FROM plan_extras")));
        Assert.That(extras.Select(e => e.Kind), Does.Contain("metered"));
        Assert.That(tiers.Select(t => (t.OfferingId, t.PlanId, t.ExtraId, (long)t.TierNo, t.UpTo, t.UnitPriceCents)), Is.EquivalentTo(
            await c.QueryAsync<(string, string, string, long, long?, long)>("SELECT offering_id, plan_id, extra_id, tier_no, up_to, unit_price_cents FROM plan_extra_tiers")));
        Assert.That(tiers, Is.Not.Empty);
    }

    [Test]
    public async Task Provisioning_gives_billing_the_periods_overlapping_a_month_and_the_setup_fees_due_in_it()
    {
        var subscriptions = new SubscriptionRecords(_db.Database);
        await using var c = await _db.Database.OpenAsync();
        var others = await OtherMunicipalitiesAsync(c, 12);
        var (ags, otherAgs) = (others[10], others[11]);
        var (march, april) = (await SubscribeAsync(c, ags, Offering, "active"), await SubscribeAsync(c, otherAgs, Offering, "active"));
        await BillAsync(c, "a,b",
            (march, 1, "standard", "2031-02-10T00:00:00.0000000Z", "2031-03-05T00:00:00.0000000Z"),
            (march, 2, "premium", "2031-03-05T00:00:00.0000000Z", null),
            (april, 1, "standard", "2031-04-02T00:00:00.0000000Z", null));
        await c.ExecuteAsync("""
            INSERT INTO subscription_setup_fees (subscription_id, extra_id, due_at) VALUES (@march, 'einrichtung', '2031-03-05T00:00:00.0000000Z'),
                (@april, 'einrichtung', '2031-04-02T00:00:00.0000000Z'), (@april, 'schulung', NULL)
            """, new { march, april });

        var inMarch = (await subscriptions.BilledPeriodsAsync(c, null, "2031-03-01", "2031-04-01")).Where(p => p.SubscriptionId == march || p.SubscriptionId == april);
        Assert.That(inMarch.Select(p => (p.SubscriptionId, p.MunicipalityAgs, p.OfferingId, p.Seq, p.PlanId, p.AddonIds, p.ValidFrom, p.ValidTo)), Is.EquivalentTo(new[]
        {
            (march, ags, Offering, 1, "standard", "a,b", Instant("2031-02-10T00:00:00.0000000Z"), (DateTimeOffset?)Instant("2031-03-05T00:00:00.0000000Z")),
            (march, ags, Offering, 2, "premium", "a,b", Instant("2031-03-05T00:00:00.0000000Z"), null),
        }));
        var ofOther = await subscriptions.BilledPeriodsAsync(c, null, "2031-04-01", "2031-05-01", otherAgs);
        Assert.That(ofOther.Select(p => p.MunicipalityAgs).Distinct(), Is.EqualTo(new[] { otherAgs }));
        Assert.That(ofOther.Select(p => p.SubscriptionId), Does.Contain(april));

        Assert.That((await subscriptions.SetupFeesDueAsync(c, null, "2031-03-01", "2031-04-01")).Where(f => f.SubscriptionId == march || f.SubscriptionId == april),
            Is.EqualTo(new[] { new SetupFeeDueRecord(march, ags, Offering, "standard", "einrichtung", Instant("2031-03-05T00:00:00.0000000Z")) }));
        Assert.That(await subscriptions.SetupFeesDueAsync(c, null, "2031-04-01", "2031-05-01", otherAgs),
            Is.EqualTo(new[] { new SetupFeeDueRecord(april, otherAgs, Offering, "standard", "einrichtung", Instant("2031-04-02T00:00:00.0000000Z")) }));
        Assert.That(await subscriptions.SetupFeesDueAsync(c, null, "2031-04-01", "2031-05-01", ags), Is.Empty);
    }

    [Test]
    public async Task Catalog_gives_billing_a_vendors_offerings_and_metered_dimensions_and_the_names_of_an_offerings_plans_and_extras()
    {
        await using var c = await _db.Database.OpenAsync();
        var vendor = (await c.ExecuteScalarAsync<string>("""
            SELECT o.vendor_id FROM plan_extras e JOIN offerings o ON o.id = e.offering_id WHERE e.kind = 'metered' ORDER BY e.offering_id, e.plan_id, e.extra_id LIMIT 1
            """))!;
        var records = new OfferingRecords(_db.Database);
        Assert.That(await records.OfVendorAsync(c, null, vendor), Is.EquivalentTo(
            (await c.QueryAsync<(string Id, string Name)>("SELECT id, name FROM offerings WHERE vendor_id = @vendor", new { vendor })).ToDictionary(r => r.Id, r => r.Name))
            .And.Not.Empty);
        var metered = await new PlanRecords().MeteredOfVendorAsync(c, null, vendor);
        Assert.That(metered.Select(m => (m.OfferingId, m.PlanId, m.ExtraId)), Is.EquivalentTo(await c.QueryAsync<(string, string, string)>("""
            SELECT e.offering_id, e.plan_id, e.extra_id FROM plan_extras e JOIN offerings o ON o.id = e.offering_id
            WHERE e.kind = 'metered' AND o.vendor_id = @vendor
            """, new { vendor })).And.Not.Empty, "the vendor's metered extras, not its other extras nor another vendor's");

        var names = await records.ItemNamesAsync(c, null, [Offering, Offering, "no-such-offering"]);
        Assert.That(names.Select(n => n.OfferingId).Distinct(), Is.EqualTo(new[] { Offering }));
        Assert.That(names.Where(n => n.PlanId == "").Select(n => (n.ExtraId, n.Name, n.NameEn)), Is.EqualTo(await c.QueryAsync<(string, string, string?)>(
            "SELECT '', name, name_en FROM offerings WHERE id = @Offering", new { Offering })));
        Assert.That(names.Where(n => n.PlanId != "" && n.ExtraId == "").Select(n => (n.PlanId, n.Name, n.NameEn)), Is.EquivalentTo(
            await c.QueryAsync<(string, string, string?)>("SELECT plan_id, name, name_en FROM plans WHERE offering_id = @Offering", new { Offering })).And.Not.Empty);
        Assert.That(names.Where(n => n.ExtraId != "").Select(n => (n.PlanId, n.ExtraId, n.Name, n.NameEn)), Is.EquivalentTo(
            await c.QueryAsync<(string, string, string, string?)>("SELECT plan_id, extra_id, name, name_en FROM plan_extras WHERE offering_id = @Offering", new { Offering }))
            .And.Not.Empty);
    }

    [Test]
    public async Task Catalog_gives_a_municipality_with_its_population_inside_the_callers_transaction()
    {
        var directory = new MunicipalityDirectory(_db.Database);
        var outside = await directory.GetAsync(Muenchen);
        await using var c = await _db.Database.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        await c.ExecuteAsync("UPDATE municipalities SET population = population + 1 WHERE ags = @Muenchen", new { Muenchen }, tx);
        var inside = await directory.GetAsync(c, tx, Muenchen);
        Assert.That(outside!.Population, Is.GreaterThan(0));
        Assert.That((inside!.Ags, inside.Name, inside.LandCode, inside.Population), Is.EqualTo((Muenchen, outside.Name, outside.LandCode, outside.Population + 1)));
        Assert.That(await directory.GetAsync(c, tx, "00000000"), Is.Null);
        await tx.RollbackAsync();
    }

    [Test]
    public async Task Identity_gives_a_municipalitys_organisation_inside_the_callers_transaction()
    {
        var audit = new AuditTrail(_db.Database, Options.Create(new AuditOptions()), TimeProvider.System);
        var store = new OrganisationStore(_db.Database, audit, new MunicipalityDirectory(_db.Database), new CatalogRepository(_db.Database), TimeProvider.System);
        var outside = await store.GetByAgsAsync(Muenchen);
        await using var c = await _db.Database.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        Assert.That(await store.GetByAgsAsync(c, tx, Muenchen), Is.EqualTo(outside).And.Property(nameof(Organisation.IsMunicipality)).True);
        await c.ExecuteAsync("UPDATE organisations SET billing_city = 'Im Entwurf' WHERE municipality_ags = @Muenchen", new { Muenchen }, tx);
        Assert.That((await store.GetByAgsAsync(c, tx, Muenchen))!.BillingCity, Is.EqualTo("Im Entwurf"));
        Assert.That(await store.GetByAgsAsync(c, tx, "00000000"), Is.Null);
        await tx.RollbackAsync();
    }

    [Test]
    public async Task Provisioning_gives_billing_a_vendors_subscriptions_with_their_history_and_the_history_of_given_subscriptions()
    {
        var subscriptions = new SubscriptionRecords(_db.Database);
        await using var c = await _db.Database.OpenAsync();
        var others = await OtherMunicipalitiesAsync(c, 16);
        var (ags, otherAgs) = (others[14], others[15]);
        var vendor = (await c.ExecuteScalarAsync<string>("SELECT vendor_id FROM offerings WHERE id = @Offering", new { Offering }))!;
        var foreignOffering = (await c.ExecuteScalarAsync<string>("SELECT id FROM offerings WHERE vendor_id <> @vendor ORDER BY id LIMIT 1", new { vendor }))!;
        var (booked, unbooked, foreign) =
            (await SubscribeAsync(c, ags, Offering, "active"), await SubscribeAsync(c, otherAgs, Offering, "requested"), await SubscribeAsync(c, ags, foreignOffering, "active"));
        await BillAsync(c, "a",
            (booked, 1, "standard", "2031-02-10T00:00:00.0000000Z", "2031-03-05T00:00:00.0000000Z"),
            (booked, 2, "premium", "2031-03-05T00:00:00.0000000Z", null),
            (foreign, 1, "standard", "2031-01-01T00:00:00.0000000Z", null));

        Assert.That(await subscriptions.OfVendorWithPeriodsAsync(c, null, vendor, [booked, unbooked, foreign, booked, "no-such-subscription"]), Is.EquivalentTo(new[]
        {
            new VendorSubscriptionPeriod(booked, Offering, "standard", Instant("2031-02-10T00:00:00.0000000Z"), Instant("2031-03-05T00:00:00.0000000Z")),
            new VendorSubscriptionPeriod(booked, Offering, "premium", Instant("2031-03-05T00:00:00.0000000Z"), null),
            new VendorSubscriptionPeriod(unbooked, Offering, null, null, null),
        }), "another vendor's subscription does not come back; one without history comes once without a plan");

        var history = await subscriptions.BilledPeriodsOfAsync(c, null, [booked, foreign, "no-such-subscription"]);
        Assert.That(history.Select(p => (p.SubscriptionId, p.MunicipalityAgs, p.OfferingId, p.Seq, p.PlanId, p.AddonIds, p.ValidFrom, p.ValidTo)), Is.EquivalentTo(new[]
        {
            (booked, ags, Offering, 1, "standard", "a", Instant("2031-02-10T00:00:00.0000000Z"), (DateTimeOffset?)Instant("2031-03-05T00:00:00.0000000Z")),
            (booked, ags, Offering, 2, "premium", "a", Instant("2031-03-05T00:00:00.0000000Z"), null),
            (foreign, ags, foreignOffering, 1, "standard", "a", Instant("2031-01-01T00:00:00.0000000Z"), null),
        }));

        var offeringOf = await subscriptions.OfferingsOfVendorAsync(c, null, vendor);
        Assert.That((offeringOf[booked], offeringOf[unbooked]), Is.EqualTo((Offering, Offering)));
        Assert.That(offeringOf, Does.Not.ContainKey(foreign));
        Assert.That(offeringOf.Count, Is.EqualTo(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM subscriptions WHERE vendor_id = @vendor", new { vendor })));
    }

    [Test]
    public async Task Conformance_gives_the_hosting_a_version_states()
    {
        await using var c = await _db.Database.OpenAsync();
        var id = "reads-offering-" + engine;
        var vendor = await c.ExecuteScalarAsync<string>("SELECT vendor_id FROM offerings WHERE id = @Offering", new { Offering });
        await c.ExecuteAsync("""
            INSERT INTO offering_heads (offering_id, vendor_id, lifecycle, published_version, latest_version, created_at, updated_at)
            VALUES (@id, @vendor, 'active', 1, 2, @At, @At)
            """, new { id, vendor, At });
        foreach (var (version, document) in new[] { (1, """{"hosting":{"subProcessors":[{"name":"Rechenzentrum"}],"objectionPeriodDays":30}}"""), (2, "{}") })
            await c.ExecuteAsync("""
                INSERT INTO offering_versions (offering_id, version, vendor_id, state, origin, document_json, content_hash, created_at, created_by)
                VALUES (@id, @version, @vendor, 'published', 'portal', @document, 'x', @At, 'test')
                """, new { id, version, vendor, document, At });

        var history = new SubProcessorHistory(_db.Database, TimeProvider.System);
        var hosting = await history.HostingOfVersionAsync(c, null, id, 1);
        Assert.That(hosting?["subProcessors"]?[0]?["name"]?.GetValue<string>(), Is.EqualTo("Rechenzentrum"));
        Assert.That(hosting?["objectionPeriodDays"]?.GetValue<int>(), Is.EqualTo(30));
        Assert.That(await history.HostingOfVersionAsync(c, null, id, 2), Is.Null, "a version without hosting");
        Assert.That(await history.HostingOfVersionAsync(c, null, id, 3), Is.Null, "no such version");
    }

    [Test]
    public async Task Audit_reads_the_entries_after_a_sequence_number_oldest_first_up_to_the_limit()
    {
        var audit = new AuditTrail(_db.Database, Options.Create(new AuditOptions()), TimeProvider.System);
        var written = new List<AuditRecord>();
        foreach (var n in new[] { "1", "2", "3" })
            written.Add(await audit.AppendAsync(new AuditEntry("test", null, "reads.test", "test", n, null, null)));
        await using var c = await _db.Database.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        var after = written[0].Seq - 1;
        Assert.That((await audit.AfterAsync(c, tx, after, 3)).Select(r => r.ObjectId), Is.EqualTo(new[] { "1", "2", "3" }));
        Assert.That((await audit.AfterAsync(c, tx, after, 2)).Select(r => r.ObjectId), Is.EqualTo(new[] { "1", "2" }));
        Assert.That((await audit.AfterAsync(c, tx, written[1].Seq, 5)).Select(r => r.ObjectId), Is.EqualTo(new[] { "3" }));
    }

    private static Task<string> UserIdAsync(DbConnection c, string email) =>
        c.ExecuteScalarAsync<string>("""SELECT "Id" FROM "AspNetUsers" WHERE "Email" = @email""", new { email })!;

    /// <summary>Municipalities no demo account belongs to, in a stable order.</summary>
    private static async Task<IReadOnlyList<string>> OtherMunicipalitiesAsync(DbConnection c, int count) =>
        (await c.QueryAsync<string>("SELECT ags FROM municipalities WHERE ags NOT IN (@Muenchen, @Koeln) ORDER BY ags", new { Muenchen, Koeln })).Take(count).ToList();

    private static string Minute(int n) => StoredTimestamp.Format(DateTimeOffset.Parse("2031-01-15T08:00:00Z").AddMinutes(n));

    private static DateTimeOffset Instant(string stored) => StoredTimestamp.Parse(stored);

    /// <summary>Billable history of subscriptions, every stretch with the same add-ons.</summary>
    private static async Task BillAsync(DbConnection c, string addonIds, params (string Id, int Seq, string Plan, string From, string? To)[] periods)
    {
        foreach (var (id, seq, plan, from, to) in periods)
            await c.ExecuteAsync("""
                INSERT INTO subscription_billing_periods (subscription_id, seq, plan_id, addon_ids, valid_from, valid_to)
                VALUES (@id, @seq, @plan, @addonIds, @from, @to)
                """, new { id, seq, plan, addonIds, from, to });
    }

    /// <summary>A subscription whose timeline went through <paramref name="states"/>, a minute apart (the last one is its state).</summary>
    private static async Task<string> SubscribeAsync(DbConnection c, string ags, string offeringId, params string[] states)
    {
        var id = $"reads-{ags}-{offeringId}";
        var vendor = await c.ExecuteScalarAsync<string>("SELECT vendor_id FROM offerings WHERE id = @offeringId", new { offeringId });
        await c.ExecuteAsync("""
            INSERT INTO subscriptions (id, municipality_ags, offering_id, vendor_id, plan_id, state, created_at, updated_at)
            VALUES (@id, @ags, @offeringId, @vendor, 'standard', @state, @At, @At)
            """, new { id, ags, offeringId, vendor, state = states[^1], At });
        for (var i = 0; i < states.Length; i++)
            await c.ExecuteAsync("""
                INSERT INTO subscription_events (subscription_id, seq, occurred_at, kind, from_state, to_state, actor_user_id, message)
                VALUES (@id, @seq, @at, @kind, @from, @to, 'test', NULL)
                """, new { id, seq = i + 1, at = Minute(i), kind = states[i], from = i == 0 ? null : states[i - 1], to = states[i] });
        return id;
    }
}
