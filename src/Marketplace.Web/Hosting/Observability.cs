using Marketplace.Storage;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Marketplace.Web.Hosting;

/// <summary>
/// OpenTelemetry for ASP.NET Core, HttpClient, the database drivers and the platform's own meter. OTLP export is on
/// when OTEL_EXPORTER_OTLP_ENDPOINT (or Telemetry:OtlpEndpoint) is set; Prometheus scrapes /metrics.
/// </summary>
public static class Observability
{
    public static void AddMarketplaceTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = builder.Configuration["Telemetry:OtlpEndpoint"] ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("marketplace", serviceInstanceId: Environment.MachineName))
            .WithTracing(t =>
            {
                t.AddSource(PlatformTelemetry.Name)
                    .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health") && !ctx.Request.Path.StartsWithSegments("/metrics"))
                    .AddHttpClientInstrumentation()
                    .AddSqlClientInstrumentation()
                    .AddNpgsql();
                if (otlp is not null) t.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
            })
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
    }
}
