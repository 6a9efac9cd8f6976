using Marketplace.Testing;

namespace Marketplace.Browser.Tests;

/// <summary>Offering descriptors the journeys upload, in the catalog/ format.</summary>
public static class Offerings
{
    public const string Komuna = "komuna-digital";

    /// <summary>A manually provisioned Komuna offering with one metered dimension ("anmeldungen"), so its vendor can report usage.</summary>
    public static string ManualYaml(string id, string name) => TestDescriptors.ManualOffering(id, name, Komuna, metered: true);
}
