using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Notifications.Notifier;

/// <summary>Runs the notifier every poll interval on instances that do background work (Instance:Role worker or both).</summary>
public sealed class NotificationWorker(AuditNotifier notifier, IOptions<NotificationOptions> options, TimeProvider clock, ILogger<NotificationWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        do
        {
            try { await notifier.RunOnceAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Notifier pass failed; the next pass starts again from the stored cursor");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
