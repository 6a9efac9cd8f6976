using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Localization;
using Marketplace.Storage;

namespace Marketplace.ServiceDefaults;

/// <summary>
/// What the conventions need to know of the host and its modules: its languages (the first is the default), the API's
/// OAuth scope, the policy that may read /metrics and the page that shows people an error.
/// </summary>
public sealed record ServiceDefaultsSettings(IReadOnlyList<CultureInfo> Cultures, string ApiScope, string MetricsPolicy, string ErrorPage);

/// <summary>
/// The conventions every request of the host meets, whichever module answers it: telemetry, request limits, problem
/// details, request localisation, OpenAPI, security headers, forwarded headers and HTTPS, health and metrics endpoints.
/// The modules add their own endpoints, page rules and rate-limit policies.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public static void AddServiceDefaults(this WebApplicationBuilder builder, ServiceDefaultsSettings settings)
    {
        var services = builder.Services;
        services.AddSingleton(settings);
        // The API and the health endpoints are the conventions' own; modules add theirs (the token server's /connect).
        services.AddMachineFacingPaths("/api", "/health");
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

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
            ctx.ProblemDetails.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier);
        // Binding refusals of the API become problems naming the field (BadRequestProblems), not a bare 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestProblems>();
        // The modules' refusals (not found, forbidden, conflict, invalid field) become problems in one place.
        services.AddExceptionHandler<RefusalProblems>();
        // JSON nulls where the request types allow none are refused at binding, naming the field. After the modules have
        // added their source-generated contexts, so the rule covers their types too.
        services.PostConfigure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => JsonNullRules.Apply(o.SerializerOptions));
        // Timestamps answer in their stored form ("...0000000Z"), as they did while the models held the stored text.
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => o.SerializerOptions.Converters.Add(new StoredTimestamp.JsonConverter()));
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        // German text stays readable in the HTML ("ö", not "&#xF6;"); encoding still escapes what is dangerous.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        var cultures = settings.Cultures.ToList();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(cultures[0]);
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider(), new AcceptLanguageByLanguage(cultures)];
        });
        // Compressed only where a module declares its answers public (Kernel's CompressedResponses), so no secret shares a compressed
        // body with request input (BREACH). Fastest levels: on two cores the CPU is the scarce resource, and most of the gain comes early.
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
            o.AddSecuritySchemes(settings.ApiScope);
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
    }

    /// <summary>The pipeline up to authorisation, then the OpenAPI document, metrics and health; the modules map their endpoints after it.</summary>
    public static void UseServiceDefaults(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<ServiceDefaultsSettings>();
        var hosting = app.Services.GetRequiredService<HostingOptions>();
        var compressed = app.Services.GetServices<CompressedResponses>().ToList();
        var machineFacing = app.Services.GetServices<MachineFacingPaths>().ToList();
        bool IsMachineFacing(HttpContext ctx) => machineFacing.Any(m => m.Applies(ctx));
        app.UseProductionDefaults(hosting);
        app.UseSecurityHeaders();
        app.UseWhen(IsMachineFacing, api => api.UseExceptionHandler().UseStatusCodePages());
        app.UseWhen(ctx => !IsMachineFacing(ctx),
            pages => pages.UseExceptionHandler(settings.ErrorPage).UseStatusCodePagesWithReExecute(settings.ErrorPage, "?code={0}"));
        app.UseWhen(ctx => compressed.Any(c => c.Applies(ctx)), compressible => compressible.UseResponseCompression());
        app.UseStaticFiles();
        app.UseRequestLocalization();
        app.UseUntrustedInputGuard();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();

        app.UseSwagger(o => o.UseAbsoluteDiscoveryUrl());
        if (hosting.SwaggerUi == true) app.UseSwaggerUI(o => o.DocumentTitle = "Marketplace API");
        app.MapMetrics(hosting, settings.MetricsPolicy);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(StartupSteps.ReadyTag) }).AllowAnonymous();
    }
}
