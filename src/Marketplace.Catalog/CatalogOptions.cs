using System.ComponentModel.DataAnnotations;
namespace Marketplace.Catalog;

/// <summary>Configuration section "Catalog".</summary>
public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    /// <summary>The folder with the descriptors (catalog/ of the repo).</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "catalog";

    /// <summary>Import catalog/ and the sample municipalities at start-up (the embedded default does).</summary>
    public bool SeedOnStart { get; set; }

    /// <summary>How often an instance checks whether the catalogue changed and its search index must be rebuilt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many serialised search answers an instance keeps (0: none; every search then runs).</summary>
    [Range(0, 1_000_000)]
    public int SearchCacheEntries { get; set; } = 10_000;

    /// <summary>
    /// Accept status URLs (sla.statusUrl) over plain http: development and tests, where the sample broker answers on
    /// loopback. The web host sets it where unset: false in Production, true elsewhere; only false refuses http.
    /// </summary>
    public bool? AllowHttpStatusUrls { get; set; }

    public string SampleMunicipalitiesPath => System.IO.Path.Combine(Path, "municipalities", "gv-sample.csv");
}
