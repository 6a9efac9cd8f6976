using Marketplace.Storage;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Marketplace.ServiceDefaults;

/// <summary>
/// OpenTelemetry for ASP.NET Core, HttpClient, the database drivers and the platform's own meter. Prometheus scrapes
/// /metrics; with OTEL_EXPORTER_OTLP_ENDPOINT (or Telemetry:OtlpEndpoint) set, metrics and traces also go out by OTLP.
/// </summary>
public static class Observability
{
    public static void AddMarketplaceTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = builder.Configuration["Telemetry:OtlpEndpoint"] ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("marketplace", serviceInstanceId: Environment.MachineName))
            .WithMetrics(m =>
            {
                m.AddMeter(PlatformTelemetry.Name)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation()
                    .AddPrometheusExporter();
                if (otlp is not null) m.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
            });
        // Traces only where they go somewhere: recording a span for every request and statement that no exporter
        // takes costs measurable time under load. Without them, problem details and logs carry the request id.
        if (otlp is not null)
            telemetry.WithTracing(t => t.AddSource(PlatformTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health") && !ctx.Request.Path.StartsWithSegments("/metrics"))
                .AddHttpClientInstrumentation()
                .AddSqlClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter(o => o.Endpoint = new Uri(otlp)));
    }
}
