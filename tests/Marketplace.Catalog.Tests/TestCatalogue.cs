using System.Text.Json.Nodes;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;

namespace Marketplace.Catalog.Tests;

/// <summary>A small hand-made catalogue for search tests, so each expectation is visible in the test itself.</summary>
public static class TestCatalogue
{
    public static readonly string[] Dictionary =
        ["wohnsitz", "meldung", "anmeldung", "ummeldung", "abmeldung", "fahrzeug", "zulassung", "kfz", "gewerbe", "müll", "abfuhr", "straße", "verkehr", "bau", "genehmigung"];

    public static OfferingDescriptor Offering(string id, string name, string vendor, string leistung, string description = "",
        int reifegrad = 3, long listValue = 10_000, string[]? laender = null, string[]? standards = null,
        bool addOn = false, bool metered = false, bool setup = false) =>
        new(id, name, name + " (en)", vendor, [leistung], $"Kurzbeschreibung {name}", description, laender ?? ["*"], reifegrad,
            (standards ?? []).Select(s => new ClaimedStandard(s, "1.0")).ToList(),
            new HostingDescriptor("DE", "RZ", null), null, new SupportDescriptor("Mo–Fr", ["e-mail"], ["de"]), new SlaDescriptor(99.5m, 4),
            [new PlanDescriptor("standard", "Standard", "Standard", null, new StandardPackageDescriptor("EfA", listValue, null),
                addOn ? [new AddOnDescriptor("a", "Modul", "Module", "month", 100)] : null,
                metered ? [new MeteredDescriptor("m", "Anträge", "Applications", "Antrag", 10, [new TierDescriptor(null, 5)])] : null,
                setup ? [new SetupFeeDescriptor("s", "Einrichtung", "Setup", 1000)] : null)],
            new JsonObject { ["type"] = "object" }, new ProvisioningDescriptor("manual", null, null, null, "per Hand"));

    public static CatalogReadModel Build(params OfferingDescriptor[] offerings) => new()
    {
        Revision = 1,
        Offerings = offerings.Select(o => new CatalogOffering(o, Vendors[o.Vendor].Name, Checked)).ToList(),
        Leistungen = new Dictionary<string, LeistungInfo>
        {
            ["10001"] = new("10001", "Wohnsitzanmeldung", "Registration of residence", "wohnen", ["umzug"], ["99115001000000"], "Anmelden."),
            ["10002"] = new("10002", "Fahrzeugzulassung", "Vehicle registration", "mobil", ["kfz", "umzug"], ["99036001000000"], "Zulassen."),
            ["10003"] = new("10003", "Gewerbeanmeldung", "Business registration", "wirtschaft", ["gewerbe"], ["99050001000000"], "Gewerbe."),
        },
        LeikaToOzg = new Dictionary<string, string> { ["99115001000000"] = "10001", ["99036001000000"] = "10002", ["99050001000000"] = "10003" },
        Themenfelder = new Dictionary<string, NamedItem>
        {
            ["wohnen"] = new("wohnen", "Bauen & Wohnen", "Housing"), ["mobil"] = new("mobil", "Mobilität & Reisen", "Mobility"),
            ["wirtschaft"] = new("wirtschaft", "Unternehmensführung", "Business"),
        },
        Lebenslagen = new Dictionary<string, (NamedItem, string)>
        {
            ["umzug"] = (new NamedItem("umzug", "Wohnen & Umzug", "Moving"), "wohnen"),
            ["kfz"] = (new NamedItem("kfz", "Kfz-Besitz", "Car"), "mobil"),
            ["gewerbe"] = (new NamedItem("gewerbe", "Unternehmensstart", "Start-up"), "wirtschaft"),
        },
        Vendors = Vendors,
        Standards = new Dictionary<string, NamedItem>
        {
            ["fit-connect"] = new("fit-connect", "FIT-Connect", "FIT-Connect"), ["bitv"] = new("bitv", "BITV 2.0", "BITV 2.0"),
        },
        Laender = [new("02", "HH", "Hamburg", "Hamburg"), new("09", "BY", "Bayern", "Bavaria"), new("11", "BE", "Berlin", "Berlin")],
        Bundles = [],
    };

    /// <summary>Published and checked conformant to a required standard: orderable, so the default search lists it.</summary>
    public static readonly OfferingListing Checked = new(1, OfferingLifecycles.Active,
        [new StandardConformance("fit-connect", "1.0", ConformanceStatuses.Conformant, true, new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero))]);

    private static readonly Dictionary<string, NamedItem> Vendors = new()
    {
        ["alpha"] = new("alpha", "Alpha Digital GmbH", "Alpha Digital GmbH"),
        ["beta"] = new("beta", "Beta Kommunal AöR", "Beta Kommunal AöR"),
    };
}
