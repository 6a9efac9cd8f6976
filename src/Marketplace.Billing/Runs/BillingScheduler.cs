using Dapper;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Stripe;
using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Billing.Runs;

/// <summary>
/// The monthly billing run in the background (Billing:Scheduler:Enabled): from the configured day of a month on, it bills the
/// previous month once, finalizes the drafts if configured, and hands pending Stripe invoices to Stripe. Safe on several
/// instances at once: runs of the same month serialise on the month's row and the second finds nothing left to do.
/// </summary>
public sealed class BillingScheduler(IServiceProvider services, BillingCalendar calendar, TimeProvider clock,
    IOptions<BillingOptions> options, ILogger<BillingScheduler> logger) : BackgroundService
{
    private static readonly Actor SchedulerActor = Actor.Named("billing-scheduler");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Scheduler;
        if (!settings.Enabled) return;
        using var timer = new PeriodicTimer(settings.CheckInterval, clock);
        do
        {
            try { await TickAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Scheduled billing failed; the next check tries again");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One check: bill the previous month if it is due and not billed yet, then finalize and push.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        var today = calendar.LocalDate(clock.GetUtcNow());
        if (today.Day < options.Value.Scheduler.DayOfMonth) return;
        var month = BillingMonth.Of(today).Previous;
        var database = services.GetRequiredService<Database>();
        long runs;
        await using (var c = await database.OpenAsync(ct))
            runs = await c.ExecuteScalarAsync<long>(new CommandDefinition(BillingSql.RunCount, new { period = month.Period }, cancellationToken: ct));
        if (runs == 0) await services.GetRequiredService<BillingRunService>().RunAsync(month, SchedulerActor, ct);
        if (options.Value.Scheduler.FinalizeAutomatically)
        {
            var problems = (await services.GetRequiredService<InvoiceService>().FinalizePeriodAsync(month, SchedulerActor, ct)).Problems;
            foreach (var p in problems) logger.LogWarning("Invoice of {Period} not finalized: {Problem}", month.Period, p.Message);
        }
        await services.GetRequiredService<StripeInvoiceSync>().PushPendingAsync(ct);
    }
}
