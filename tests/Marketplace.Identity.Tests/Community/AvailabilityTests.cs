using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog;
using Marketplace.Catalog.Availability;
using System.Net.Http.Json;
using Marketplace.Catalog.Search;
using Marketplace.Community;
using Marketplace.Community.Availability;
using Marketplace.Identity.Tests.Notifications;
using Marketplace.Notifications.Notifier;
using Marketplace.SampleBroker;
using Microsoft.AspNetCore.Hosting;
using Marketplace.Storage;
using Marketplace.Storage.Outbound;
using Marketplace.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Community.CommunityData;
using static Marketplace.Identity.Tests.Conformance.ConformanceData;
using static Marketplace.Identity.Tests.DenialMatrix;

namespace Marketplace.Identity.Tests.Community;

/// <summary>
/// Measured availability against the promised SLA: the prober (through the outbound policy, once per interval across
/// instances), the 30/90-day figures, the monthly breach flagged once to subscribed municipalities and auditors, and
/// the figures on the offering page, the comparison and the API. Fake time throughout: nothing waits for real.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class AvailabilityTests(DatabaseEngine engine)
{
    private const string Offering = "meldebescheinigung-komuna"; // promises 99.5 %
    private const string Competitor = "melderegisterauskunft-kdi"; // promises 99.0 %, same Leistung (10559)
    private IdentityHost _host = null!;
    private StatusServer _status = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        // A web instance runs no prober; https-only status URLs as in production (the tests give their targets explicitly).
        _host = await IdentityHost.StartAsync(engine, new Dictionary<string, string?>
        {
            ["Instance:Role"] = "web", ["Catalog:AllowHttpStatusUrls"] = "false",
        });
        _status = await StatusServer.StartAsync();
        await _host.Services.GetRequiredService<AuditNotifier>().RunOnceAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _status.DisposeAsync();
        await _host.DisposeAsync();
    }

    private static FakeTimeProvider ClockAt(string iso) => new(DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture));

    /// <summary>The options the tests run with; <paramref name="finding"/> overrides the published conformance policy (null: the policy decides).</summary>
    private static IOptions<AvailabilityOptions> Options(bool? finding = null) => Microsoft.Extensions.Options.Options.Create(new AvailabilityOptions
    {
        MaxJitter = TimeSpan.Zero, ProbeTimeout = TimeSpan.FromSeconds(10), MinimumProbesPerMonth = 100, BreachIsConformanceFinding = finding,
    });

    private AvailabilityProber Prober(TimeProvider clock, IHttpClientFactory? http = null) => new(_host.Database.Database,
        http ?? _host.Services.GetRequiredService<IHttpClientFactory>(), _host.Services.GetRequiredService<CatalogSearchService>(),
        _host.Services.GetRequiredService<StatusPages>(), clock, Options(),
        _host.Services.GetRequiredService<IOptions<CatalogOptions>>(), NullLogger<AvailabilityProber>.Instance);

    private SlaBreachEvaluation Evaluation(TimeProvider clock, bool? finding = null) => new(_host.Database.Database,
        _host.Services.GetRequiredService<AuditTrail>(), _host.Services.GetRequiredService<CatalogSearchService>(),
        _host.Services.GetRequiredService<ISlaHistory>(), _host.Services.GetRequiredService<IAvailabilityPolicy>(), clock, Options(finding),
        NullLogger<SlaBreachEvaluation>.Instance);

    private AvailabilityFigures Figures(TimeProvider clock) =>
        new(_host.Services.GetRequiredService<CommunityStore>(), _host.Services.GetRequiredService<StatusPages>(),
            _host.Services.GetRequiredService<IAvailabilityPolicy>(), Options(), clock);

    private async Task<IReadOnlyList<(string OfferingId, string ProbedAt, long Up, long? StatusCode, string? Error)>> ProbesAsync(string slotFrom)
    {
        await using var c = await _host.Database.Database.OpenAsync();
        return (await c.QueryAsync<(string, string, long, long?, string?)>(
            "SELECT offering_id, probed_at, up, status_code, error FROM availability_probes WHERE probed_at >= @slotFrom ORDER BY offering_id, probed_at",
            new { slotFrom })).ToList();
    }

    /// <summary>Replaces an offering's per-day counts with the given days (probes, up).</summary>
    private async Task DaysAsync(string offeringId, IEnumerable<(DateOnly Day, int Probes, int Up)> days)
    {
        await using var c = await _host.Database.Database.OpenAsync();
        await c.ExecuteAsync("DELETE FROM availability_days WHERE offering_id = @offeringId", new { offeringId });
        foreach (var d in days)
            await c.ExecuteAsync("INSERT INTO availability_days (offering_id, day, probes, up_probes) VALUES (@offeringId, @day, @probes, @up)",
                new { offeringId, day = d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), probes = d.Probes, up = d.Up });
    }

    private static IEnumerable<(DateOnly, int, int)> Range(DateOnly from, int count, int probes, int up) =>
        Enumerable.Range(0, count).Select(i => (from.AddDays(i), probes, up));

    [Test]
    public async Task A_round_records_up_down_redirect_and_timeout_without_waiting()
    {
        var clock = ClockAt("2031-05-04T10:02:00Z");
        var prober = Prober(clock);
        var round = await prober.RunIfDueAsync([new("probe-up", _status.Url("ok")), new("probe-down", _status.Url("down")), new("probe-redirect", _status.Url("redirect"))]);
        Assert.That(round, Is.Not.Null);
        Assert.That(round!.Slot, Is.EqualTo(new DateTimeOffset(2031, 5, 4, 10, 0, 0, TimeSpan.Zero)), "the five-minute interval's start");
        Assert.That((round.Probed, round.Up), Is.EqualTo((3, 1)));

        // The next interval: a status page that never answers counts as down once the timeout passes on the fake clock.
        clock.Advance(TimeSpan.FromMinutes(5));
        var slow = prober.RunIfDueAsync([new StatusTarget("probe-slow", _status.Url("slow"))]);
        await _status.SlowRequestArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.That((await slow)!.Up, Is.Zero);

        var probes = (await ProbesAsync("2031-05-04")).Where(p => p.OfferingId.StartsWith("probe-", StringComparison.Ordinal))
            .ToDictionary(p => p.OfferingId);
        Assert.That((probes["probe-up"].Up, probes["probe-up"].StatusCode), Is.EqualTo((1L, (long?)200)), string.Join("; ", probes.Values));
        Assert.That((probes["probe-down"].Up, probes["probe-down"].StatusCode, probes["probe-down"].Error), Is.EqualTo((0L, (long?)503, "HTTP 503")));
        Assert.That(probes["probe-redirect"].Up, Is.Zero, "a redirect is not followed");
        Assert.That(probes["probe-redirect"].Error, Does.Contain("not followed"));
        Assert.That(_status.Hits("elsewhere"), Is.Zero, "the redirect's target was never asked");
        Assert.That(probes["probe-slow"].Up, Is.Zero);
        Assert.That(probes["probe-slow"].Error, Does.StartWith("timeout"));

        await using var c = await _host.Database.Database.OpenAsync();
        var day = await c.QuerySingleAsync<(long Probes, long Up)>(
            "SELECT probes, up_probes FROM availability_days WHERE offering_id = 'probe-up' AND day = '2031-05-04'");
        Assert.That(day, Is.EqualTo((1L, 1L)), "the day's count moves with the round, in the same transaction");
    }

    [Test]
    public async Task A_status_url_on_a_loopback_address_is_refused_by_the_outbound_policy()
    {
        // The production policy (no private networks), as the host builds it for every vendor URL.
        var strict = new PolicyClients(new OutboundHttpOptions { AllowPrivateNetworks = false });
        var before = _status.Hits("ok");
        var clock = ClockAt("2031-06-01T00:00:00Z");
        await Prober(clock, strict).RunIfDueAsync([new StatusTarget("probe-private", _status.Url("ok"))]);

        var probe = (await ProbesAsync("2031-06-01")).Single(p => p.OfferingId == "probe-private");
        Assert.That(probe.Up, Is.Zero);
        Assert.That(probe.Error, Does.Contain("outbound policy"));
        Assert.That(_status.Hits("ok"), Is.EqualTo(before), "no request reached the loopback address");
    }

    [Test]
    public async Task Two_probers_on_one_database_probe_once_per_interval()
    {
        var clock = ClockAt("2031-07-01T08:01:00Z");
        var targets = new StatusTarget[] { new("probe-twice-a", _status.Url("ok")), new("probe-twice-b", _status.Url("ok")) };
        var first = Prober(clock);
        var second = Prober(clock);

        var rounds = await Task.WhenAll(first.RunIfDueAsync(targets), second.RunIfDueAsync(targets));
        Assert.That(rounds.Count(r => r is not null), Is.EqualTo(1), "exactly one instance claims the interval");
        clock.Advance(TimeSpan.FromMinutes(2)); // still the same interval
        Assert.That(await first.RunIfDueAsync(targets), Is.Null);
        Assert.That(await second.RunIfDueAsync(targets), Is.Null);
        clock.Advance(TimeSpan.FromMinutes(3)); // the next one
        var next = await Task.WhenAll(second.RunIfDueAsync(targets), first.RunIfDueAsync(targets));
        Assert.That(next.Count(r => r is not null), Is.EqualTo(1));

        var probes = (await ProbesAsync("2031-07-01")).Where(p => p.OfferingId.StartsWith("probe-twice-", StringComparison.Ordinal)).ToList();
        Assert.That(probes.Select(p => (p.OfferingId, p.ProbedAt[..16])), Is.EquivalentTo(new[]
        {
            ("probe-twice-a", "2031-07-01T08:01"), ("probe-twice-b", "2031-07-01T08:01"), ("probe-twice-a", "2031-07-01T08:06"), ("probe-twice-b", "2031-07-01T08:06"),
        }), "one probe per status URL and interval");
    }

    [Test]
    public async Task Availability_over_30_and_90_days_counts_whole_days_exactly()
    {
        var clock = ClockAt("2031-03-31T15:00:00Z");
        var today = new DateOnly(2031, 3, 31);
        await DaysAsync(Offering, Range(today.AddDays(-29), 30, 288, 287)                  // the last 30 days: 8,610 of 8,640 up
            .Concat(Range(today.AddDays(-89), 60, 288, 288))                                   // days 31 to 90: all 17,280 up
            .Concat(Range(today.AddDays(-120), 10, 288, 0)));                                  // older: outside every window

        var facts = await Figures(clock).ForOfferingAsync(Offering);
        Assert.That((facts.Last30Days.Probes, facts.Last30Days.Up), Is.EqualTo((8640L, 8610L)));
        Assert.That(facts.Last30Days.From, Is.EqualTo("2031-03-02"));
        Assert.That(facts.Last30Days.Percent, Is.EqualTo(99.65m), "8610/8640 = 99.652… %, rounded down");
        Assert.That((facts.Last90Days.Probes, facts.Last90Days.Up), Is.EqualTo((25920L, 25890L)));
        Assert.That(facts.Last90Days.Percent, Is.EqualTo(99.88m), "25890/25920 = 99.884… %");
        Assert.That(facts.PromisedPercent, Is.EqualTo(99.5m));
        Assert.That(facts.Below30, Is.False);

        await DaysAsync(Competitor, []);
        var none = await Figures(clock).ForOfferingAsync(Competitor);
        Assert.That((none.Last30Days.Percent, none.Last90Days.Percent, none.LastProbe), Is.EqualTo(((decimal?)null, (decimal?)null, (LastProbe?)null)),
            "no probes: no figure, not 0 % and not 100 %");
    }

    [Test]
    public async Task A_month_below_the_promise_is_flagged_once_to_subscribed_municipalities_and_auditors()
    {
        const string month = "2031-01";
        var first = new DateOnly(2031, 1, 1);
        // 99.0 % measured against 99.5 % promised (Offering); the competitor measures 99.2 % against its promised 99.0 %.
        await DaysAsync(Offering, Range(first, 31, 100, 99));
        await DaysAsync(Competitor, Range(first, 31, 500, 496));
        await ActiveAsync(_host, NotificationTests.Muenchen, Offering);
        await ActiveAsync(_host, NotificationTests.Muenchen, Competitor);
        var clock = ClockAt("2031-02-01T00:30:00Z");

        // The configuration overrides the published policy here: a notice, not a finding.
        var runs = await Task.WhenAll(Evaluation(clock, finding: false).RunIfDueAsync(), Evaluation(clock, finding: false).RunIfDueAsync());
        Assert.That(runs.Count(r => r is not null), Is.EqualTo(1), "one instance evaluates the month");
        Assert.That(runs.Single(r => r is not null)!.Month, Is.EqualTo(month));
        Assert.That((await Evaluation(clock, finding: false).EvaluateAsync(month)).NewBreaches, Is.Zero, "evaluating the month again flags nothing new");
        await _host.Services.GetRequiredService<AuditNotifier>().RunOnceAsync();

        var breaches = (await Figures(clock).ForOfferingAsync(Offering)).Breaches;
        Assert.That(breaches.Select(b => (b.Month, b.MeasuredPercent, b.PromisedPercent, b.Probes, b.Finding)),
            Is.EqualTo(new[] { (month, 99.00m, 99.50m, 3100L, false) }));
        Assert.That((await Figures(clock).ForOfferingAsync(Competitor)).Breaches.Where(b => b.Month == month), Is.Empty, "99.2 % keeps a 99.0 % promise");
        Assert.That(await AuditAsync(_host, SlaBreachEvaluation.Action, Offering), Has.Count.EqualTo(1));

        var muenchen = NotificationTests.About(await NotificationTests.NotificationsOfAsync(_host, MuenchenAdmin), "offering.sla-breach", Offering).ToList();
        Assert.That(muenchen, Has.Count.EqualTo(1), "told once");
        Assert.That(muenchen[0]["title"]!.GetValue<string>(), Does.Contain("Januar 2031"));
        Assert.That(muenchen[0]["body"]!.GetValue<string>(), Does.Contain("99,00 %").And.Contain("99,50 %").And.Contain("3100"));
        Assert.That(NotificationTests.About(await NotificationTests.NotificationsOfAsync(_host, KoelnAdmin), "offering.sla-breach"), Is.Empty,
            "a municipality without a subscription hears nothing");
        Assert.That(NotificationTests.About(await NotificationTests.NotificationsOfAsync(_host, Auditor), "offering.sla-breach", Offering).Count(), Is.EqualTo(1),
            "the auditors hear of it");
        Assert.That(NotificationTests.About(await NotificationTests.NotificationsOfAsync(_host, KomunaAdmin), "offering.sla-breach"), Is.Empty,
            "the notice goes to buyers and auditors");
    }

    [Test]
    public async Task Where_the_published_conformance_policy_says_so_a_breach_is_a_finding_the_auditors_see_with_month_promise_and_measurement()
    {
        // catalog/policies/conformance.yaml says so; the configuration does not override it.
        var policy = await _host.Services.GetRequiredService<IAvailabilityPolicy>().CurrentAsync();
        Assert.That(policy.BreachIsFinding, Is.True);
        Assert.That(policy.Reason, Does.Contain("zugesicherte Verfügbarkeit"));

        await DaysAsync(Competitor, Range(new DateOnly(2031, 8, 1), 31, 200, 190)); // 95 % against 99 %
        var clock = ClockAt("2031-09-02T00:00:00Z");
        var result = await Evaluation(clock).EvaluateAsync("2031-08");
        Assert.That(result.NewBreaches, Is.EqualTo(1));
        var breach = (await Figures(clock).ForOfferingAsync(Competitor)).Breaches.Single(b => b.Month == "2031-08");
        Assert.That((breach.Finding, breach.MeasuredPercent, breach.PromisedPercent, breach.PromisedVersion), Is.EqualTo((true, 95.00m, 99.00m, (int?)1)));
        await _host.Services.GetRequiredService<AuditNotifier>().RunOnceAsync();
        Assert.That(NotificationTests.About(await NotificationTests.NotificationsOfAsync(_host, Auditor), "offering.sla-breach-finding", Competitor).Count(),
            Is.EqualTo(1));

        var auditor = await _host.SignedInAsync(Auditor);
        var review = WebUtility.HtmlDecode(await auditor.GetStringAsync("/pruefung"));
        Assert.That(review, Does.Contain("Verfehlte Verfügbarkeit (SLA)"));
        Assert.That(review, Does.Contain("Nach der Konformitätsrichtlinie ist ein solcher Monat ein Konformitätsbefund: " + policy.Reason));
        var row = review[review.IndexOf($"data-breach=\"{Competitor}/2031-08\"", StringComparison.Ordinal)..];
        row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];
        Assert.That(row, Does.Contain("<td>August 2031</td>").And.Contain("<td>99 % (Version 1)</td>").And.Contain("<td>95 %</td>")
            .And.Contain("<td>6.200</td>").And.Contain("<td>Konformitätsbefund</td>"), row);
        Assert.That(WebUtility.HtmlDecode(await _host.Browser().GetStringAsync($"/angebote/{Competitor}")),
            Does.Contain("Nach der Konformitätsrichtlinie des Marktplatzes ist ein solcher Monat außerdem ein Konformitätsbefund"), "the policy is public");
        var english = WebUtility.HtmlDecode(await auditor.GetStringAsync("/pruefung?culture=en-GB"));
        Assert.That(english, Does.Contain("Missed availability (SLA)").And.Contain("Conformance finding")
            .And.Contain("Under the conformance policy such a month is a conformance finding, which the auditors settle with the vendor."));
        Assert.That(english, Does.Not.Contain(policy.Reason!), "the policy's reason is German only and stays off the English page");

        // The audit trail the row links to holds the same figures.
        var trail = WebUtility.HtmlDecode(await auditor.GetStringAsync($"/pruefung/protokoll?action={SlaBreachEvaluation.Action}&objectId={Competitor}"));
        Assert.That(trail, Does.Contain("\"month\":\"2031-08\"").And.Contain("\"promisedPercent\":\"99.00\"").And.Contain("\"measuredPercent\":\"95.00\"")
            .And.Contain("\"promisedVersion\":1").And.Contain("\"conformanceFinding\":true"));
    }

    [Test]
    public async Task A_month_is_judged_against_the_promise_of_the_version_published_then_not_the_newest()
    {
        // Version 1 promises 99.0 % from January 2031; version 2 raises it to 99.9 % on 15 March.
        var id = await PublishManualAsync("sla-history-" + Unique(), "99.0");
        await PublishNextAsync(id, 2, "99.9");
        await using (var c = await _host.Database.Database.OpenAsync())
        {
            await c.ExecuteAsync("UPDATE offering_versions SET published_at = '2031-01-01T00:00:00.0000000Z' WHERE offering_id = @id AND version = 1", new { id });
            await c.ExecuteAsync("UPDATE offering_versions SET published_at = '2031-03-15T12:00:00.0000000Z' WHERE offering_id = @id AND version = 2", new { id });
        }
        // 99.5 % measured in February, March and April.
        await DaysAsync(id, Range(new DateOnly(2031, 2, 1), 28, 200, 199).Concat(Range(new DateOnly(2031, 3, 1), 31, 200, 199))
            .Concat(Range(new DateOnly(2031, 4, 1), 30, 200, 199)));
        var clock = ClockAt("2031-05-02T00:00:00Z");
        foreach (var month in new[] { "2031-02", "2031-03", "2031-04" }) await Evaluation(clock).EvaluateAsync(month);

        var breaches = (await Figures(clock).ForOfferingAsync(id)).Breaches;
        Assert.That(breaches.Select(b => (b.Month, b.PromisedPercent, b.MeasuredPercent, b.PromisedVersion)),
            Is.EqualTo(new[] { ("2031-04", 99.90m, 99.50m, (int?)2) }),
            "February kept version 1's 99.0 %; in March both promises were in force, and 99.5 % kept the lower one");

        var page = WebUtility.HtmlDecode(await _host.Browser().GetStringAsync($"/angebote/{id}"));
        Assert.That(page, Does.Contain("April 2031: 99,5 % gemessen, 99,9 % zugesagt (Version 2)"));
    }

    [Test]
    public void The_promise_in_force_is_the_lowest_of_the_versions_published_during_the_period()
    {
        static PublishedSla V(int version, string at, decimal percent) => new(version, DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), new Marketplace.Catalog.Descriptors.SlaDescriptor(percent, 8));
        var history = new[] { V(1, "2031-01-10T00:00:00Z", 99.9m), V(2, "2031-03-15T00:00:00Z", 99.0m), V(3, "2031-05-01T00:00:00Z", 99.5m) };
        DateTimeOffset Month(int m) => new(2031, m, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.That(ISlaHistory.InForce(history, Month(2), Month(3))!.Version, Is.EqualTo(1));
        Assert.That(ISlaHistory.InForce(history, Month(3), Month(4))!.Version, Is.EqualTo(2), "lowered mid-month: the lower promise");
        Assert.That(ISlaHistory.InForce(history, Month(5), Month(6))!.Version, Is.EqualTo(3), "published at the month's first instant: only it");
        Assert.That(ISlaHistory.InForce(history, Month(4), Month(5))!.Version, Is.EqualTo(2));
        Assert.That(ISlaHistory.InForce(history, new DateTimeOffset(2030, 12, 1, 0, 0, 0, TimeSpan.Zero), Month(1))!.Version, Is.EqualTo(1),
            "measured before the first recorded publication: the first version");
        Assert.That(ISlaHistory.InForce([], Month(1), Month(2)), Is.Null);
    }

    [Test]
    public async Task Without_its_own_status_url_an_offering_is_measured_on_its_broker_connections_declared_status_page()
    {
        var vendor = await _host.SignedInAsync(KomunaAdmin);
        var connections = $"/api/v1/vendors/{KomunaVendor}/broker-connections";
        var name = "status-" + Unique();
        var withCredentials = await vendor.PostAsJsonAsync(connections, new
        {
            name, brokerUrl = "https://broker.komuna.example/osb", authKind = "basic", username = "platform", secret = "geheim-" + Unique(),
            statusUrl = "https://platform:geheim@status.komuna.example/health",
        });
        var problem = await withCredentials.Content.ReadAsStringAsync();
        Assert.That(withCredentials.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem);
        Assert.That(JsonNode.Parse(problem)!["errors"]!.AsObject().Select(e => e.Key), Has.Some.EqualTo("statusUrl"), problem);

        var created = await vendor.PostAsJsonAsync(connections, new
        {
            name, brokerUrl = "https://broker.komuna.example/osb", authKind = "basic", username = "platform", secret = "geheim-" + Unique(),
            statusUrl = _status.Url("ok").ToString(),
        });
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        Assert.That(body["statusUrl"]!.GetValue<string>(), Is.EqualTo(_status.Url("ok").ToString()));

        var published = _host.Services.GetRequiredService<CommunityStore>().Published(Offering).Descriptor;
        var viaBroker = published with
        {
            Id = "via-broker", Vendor = KomunaVendor, Sla = published.Sla with { StatusUrl = null },
            Provisioning = published.Provisioning with { BrokerUrl = null, BrokerConnection = name },
        };
        var otherConnection = viaBroker with { Id = "other-connection", Provisioning = viaBroker.Provisioning with { BrokerConnection = "gibt-es-nicht" } };
        var nothing = viaBroker with { Id = "no-status", Provisioning = viaBroker.Provisioning with { BrokerConnection = null, BrokerUrl = "https://broker.example" } };
        var sources = await _host.Services.GetRequiredService<StatusPages>().ResolveAsync([published, viaBroker, otherConnection, nothing]);
        Assert.That(sources[Offering].Kind, Is.EqualTo(StatusSource.Offering), "an offering's own status URL comes first");
        Assert.That(sources["via-broker"], Is.EqualTo(new StatusSource(StatusSource.Broker, _status.Url("ok").ToString())));
        Assert.That(sources.Keys, Has.No.Member("other-connection").And.No.Member("no-status"), "nothing declared: nothing probed");

        // The broker's status page is probed as any status page: through the outbound policy, without the connection's credentials.
        var clock = ClockAt("2031-10-07T09:00:00Z");
        var before = _status.Hits("ok");
        var round = await Prober(clock).RunIfDueAsync([new StatusTarget("via-broker", new Uri(sources["via-broker"].Url))]);
        Assert.That((round!.Probed, round.Up, _status.Hits("ok") - before), Is.EqualTo((1, 1, 1)));
        Assert.That(_status.LastAuthorization, Is.Null, "a status page is public: no credentials are sent");
    }

    [Test]
    public async Task An_offering_whose_vendor_publishes_no_status_says_so_instead_of_no_measurement_yet()
    {
        var id = await PublishManualAsync("no-status-" + Unique(), "99.5", orderable: true); // neither sla.statusUrl nor a broker connection
        var page = WebUtility.HtmlDecode(await _host.Browser().GetStringAsync($"/angebote/{id}"));
        Assert.That(page, Does.Contain("data-window=\"30\">Anbieter veröffentlicht keinen Status"));
        Assert.That(page, Does.Contain("data-window=\"90\">Anbieter veröffentlicht keinen Status"));
        Assert.That(page, Does.Not.Contain("Noch keine Messung"));
        var english = WebUtility.HtmlDecode(await _host.Browser().GetStringAsync($"/angebote/{id}?culture=en-GB"));
        Assert.That(english, Does.Contain("data-window=\"30\">Vendor publishes no status"));

        var compare = WebUtility.HtmlDecode(await _host.Browser().GetStringAsync("/leistungen/10124"));
        Assert.That(compare, Does.Contain("<td data-window=\"30\">Anbieter veröffentlicht keinen Status</td>"),
            string.Join("\n", compare.Split('\n').Where(l => l.Contains("data-window") || l.Contains(id))));
        var api = JsonNode.Parse(await _host.Browser().GetStringAsync($"/api/v1/offerings/{id}/availability"))!;
        Assert.That(api["availability"]!["statusSource"], Is.Null);
        Assert.That(api["availability"]!["statusUrlDeclared"]!.GetValue<bool>(), Is.False);
    }

    [Test]
    public async Task The_breach_notice_reaches_the_notification_pages_in_German_and_English_once_across_two_instances()
    {
        const string month = "2031-10";
        await DaysAsync(Offering, Range(new DateOnly(2031, 10, 1), 31, 100, 97)); // 97 % against 99.5 %
        await ActiveAsync(_host, NotificationTests.Muenchen, Offering);
        var clock = ClockAt("2031-11-01T00:05:00Z");

        // Two instances evaluate and notify at the same moment.
        var runs = await Task.WhenAll(Evaluation(clock).RunIfDueAsync(), Evaluation(clock).RunIfDueAsync());
        Assert.That(runs.Count(r => r is not null), Is.EqualTo(1));
        var second = ActivatorUtilities.CreateInstance<AuditNotifier>(_host.Services);
        await Task.WhenAll(_host.Services.GetRequiredService<AuditNotifier>().RunOnceAsync(), second.RunOnceAsync());
        await second.RunOnceAsync();
        Assert.That(await AuditAsync(_host, SlaBreachEvaluation.Action, Offering), Has.Count.EqualTo(
            (await Figures(clock).ForOfferingAsync(Offering)).Breaches.Count), "one audit entry per flagged month");

        foreach (var (who, kind) in new[] { (MuenchenAdmin, "offering.sla-breach-finding"), (Auditor, "offering.sla-breach-finding") })
        {
            var about = NotificationTests.About(await NotificationTests.NotificationsOfAsync(_host, who), kind, Offering)
                .Where(n => n["title"]!.GetValue<string>().Contains("Oktober 2031")).ToList();
            Assert.That(about, Has.Count.EqualTo(1), $"{who} is told once of {month}");
            var client = await _host.SignedInAsync(who);
            var german = WebUtility.HtmlDecode(await client.GetStringAsync("/benachrichtigungen"));
            Assert.That(german, Does.Contain("zugesicherte Verfügbarkeit im Oktober 2031 verfehlt (Konformitätsbefund)"), who);
            Assert.That(Occurrences(german, "im Oktober 2031 3100-mal abgefragt: Verfügbar war das Angebot zu 97,00 %, zugesichert sind 99,50 %"), Is.EqualTo(1), who);
            var english = WebUtility.HtmlDecode(await client.GetStringAsync("/benachrichtigungen?culture=en-GB"));
            Assert.That(english, Does.Contain("promised availability missed in October 2031 (conformance finding)"), who);
            Assert.That(Occurrences(english, "3100 times in October 2031: the offering was available 97.00 % of the time; 99.50 % is promised"), Is.EqualTo(1),
                who + "\n" + string.Join("\n", english.Split('\n').Where(l => l.Contains("2031"))));
        }
    }

    private static int Occurrences(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    /// <summary>Drafts, submits, approves and publishes a manually provisioned offering with the given promise; returns its id.</summary>
    private async Task<string> PublishManualAsync(string id, string availabilityPercent, bool orderable = false)
    {
        var yaml = DraftYaml(id).Replace("availabilityPercent: 99.5", "availabilityPercent: " + availabilityPercent);
        var editor = await _host.SignedInAsync(KomunaEditor);
        var created = await editor.PostAsync($"/api/v1/vendors/{KomunaVendor}/offerings", Yaml(yaml));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        // Accepted DSGVO evidence makes it orderable, so the comparison (orderable offerings only) lists it.
        foreach (var criterion in orderable ? new[] { "avv-muster", "tom", "unterauftragsverarbeiter" } : [])
        {
            var evidence = await editor.PostAsync($"/api/v1/vendors/{KomunaVendor}/offerings/{id}/evidence", EvidenceForm(criterion));
            var evidenceId = JsonNode.Parse(await evidence.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            var decided = await (await _host.SignedInAsync(Auditor)).PostAsync($"/api/v1/reviews/evidence/{evidenceId}/decision",
                JsonContent.Create(new { outcome = "pass", reason = "Unterschrieben und aktuell." }));
            Assert.That(decided.StatusCode, Is.EqualTo(HttpStatusCode.OK), await decided.Content.ReadAsStringAsync());
        }
        await DecideAndPublishAsync(id, 1);
        return id;
    }

    private async Task PublishNextAsync(string id, int version, string availabilityPercent)
    {
        var yaml = DraftYaml(id).Replace("availabilityPercent: 99.5", "availabilityPercent: " + availabilityPercent);
        var uploaded = await (await _host.SignedInAsync(KomunaEditor)).PutAsync($"/api/v1/vendors/{KomunaVendor}/offerings/{id}/draft", Yaml(yaml));
        Assert.That(uploaded.IsSuccessStatusCode, Is.True, await uploaded.Content.ReadAsStringAsync());
        await DecideAndPublishAsync(id, version);
    }

    private async Task DecideAndPublishAsync(string id, int version)
    {
        var offering = $"/api/v1/vendors/{KomunaVendor}/offerings/{id}/versions/{version}";
        foreach (var (who, url, body) in new (string, string, object?)[]
                 {
                     (KomunaEditor, offering + "/submission", null),
                     (Auditor, $"/api/v1/reviews/offerings/{id}/versions/{version}/decision", new { outcome = "pass", reason = "Zusage geprüft." }),
                     (KomunaAdmin, offering + "/publication", null),
                 })
        {
            var response = await (await _host.SignedInAsync(who)).PostAsync(url, body is null ? null : JsonContent.Create(body));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{url}: {await response.Content.ReadAsStringAsync()}");
        }
        await _host.Services.GetRequiredService<CatalogSearchService>().RefreshAsync();
    }

    [Test]
    public async Task The_offering_page_the_comparison_and_the_api_show_the_figures_next_to_the_promise()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await DaysAsync(Offering, Range(today.AddDays(-29), 30, 288, 288).Select(d => d.Item1 == today ? (d.Item1, 288, 245) : d)); // 8,597 of 8,640
        await DaysAsync(Competitor, []);
        foreach (var other in new[] { "einwohnerportal-zkd", "umzugsassistent-amtsfuchs" }) await DaysAsync(other, []);
        var browser = _host.Browser();

        var page = WebUtility.HtmlDecode(await browser.GetStringAsync($"/angebote/{Offering}"));
        Assert.That(page, Does.Contain("Gemessene Verfügbarkeit"));
        Assert.That(page, Does.Contain("99,5 % je Monat"), "the promise");
        Assert.That(page, Does.Contain("data-window=\"30\">99,5 % (8.597 von 8.640 Abfragen erfolgreich)"));
        Assert.That(page, Does.Contain("data-window=\"90\">99,5 % (8.597 von 8.640 Abfragen erfolgreich)"));
        Assert.That(page, Does.Contain("Zuverlässigkeit der Bereitstellung"), "next to the provisioning reliability");

        var unmeasured = WebUtility.HtmlDecode(await browser.GetStringAsync($"/angebote/{Competitor}"));
        Assert.That(unmeasured, Does.Contain("data-window=\"30\">Noch keine Messung"));

        var compare = WebUtility.HtmlDecode(await browser.GetStringAsync("/leistungen/10559"));
        Assert.That(compare, Does.Contain("Gemessen (30 Tage)").And.Contain("Bereitstellung erfolgreich"));
        Assert.That(compare, Does.Contain("<td data-window=\"30\">99,5 %</td>"));
        Assert.That(compare, Does.Contain("<td data-window=\"30\">noch keine Messung</td>"));

        var api = JsonNode.Parse(await browser.GetStringAsync($"/api/v1/offerings/{Offering}/availability"))!;
        Assert.That(api["availability"]!["promisedPercent"]!.GetValue<decimal>(), Is.EqualTo(99.5m));
        Assert.That(api["availability"]!["last30Days"]!["probes"]!.GetValue<long>(), Is.EqualTo(8640));
        Assert.That(api["availability"]!["last30Days"]!["percent"]!.GetValue<decimal>(), Is.EqualTo(99.5m));
        Assert.That(api["reliability"], Is.Not.Null);
        var nothing = JsonNode.Parse(await browser.GetStringAsync($"/api/v1/offerings/{Competitor}/availability"))!;
        Assert.That(nothing["availability"]!["last30Days"]!["percent"], Is.Null, "no measurement yet, said as such");
        Assert.That((await browser.GetAsync("/api/v1/offerings/gibt-es-nicht/availability")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_vendor_status_url_must_be_https_outside_development()
    {
        var vendor = await _host.SignedInAsync(KomunaAdmin);
        var id = "status-" + Unique();
        var url = $"/api/v1/vendors/{KomunaVendor}/offerings";
        var http = DraftYaml(id).Replace("  responseTimeHours: 8\n", "  responseTimeHours: 8\n  statusUrl: http://status.komuna.example/health\n");
        Assert.That(http, Is.Not.EqualTo(DraftYaml(id)));
        var refused = await vendor.PostAsync(url, Yaml(http));
        var body = await refused.Content.ReadAsStringAsync();
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(JsonNode.Parse(body)!["errors"]!.AsObject().Select(e => e.Key), Has.Some.EqualTo("/sla/statusUrl"), body);

        var accepted = await vendor.PostAsync(url, Yaml(http.Replace("http://status", "https://status")));
        Assert.That(accepted.IsSuccessStatusCode, Is.True, await accepted.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task The_demo_catalogue_starts_with_ninety_days_of_history_that_differ_between_offerings()
    {
        string[] changedHere = [Offering, Competitor, "einwohnerportal-zkd", "umzugsassistent-amtsfuchs"];
        await using var c = await _host.Database.Database.OpenAsync();
        var seeded = (await c.QueryAsync<(string OfferingId, long Days, long Probes, long Up)>(
                "SELECT offering_id, COUNT(*), SUM(probes), SUM(up_probes) FROM availability_days WHERE day < '2031-01-01' GROUP BY offering_id ORDER BY offering_id"))
            .Where(r => !changedHere.Contains(r.OfferingId)).ToList();
        Assert.That(seeded, Has.Count.GreaterThan(60), "every demo offering declares a status URL and has a history");
        Assert.That(seeded.Select(r => r.Days).Distinct(), Is.EqualTo(new[] { 90L }));
        Assert.That(seeded.Select(r => r.Up * 1000 / r.Probes).Distinct().Count(), Is.GreaterThanOrEqualTo(3), "the figures differ between offerings");

        // The history is what the sample broker's status page answered in each five-minute slot.
        var (offeringId, day) = await c.QueryFirstAsync<(string, string)>("SELECT offering_id, MIN(day) FROM availability_days WHERE offering_id = @id GROUP BY offering_id",
            new { id = seeded[0].OfferingId });
        var start = DateTimeOffset.Parse(day + "T00:00:00Z", CultureInfo.InvariantCulture);
        var expected = Enumerable.Range(0, 288).Count(i => SampleStatus.IsUp(offeringId, start + SampleStatus.Slot * i));
        Assert.That(await c.ExecuteScalarAsync<long>("SELECT up_probes FROM availability_days WHERE offering_id = @offeringId AND day = @day", new { offeringId, day }),
            Is.EqualTo(expected));
    }

    [Test]
    public async Task The_sample_brokers_status_pages_are_deterministic_and_some_are_flaky()
    {
        var ids = Directory.GetFiles(Path.Combine(RepoPaths.Catalog, "offerings"), "*.yaml").Select(Path.GetFileNameWithoutExtension).ToList();
        var flaky = ids.First(id => SampleStatus.DownPer10000(id!) >= 100)!;
        var steady = ids.First(id => SampleStatus.DownPer10000(id!) <= 10)!;
        var day = new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);
        int Down(string id) => Enumerable.Range(0, 288 * 30).Count(i => !SampleStatus.IsUp(id, day + SampleStatus.Slot * i));
        Assert.That(Down(flaky), Is.GreaterThan(Down(steady)));

        await using var broker = await SampleBrokerApp.StartAsync();
        using var client = new HttpClient { BaseAddress = broker.BaseAddress };
        foreach (var id in new[] { flaky, steady })
        {
            var before = SampleStatus.IsUp(id, DateTimeOffset.UtcNow);
            var answer = await client.GetAsync($"/status/{id}");
            // Unless the five-minute slot turned while asking, the page answers as the profile says.
            if (before == SampleStatus.IsUp(id, DateTimeOffset.UtcNow))
                Assert.That(answer.StatusCode, Is.EqualTo(before ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable), id);
        }
        var response = await client.GetAsync($"/status/{steady}");
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(steady), "a public status page, no authentication");
    }

    /// <summary>Clients under the outbound policy with the given options, as AddOutboundHttpClient builds them.</summary>
    private sealed class PolicyClients(OutboundHttpOptions options) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(OutboundHttp.Handler(options));
    }

    /// <summary>A vendor's status pages on loopback: ok (200), down (503), redirect (302 elsewhere), slow (answers only when cancelled).</summary>
    private sealed class StatusServer(WebApplication app, Uri baseAddress) : IAsyncDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _counts = new();
        /// <summary>The Authorization header of the last request (null: none was sent).</summary>
        public string? LastAuthorization { get; private set; }
        public TaskCompletionSource SlowRequestArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Uri Url(string path) => new(baseAddress, path);
        public int Hits(string path) => _counts.GetValueOrDefault(path);

        public static async Task<StatusServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            StatusServer? server = null;
            app.Use(async (ctx, next) =>
            {
                server!._counts.AddOrUpdate(ctx.Request.Path.Value!.Trim('/'), 1, (_, n) => n + 1);
                server.LastAuthorization = ctx.Request.Headers.Authorization.Count > 0 ? ctx.Request.Headers.Authorization.ToString() : null;
                await next(ctx);
            });
            app.MapGet("/ok", () => Results.Text("{\"status\":\"ok\"}", "application/json"));
            app.MapGet("/down", () => Results.StatusCode(503));
            app.MapGet("/redirect", () => Results.Redirect("/elsewhere"));
            app.MapGet("/elsewhere", () => Results.Ok());
            app.MapGet("/slow", async (HttpContext ctx) =>
            {
                server!.SlowRequestArrived.TrySetResult();
                try { await Task.Delay(Timeout.Infinite, ctx.RequestAborted); } catch (OperationCanceledException) { }
                return Results.Ok();
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server = new StatusServer(app, new Uri(address.TrimEnd('/') + "/"));
            return server;
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
