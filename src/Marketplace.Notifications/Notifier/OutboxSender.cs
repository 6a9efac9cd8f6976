using Dapper;
using Marketplace.Identity.Email;
using Marketplace.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Notifications.Notifier;

/// <summary>
/// Sends the outbox's e-mails through the marketplace's mail sender (the one invitations use). Each row is claimed for a
/// while before sending, so two workers do not send it both; a failed send is retried after the claim time, up to a limit.
/// A crash between sending and marking sent sends that one mail again: at least once, never lost.
/// </summary>
public sealed class OutboxSender(Database database, IEmailSender mail, IOptions<NotificationOptions> options, TimeProvider clock, ILogger<OutboxSender> logger)
{
    private sealed record Pending(string Id, string UserId, string Email, string Language, string Kind, string? MunicipalityAgs, string ObjectType,
        string ObjectId, string ParamsJson, string SourceKey, DateTimeOffset CreatedAt);

    public async Task<int> SendPendingAsync(CancellationToken ct = default)
    {
        var o = options.Value;
        var sent = 0;
        while (true)
        {
            List<Pending> batch;
            var now = clock.GetUtcNow();
            await using (var c = await database.OpenAsync(ct))
                batch = (await c.QueryAsync<Pending>(new CommandDefinition(NotificationSql.PendingMail(database.Dialect),
                    new { maxAttempts = o.MaxMailAttempts, now, limit = 50, offset = 0 }, cancellationToken: ct))).ToList();
            var progressed = false;
            foreach (var p in batch)
            {
                await using var c = await database.OpenAsync(ct);
                var claimed = await c.ExecuteAsync(new CommandDefinition(NotificationSql.ClaimMail,
                    new { id = p.Id, now, until = now + o.MailClaim }, cancellationToken: ct));
                if (claimed == 0) continue;
                progressed = true;
                var row = new NotificationRow(p.Id, p.UserId, "", p.Kind, p.MunicipalityAgs, p.ObjectType, p.ObjectId, p.ParamsJson, p.SourceKey, p.CreatedAt, null);
                var (subject, body) = NotificationTexts.Render(p.Kind, p.ParamsJson, p.Language == NotificationLanguages.English);
                if (NotificationTexts.Link(row) is { } link) body += "\n\n" + (o.PublicBaseUrl?.TrimEnd('/') ?? "") + link;
                try
                {
                    await mail.SendAsync(p.Email, subject, body, ct);
                    await c.ExecuteAsync(new CommandDefinition(NotificationSql.MailSent, new { id = p.Id, now = clock.GetUtcNow() }, cancellationToken: ct));
                    sent++;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Notification mail {Id} to {Email} failed; retried after {Wait}", p.Id, p.Email, o.MailClaim);
                    await c.ExecuteAsync(new CommandDefinition(NotificationSql.MailFailed,
                        new { id = p.Id, retryAt = clock.GetUtcNow() + o.MailClaim, error = e.Message }, cancellationToken: ct));
                }
            }
            if (!progressed || batch.Count < 50) return sent;
        }
    }
}
