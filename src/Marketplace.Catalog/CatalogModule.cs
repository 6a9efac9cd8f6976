using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Import;
using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog;

/// <summary>Registers the catalogue: its services, start-up steps and health check, its public pages and its compressed answers.</summary>
public static class CatalogModule
{
    public static IServiceCollection AddCatalog(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<CatalogOptions>(configuration, CatalogOptions.Section);
        // Relative catalogue paths are relative to the content root, not to wherever the process was started.
        services.AddOptions<CatalogOptions>().PostConfigure<IServiceProvider>((o, provider) =>
        {
            if (provider.GetService<IHostEnvironment>() is not { } environment) return;
            o.Path = Path.GetFullPath(o.Path, environment.ContentRootPath);
            o.AllowHttpStatusUrls ??= !environment.IsProduction();
        });
        services.AddSingleton<CatalogRepository>();
        services.AddSingleton<CatalogImporter>();
        services.AddSingleton<MunicipalityImporter>();
        services.AddSingleton<MunicipalityDirectory>();
        services.AddSingleton<OfferingRecords>();
        services.AddSingleton<StandardRecords>();
        services.AddSingleton<PlanRecords>();
        services.AddSingleton<CatalogSearchService>();
        services.AddSingleton<SearchResponseCache>();
        services.TryAddSingleton<IOfferingRatings, NoOfferingRatings>();
        services.AddSingleton<MarkdownRenderer>();
        services.AddSingleton<CatalogViews>();
        services.AddSingleton<CatalogSeeder>();
        services.AddStartupStep<CatalogSeedStep>();
        services.AddStartupStep<CatalogIndexStep>();
        services.AddHealthChecks().AddCheck<CatalogIndexHealthCheck>("catalogue-index", tags: [StartupSteps.ReadyTag]);
        services.AddHostedService<CatalogIndexRefresher>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, Api.CatalogJsonContext.Default));
        services.AddCompressedResponses(IsPublicCatalogue);
        services.Configure<RazorPagesOptions>(o =>
        {
            // The search and an offering's page are public; the offering's other pages (ordering, rating, requests) are not.
            o.Conventions.AllowAnonymousToPage("/Angebote/Index");
            o.Conventions.AllowAnonymousToPage("/Angebote/Detail");
            o.Conventions.AllowAnonymousToFolder("/Leistungen");
        });
        return services;
    }

    /// <summary>
    /// The anonymous catalogue reads (/api/v1/offerings, /api/v1/leistungen and one item of each): public data only, so their
    /// answers may be compressed. Deeper paths (an offering's land defaults) belong to signed-in users and stay uncompressed.
    /// </summary>
    private static bool IsPublicCatalogue(HttpContext ctx) =>
        HttpMethods.IsGet(ctx.Request.Method)
        && (ctx.Request.Path.StartsWithSegments("/api/v1/offerings", out var rest) || ctx.Request.Path.StartsWithSegments("/api/v1/leistungen", out rest))
        && (!rest.HasValue || rest.Value!.LastIndexOf('/') == 0);
}

/// <summary>Imports catalog/ and, on an empty directory, the sample municipalities shipped with it.</summary>
public sealed class CatalogSeeder(CatalogImporter catalog, MunicipalityImporter municipalities, IOptions<CatalogOptions> options,
    Storage.Database database, ILogger<CatalogSeeder> logger, IEnumerable<ICatalogImportParticipant>? participants = null)
{
    /// <summary>Imports the catalogue folder; throws with every error listed when a descriptor is invalid.</summary>
    public async Task<ImportReport> ImportCatalogAsync(string? folder = null, CancellationToken ct = default)
    {
        var path = folder ?? options.Value.Path;
        var loaded = CatalogLoader.Load(path);
        if (!loaded.IsValid)
            throw new CatalogInvalidException(loaded.Errors);
        var steps = (participants ?? []).Select(p => p.Prepare(path, loaded.Snapshot!)).ToList();
        var errors = steps.SelectMany(s => s.Errors).ToList();
        if (errors.Count > 0)
            throw new CatalogInvalidException(errors);
        var report = await catalog.ImportAsync(loaded.Snapshot!, steps, ct);
        logger.LogInformation("Catalogue imported from {Path}: {Report}", path, report);
        return report;
    }

    public async Task<MunicipalityImportResult> ImportMunicipalitiesAsync(string file, CancellationToken ct = default)
    {
        var result = await municipalities.ImportAsync(GvIsysReader.ReadFile(file), ct);
        if (result.Succeeded) logger.LogInformation("Municipalities imported from {File}: {Result}", file, result);
        else logger.LogError("Municipality import of {File} failed: {Result}", file, result);
        return result;
    }

    /// <summary>Start-up seeding of the embedded default: catalogue always, sample municipalities only into an empty table.</summary>
    public async Task SeedAsync(CancellationToken ct = default)
    {
        await ImportCatalogAsync(null, ct);
        await using var c = await database.OpenAsync(ct);
        var count = await Dapper.SqlMapper.ExecuteScalarAsync<long>(c, CatalogSql.MunicipalityCount);
        if (count == 0 && File.Exists(options.Value.SampleMunicipalitiesPath))
        {
            var result = await ImportMunicipalitiesAsync(options.Value.SampleMunicipalitiesPath, ct);
            if (!result.Succeeded) throw new InvalidOperationException(result.ToString());
        }
    }
}

/// <summary>Seeds the catalogue and the sample municipalities at start-up when Catalog:SeedOnStart is set (the embedded default).</summary>
public sealed class CatalogSeedStep(CatalogSeeder seeder, IOptions<CatalogOptions> options) : IStartupStep
{
    public int Order => StartupOrder.ReferenceData;

    public Task RunAsync(CancellationToken ct) => options.Value.SeedOnStart ? seeder.SeedAsync(ct) : Task.CompletedTask;
}

/// <summary>Builds the search index before the first request, so no search waits for it or finds an empty catalogue.</summary>
public sealed class CatalogIndexStep(CatalogSearchService search) : IStartupStep
{
    public int Order => StartupOrder.Indexes;

    public Task RunAsync(CancellationToken ct) => search.RefreshAsync(ct);
}

/// <summary>Ready only once the search index is built.</summary>
public sealed class CatalogIndexHealthCheck(CatalogSearchService search) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(search.IsReady
            ? HealthCheckResult.Healthy($"catalogue revision {search.Current.Revision}, {search.Current.Count} offerings")
            : HealthCheckResult.Unhealthy("catalogue index not built"));
}

public sealed class CatalogInvalidException(IReadOnlyList<CatalogError> errors)
    : Exception($"The catalogue has {errors.Count} invalid entries; nothing was imported:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}")
{
    public IReadOnlyList<CatalogError> Errors { get; } = errors;
}
