using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Marketplace.Storage;

/// <summary>
/// The platform's own traces and metrics (one ActivitySource and one Meter, both named "Marketplace"); every
/// module records into these, and the host exports them with OpenTelemetry (OTLP when configured, Prometheus scrape).
/// </summary>
public static class PlatformTelemetry
{
    public const string Name = "Marketplace";

    public static readonly ActivitySource Activities = new(Name);
    public static readonly Meter Meter = new(Name);
}
