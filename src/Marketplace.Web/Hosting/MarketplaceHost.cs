using System.Globalization;
using System.Threading.RateLimiting;
using Marketplace.Audit;
using Marketplace.Billing;
using Marketplace.Billing.Api;
using Marketplace.Catalog;
using Marketplace.Catalog.Api;
using Marketplace.Community;
using Marketplace.Community.Api;
using Marketplace.Identity;
using Marketplace.Identity.Access;
using Marketplace.Identity.Api;
using Marketplace.Notifications;
using Marketplace.Notifications.Api;
using Marketplace.Conformance;
using Marketplace.Conformance.Api;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Api;
using Marketplace.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Localization;

namespace Marketplace.Web.Hosting;

/// <summary>How the host is composed: services of every capability module, then the HTTP pipeline.</summary>
public static class MarketplaceHost
{
    public static readonly CultureInfo[] Cultures = [new("de-DE"), new("en-GB")];

    public static void AddMarketplace(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        if (!builder.Environment.IsDevelopment())
        {
            // Structured logs in production: one JSON object per line for the log shipper.
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = builder.Configuration.GetValue<long?>("Limits:MaxRequestBodyBytes") ?? 1_048_576;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.AddServerHeader = false;
        });

        services.AddProductionDefaults(ProductionDefaults.Read(builder.Configuration, builder.Environment));
        builder.AddMarketplaceTelemetry();
        services.AddMarketplaceStorage(builder.Configuration);
        services.AddAudit(builder.Configuration);
        services.AddCatalog(builder.Configuration);
        services.AddBilling(builder.Configuration);
        services.AddMarketplaceIdentity(builder.Configuration, builder.Environment);
        services.AddConformance(builder.Configuration);
        services.AddCommunity(builder.Configuration);
        // Before the provisioning worker, so the first broker job of a development start finds the embedded broker listening.
        DevelopmentHostingLoader.Apply(builder);
        services.AddProvisioning(builder.Configuration);
        services.AddNotifications(builder.Configuration);
        // Relative catalogue paths are relative to the content root, not to wherever the process was started.
        services.PostConfigure<CatalogOptions>(o =>
        {
            o.Path = Path.GetFullPath(o.Path, builder.Environment.ContentRootPath);
            o.AllowHttpStatusUrls ??= !builder.Environment.IsProduction();
        });

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
            ctx.ProblemDetails.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier);
        // Binding refusals of the API become problems naming the field (BadRequestProblems), not a bare 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestProblems>();
        // The modules' refusals (not found, forbidden, conflict, invalid field) become problems in one place.
        services.AddExceptionHandler<RefusalProblems>();
        // JSON nulls where the request types allow none are refused at binding, naming the field.
        services.ConfigureHttpJsonOptions(o => JsonNullRules.Apply(o.SerializerOptions));
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.AddScoped<RelyingPartyFormTarget>();
        services.AddSingleton<OrderCosts>();
        // German text stays readable in the HTML ("ö", not "&#xF6;"); encoding still escapes what is dangerous.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddRazorPages(o =>
        {
            // Every page declares who may see it; the endpoint test fails on any that does not.
            var c = o.Conventions;
            foreach (var page in new[] { "/Index", "/Fehler", "/Sprache" }) c.AllowAnonymousToPage(page);
            c.AllowAnonymousToFolder("/Angebote");
            c.AllowAnonymousToFolder("/Leistungen");
            c.AuthorizeFolder("/Konto", Policies.Authenticated);
            foreach (var page in new[] { "/Konto/Anmelden", "/Konto/ZweiterFaktor", "/Konto/Einladung", "/Konto/Extern", "/Konto/KeinZugriff" })
                c.AllowAnonymousToPage(page);
            c.AddPageApplicationModelConvention("/Konto/Anmelden", m => m.EndpointMetadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute(IdentityModule.LoginRateLimit)));
            c.AddPageApplicationModelConvention("/Konto/ZweiterFaktor", m => m.EndpointMetadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute(IdentityModule.LoginRateLimit)));
            c.AuthorizeFolder("/Organisation", Policies.Authenticated);
            foreach (var page in new[] { "/Konto/Anmelden", "/Konto/ZweiterFaktor" })
                c.AddPageApplicationModelConvention(page, m => m.Filters.Add(new Microsoft.AspNetCore.Mvc.ServiceFilterAttribute(typeof(RelyingPartyFormTarget))));
        }).AddViewLocalization().AddDataAnnotationsLocalization().AddMvcOptions(o => o.Filters.Add(new NotFoundPageFilter()));
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(Cultures[0]);
            o.SupportedCultures = Cultures;
            o.SupportedUICultures = Cultures;
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        // The catalogue's answers are public and large; compressed only there, so no secret shares a compressed body with
        // request input (BREACH). Fastest levels: on two cores the CPU is the scarce resource, and most of the gain comes early.
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.MimeTypes = ["application/json"];
            o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProvider>();
            o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProvider>();
        });
        services.Configure<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        services.Configure<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new() { Title = "Marketplace API", Version = "v1",
                Description = "Marktplatz für kommunale Onlinedienste: Katalog, Bestellung, Bereitstellung, Abrechnung." });
            o.AddSecuritySchemes();
            o.OperationFilter<OpenApiFileResponses>();
        });
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // A generous per-client ceiling on the API so one misbehaving client cannot starve the others.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
                ctx.Request.Path.StartsWithSegments("/api")
                    ? RateLimitPartition.GetTokenBucketLimiter(ctx.Connection.RemoteIpAddress?.ToString() ?? "-", _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = builder.Configuration.GetValue("Limits:ApiBurst", 20_000),
                        TokensPerPeriod = builder.Configuration.GetValue("Limits:ApiPerSecond", 10_000),
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter("pages"));
        });
        if (builder.Configuration.GetValue<bool>("Bench:FixedEndpoint"))
            services.AddSingleton<BenchFixedBody>();
    }

    /// <summary>
    /// Runs the modules' start-up steps (<see cref="IStartupStep"/>: migrations, the embedded default's seed, roles and
    /// clients, the search index) before the first request is served.
    /// </summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        var database = app.Services.GetRequiredService<Database>();
        await app.Services.RunStartupStepsAsync(app.Lifetime.ApplicationStopping);

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
                app.Logger.LogInformation("Marketplace läuft auf {Address} (Datenbank: {Engine})", address, database.Engine);
        });
    }

    public static void UseMarketplace(this WebApplication app)
    {
        var hosting = app.Services.GetRequiredService<HostingOptions>();
        app.UseProductionDefaults(hosting);
        app.UseSecurityHeaders();
        app.UseWhen(IsMachineFacing, api => api.UseExceptionHandler().UseStatusCodePages());
        app.UseWhen(ctx => !IsMachineFacing(ctx),
            pages => pages.UseExceptionHandler("/Fehler").UseStatusCodePagesWithReExecute("/Fehler", "?code={0}"));
        app.UseWhen(IsPublicCatalogue, catalogue => catalogue.UseResponseCompression());
        app.UseStaticFiles();
        app.UseRequestLocalization();
        app.UseUntrustedInputGuard();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();

        app.UseSwagger(o => o.UseAbsoluteDiscoveryUrl());
        if (hosting.SwaggerUi == true) app.UseSwaggerUI(o => o.DocumentTitle = "Marketplace API");
        app.MapMetrics(hosting);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(StartupSteps.ReadyTag) }).AllowAnonymous();
        app.MapCatalogApi();
        app.MapBillingApi();
        app.MapQuoteApi();
        app.MapIdentityApi();
        app.MapProvisioningApi();
        app.MapBasketApi();
        app.MapOrderQuoteApi();
        app.MapConformanceApi();
        app.MapNotificationsApi();
        app.MapCommunityApi();
        if (app.Services.GetService<BenchFixedBody>() is { } bench)
        {
            app.MapGet("/bench/fixed", () => Results.Bytes(bench.Body, "application/json; charset=utf-8"))
                .ExcludeFromDescription().AllowAnonymous();
            // A body of the given size: one host serves the baselines of mixes whose answers differ in size.
            app.MapGet("/bench/fixed/{bytes:int:range(12,1000000)}", (int bytes) => Results.Bytes(bench.Of(bytes), "application/json; charset=utf-8"))
                .ExcludeFromDescription().AllowAnonymous();
        }
        app.MapRazorPages();
    }

    /// <summary>
    /// The anonymous catalogue reads (/api/v1/offerings, /api/v1/leistungen and one item of each): public data only, so their
    /// answers may be compressed. Deeper paths (an offering's land defaults) belong to signed-in users and stay uncompressed.
    /// </summary>
    private static bool IsPublicCatalogue(HttpContext ctx) =>
        HttpMethods.IsGet(ctx.Request.Method)
        && (ctx.Request.Path.StartsWithSegments("/api/v1/offerings", out var rest) || ctx.Request.Path.StartsWithSegments("/api/v1/leistungen", out rest))
        && (!rest.HasValue || rest.Value!.LastIndexOf('/') == 0);

    /// <summary>Paths answered to programs (JSON problem details), not to people (error pages).</summary>
    private static bool IsMachineFacing(HttpContext ctx) =>
        ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/health")
        || ctx.Request.Path.StartsWithSegments("/connect") || ctx.Request.Path.StartsWithSegments("/.well-known");
}

/// <summary>Only for benchmarks (Bench:FixedEndpoint=true): a fixed body of the size of a search answer, the baseline a search is compared with.</summary>
public sealed class BenchFixedBody(IConfiguration configuration)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte[]> _bySize = new();

    public byte[] Body { get; } = Make(configuration.GetValue("Bench:FixedBodyBytes", 8192));

    public byte[] Of(int bytes) => _bySize.GetOrAdd(bytes, Make);

    private static byte[] Make(int bytes) => System.Text.Encoding.UTF8.GetBytes("{\"fixed\":\"" + new string('x', Math.Max(0, bytes - 12)) + "\"}");
}
