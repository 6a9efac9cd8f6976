using Marketplace.Catalog.Descriptors;
using Marketplace.Conformance.Checks;
using Marketplace.Conformance.Standards;
using Marketplace.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Marketplace.Conformance.Tests;

/// <summary>The accessibility-statement check and how live checks are left pending when the vendor's systems are not called.</summary>
public class AccessibilityCheckTests
{
    private FakeBroker _site = null!;
    private HttpClient _http = null!;
    private StandardsSnapshot _standards = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _site = await FakeBroker.StartAsync();
        _http = new HttpClient();
        var bitv = CatalogLoader.Load(RepoPaths.Catalog).Snapshot!.Standards.Single(s => s.Value.Id == "bitv-2").Value;
        _standards = new StandardsSnapshot
        {
            Standards = new Dictionary<string, StandardInfo>
            {
                ["bitv-2"] = new("bitv-2", bitv.Name, bitv.Versions.Select(v => new StandardVersionInfo("bitv-2", v.Version,
                    DateOnly.Parse(v.PublishedOn), v.GracePeriodDays,
                    v.Criteria.Select(c => new CriterionInfo(c.Id, c.Title, c.Description, c.Kind, c.Check, c.Evidence)).ToList())).ToList()),
            },
            Policy = [],
            ThemenfeldOfLeistung = new Dictionary<string, string>(),
        };
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _site.DisposeAsync();
    }

    private async Task<IReadOnlyList<CheckResult>> RunAsync(string? statementUrl, bool live)
    {
        var (offering, _) = CatalogLoader.ParseOne<OfferingDescriptor>(RepoPaths.Catalog, "offering", "x.yaml",
            TestOffering.Yaml("barrierefrei-test", "nordlicht-bauportal", _site.Url("unused")));
        // The schema asks for https; the check itself reads whatever address the descriptor holds, here one on loopback.
        offering = offering! with { AccessibilityStatementUrl = statementUrl, Standards = [new ClaimedStandard("bitv-2", "2019")] };
        var checks = new AutomatedChecks(_http, Options.Create(new ConformanceOptions()), new FakeTimeProvider(TestClock.CatalogueDate));
        return await checks.RunAsync(offering, _standards, live);
    }

    [Test]
    public async Task A_reachable_statement_passes_and_the_answer_is_recorded()
    {
        _site.Answer("erklaerung", "<h1>Erklärung zur Barrierefreiheit</h1>");
        var results = await RunAsync(_site.Url("erklaerung") + "page", live: true);
        var reachable = results.Single(r => r.CriterionId == "erklaerung-erreichbar");
        Assert.That(reachable.Outcome, Is.EqualTo(CheckOutcomes.Pass), reachable.Detail);
        Assert.That(reachable.RawEvidence, Does.Contain("→ 200 OK").And.Contain("text/html"));
        Assert.That(results.Single(r => r.CriterionId == "erklaerung-hinterlegt").Outcome, Is.EqualTo(CheckOutcomes.Pass));
        Assert.That(reachable.CheckedAt, Is.EqualTo(new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task A_missing_statement_fails_with_the_status()
    {
        _site.Answer("weg", "nicht da", status: 404);
        var reachable = (await RunAsync(_site.Url("weg") + "page", live: true)).Single(r => r.CriterionId == "erklaerung-erreichbar");
        Assert.That((reachable.Outcome, reachable.Detail), Is.EqualTo((CheckOutcomes.Fail, $"Die Erklärung ist unter {_site.Url("weg")}page nicht abrufbar: HTTP 404.")));
    }

    [Test]
    public async Task Without_an_address_both_criteria_fail_and_live_checks_stay_pending_when_not_run()
    {
        var live = await RunAsync(null, live: true);
        Assert.That(live.Select(r => (r.CriterionId, r.Outcome)), Is.EquivalentTo(new[]
        {
            ("erklaerung-hinterlegt", CheckOutcomes.Fail), ("erklaerung-erreichbar", CheckOutcomes.Fail),
        }));
        var notLive = await RunAsync(_site.Url("erklaerung") + "page", live: false);
        Assert.That(notLive.Single(r => r.CriterionId == "erklaerung-erreichbar").Outcome, Is.EqualTo(CheckOutcomes.Pending));
    }
}
