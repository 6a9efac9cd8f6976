using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Community.Availability;

/// <summary>
/// Runs the prober and the monthly SLA evaluation in the host: every poll interval (on the injected clock) it looks whether
/// the current interval's round or the last month's evaluation is still unclaimed; the database decides which instance runs it.
/// </summary>
public sealed class AvailabilityService(AvailabilityProber prober, SlaBreachEvaluation evaluation, TimeProvider clock, IOptions<AvailabilityOptions> options,
    ILogger<AvailabilityService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ProbeEnabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await prober.RunIfDueAsync(stoppingToken);
                await evaluation.RunIfDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Availability probing failed; it is tried again at the next poll");
            }
            await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
        }
    }
}
