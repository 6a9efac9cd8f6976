using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Notifications.Notifier;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;
using static Marketplace.Identity.Tests.DenialMatrix;
using static Marketplace.Identity.Tests.Notifications.NotificationTests;

namespace Marketplace.Identity.Tests.Notifications;

/// <summary>The notifier stopped part-way (host shut down after one batch) and started again: every event notified exactly once.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[Category("Slow")]
public class NotifierRestartTests(DatabaseEngine engine)
{
    [Test]
    public async Task A_notifier_restarted_mid_way_neither_loses_nor_doubles_a_notification()
    {
        var settings = new Dictionary<string, string?> { ["Instance:Role"] = "web", ["Notifications:BatchSize"] = "2" };
        var first = await IdentityHost.StartAsync(engine, settings);
        Assert.That(first.Services.GetServices<IHostedService>().OfType<NotificationWorker>(), Is.Empty, "a web instance runs no notifier");
        var database = first.Database;
        IdentityHost? second = null;
        try
        {
            await first.Services.GetRequiredService<AuditNotifier>().RunOnceAsync();
            var requests = Enumerable.Range(1, 5).Select(i => $"restart-{i}-{Unique()}").ToList();
            foreach (var id in requests)
                await first.Services.GetRequiredService<AuditTrail>().AppendAsync(new AuditEntry("user-vendor", "vendor-urkundenwerk", "feature-request.answered",
                    "feature-request", id, null, new JsonObject { ["offeringId"] = "namenserklaerung-urkundenwerk", ["status"] = "planned", ["ags"] = Koeln }));

            var batch = await first.Services.GetRequiredService<AuditNotifier>().ProcessAuditBatchAsync(2);
            Assert.That(batch.Entries, Is.EqualTo(2));
            Assert.That(batch.Notifications, Is.EqualTo(2), "Köln has one user");
            await first.StopAsync();

            second = IdentityHost.Start(database, new Dictionary<string, string?> { ["Notifications:BatchSize"] = "2" }, catalogSeeded: true);
            Assert.That(second.Services.GetServices<IHostedService>().OfType<NotificationWorker>(), Is.Not.Empty, "the default instance runs the notifier");
            var notifier = second.Services.GetRequiredService<AuditNotifier>();
            await notifier.RunOnceAsync();
            await notifier.RunOnceAsync();

            var koeln = await NotificationsOfAsync(second, KoelnAdmin);
            foreach (var id in requests)
                Assert.That(About(koeln, "feature-request.answered", id).Count(), Is.EqualTo(1), id);
            await using var c = await database.Database.OpenAsync();
            var koelnUser = await UserIdAsync(second, KoelnAdmin);
            var mails = (await c.QueryAsync<(string SourceKey, string? SentAt)>(
                "SELECT source_key AS SourceKey, sent_at AS SentAt FROM notification_outbox WHERE user_id = @koelnUser", new { koelnUser })).ToList();
            Assert.That(mails, Has.Count.EqualTo(5), "one mail per event");
            Assert.That(mails.Select(m => m.SourceKey).Distinct().Count(), Is.EqualTo(5));
            Assert.That(mails.All(m => m.SentAt is not null), Is.True, "all sent");
            Assert.That(await notifier.CursorAsync(), Is.EqualTo(await c.ExecuteScalarAsync<long>("SELECT last_seq FROM audit_head WHERE id = 1")));
        }
        finally
        {
            if (second is not null) await second.DisposeAsync();
            else await first.DisposeAsync();
        }
    }
}
