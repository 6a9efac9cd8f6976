using System.Data.Common;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Search;
using Marketplace.Identity.Users;
using Marketplace.Notifications.SavedSearches;
using Marketplace.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Notifications.Notifier;

/// <summary>Configuration section "Notifications".</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";
    /// <summary>How often the worker looks for new audit entries, catalogue revisions and unsent mail.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Audit entries read and notified per transaction.</summary>
    public int BatchSize { get; set; } = 200;
    /// <summary>How long a sender holds an outbox row before another may retry it, and the wait after a failed attempt.</summary>
    public TimeSpan MailClaim { get; set; } = TimeSpan.FromMinutes(2);
    public int MaxMailAttempts { get; set; } = 5;
    /// <summary>The site's address for links in e-mails ("https://marktplatz.example"); links stay relative without it.</summary>
    public string? PublicBaseUrl { get; set; }
}

/// <summary>What one pass did.</summary>
public sealed record NotifierPass(int AuditEntries, int Notifications, int Mails, int SavedSearchMatches, int MailsSent);

/// <summary>
/// Turns the audit trail into notifications. It reads the entries after its stored cursor in order, maps each to the
/// municipalities and users it concerns, and writes their in-app notifications and outbox e-mails in the same transaction
/// as the cursor advance: a pass that dies writes nothing and the next starts where the last committed one ended, so
/// nothing is lost or doubled. Saved searches are re-run when the catalogue revision moved. The outbox is drained last.
/// </summary>
public sealed class AuditNotifier(Database database, AuditTrail audit, AuditEventMapper mapper, UserDirectory users, CatalogSearchService search,
    OutboxSender outbox, IOptions<NotificationOptions> options, TimeProvider clock, ILogger<AuditNotifier> logger)
{
    /// <summary>One full pass: every new audit entry, the saved searches, then the outbox. Tests call it to run synchronously.</summary>
    public async Task<NotifierPass> RunOnceAsync(CancellationToken ct = default)
    {
        int entries = 0, notifications = 0, mails = 0;
        while (true)
        {
            var batch = await ProcessAuditBatchAsync(options.Value.BatchSize, ct);
            entries += batch.Entries;
            notifications += batch.Notifications;
            mails += batch.Mails;
            if (batch.Entries < options.Value.BatchSize) break;
        }
        var matches = await CheckSavedSearchesAsync(ct);
        var sent = await outbox.SendPendingAsync(ct);
        return new NotifierPass(entries, notifications + matches.Notifications, mails + matches.Mails, matches.Matches, sent);
    }

    /// <summary>
    /// Notifies up to <paramref name="maxEntries"/> audit entries after the cursor and moves the cursor past them, all in
    /// one transaction. The cursor row is locked first, so two workers never process the same entries.
    /// </summary>
    public async Task<(int Entries, int Notifications, int Mails)> ProcessAuditBatchAsync(int maxEntries, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var now = Now();
        await c.ExecuteAsync(NotificationSql.ClaimState, new { now }, tx);
        var state = await c.QuerySingleAsync<(long AuditSeq, long CatalogRevision)>(NotificationSql.ReadState, transaction: tx);
        var records = await audit.AfterAsync(c, tx, state.AuditSeq, maxEntries);
        if (records.Count == 0) return (0, 0, 0);
        var writer = new Writer(c, tx, now, users);
        foreach (var record in records)
        {
            foreach (var e in await mapper.MapAsync(c, tx, record))
                // One entry may mean two things to a municipality (a new version that also changes sub-processors): the second kind gets its own key.
                await writer.ToMunicipalityAsync(e, e.Kind == NotificationTexts.Kinds.SubProcessorsChanged ? $"audit:{record.Seq}:{e.Kind}" : $"audit:{record.Seq}");
            if (await mapper.ForAuditorsAsync(c, tx, record) is { } a)
                foreach (var auditor in await users.AuditorsAsync(c, tx))
                    await writer.ToUserAsync(auditor, a.Category, a.Kind, null, a.ObjectType, a.ObjectId, a.Parameters, $"audit:{record.Seq}:auditor");
        }
        await c.ExecuteAsync(NotificationSql.AdvanceAudit, new { seq = records[^1].Seq }, tx);
        await tx.CommitAsync(ct);
        return (records.Count, writer.Notifications, writer.Mails);
    }

    /// <summary>
    /// When the catalogue revision moved since the last check, re-runs every saved search and notifies its owner of each
    /// offering it matches for the first time (recorded, so once per offering and search).
    /// </summary>
    public async Task<(int Matches, int Notifications, int Mails)> CheckSavedSearchesAsync(CancellationToken ct = default)
    {
        await search.RefreshAsync(ct);
        var index = search.Current;
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var now = Now();
        await c.ExecuteAsync(NotificationSql.ClaimState, new { now }, tx);
        var state = await c.QuerySingleAsync<(long AuditSeq, long CatalogRevision)>(NotificationSql.ReadState, transaction: tx);
        if (state.CatalogRevision == index.Revision) return (0, 0, 0);
        var writer = new Writer(c, tx, now, users);
        var matches = 0;
        foreach (var saved in await c.QueryAsync<SavedSearch>(NotificationSql.AllSavedSearches, transaction: tx))
        {
            var parsed = CatalogQuery.Parse(saved.Query);
            if (parsed.Request is null)
            {
                logger.LogWarning("Saved search {Id} no longer parses: {Query}", saved.Id, saved.Query);
                continue;
            }
            var known = (await c.QueryAsync<string>(NotificationSql.MatchesOf, new { id = saved.Id }, tx)).ToHashSet(StringComparer.Ordinal);
            foreach (var card in CatalogQuery.AllMatches(index, parsed.Request).Where(m => known.Add(m.Id)))
            {
                await c.ExecuteAsync(NotificationSql.InsertMatch, new { id = saved.Id, offeringId = card.Id, now }, tx);
                await writer.ToUserAsync(saved.UserId, NotificationCategories.SavedSearches, NotificationTexts.Kinds.SavedSearchMatch, null, "offering", card.Id,
                    new JsonObject { ["searchName"] = saved.Name, ["savedSearchId"] = saved.Id, ["offeringId"] = card.Id, ["offeringName"] = card.Name },
                    $"search:{saved.Id}:{card.Id}");
                matches++;
            }
        }
        await c.ExecuteAsync(NotificationSql.AdvanceCatalog, new { revision = index.Revision }, tx);
        await tx.CommitAsync(ct);
        return (matches, writer.Notifications, writer.Mails);
    }

    /// <summary>How far the notifier got in the audit trail (the last entry it processed).</summary>
    public async Task<long> CursorAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(NotificationSql.CursorPosition, cancellationToken: ct));
    }

    private DateTimeOffset Now() => clock.GetUtcNow();

    /// <summary>Writes notifications and outbox rows inside the pass's transaction, honouring each user's preferences.</summary>
    private sealed class Writer(DbConnection c, DbTransaction tx, DateTimeOffset now, UserDirectory users)
    {
        private readonly Dictionary<string, NotificationPreferences> _preferences = [];
        private readonly Dictionary<string, IReadOnlyList<MunicipalityUser>> _users = [];
        public int Notifications { get; private set; }
        public int Mails { get; private set; }

        public async Task ToMunicipalityAsync(MunicipalityEvent e, string sourceKey)
        {
            if (!_users.TryGetValue(e.Ags, out var ofMunicipality))
                _users[e.Ags] = ofMunicipality = await users.OfMunicipalityAsync(c, tx, e.Ags);
            // A user with several roles appears once per role; one notification each.
            foreach (var user in ofMunicipality.GroupBy(u => u.UserId).Where(g => g.Key != e.ExceptUserId && g.Any(u => AuditEventMapper.Reaches(e, u.Role))).Select(g => g.First()))
                await ToUserAsync(user.UserId, e.Category, e.Kind, e.Ags, e.ObjectType, e.ObjectId, e.Parameters, sourceKey, user.Email);
        }

        public async Task ToUserAsync(string userId, string category, string kind, string? ags, string objectType, string objectId, JsonObject parameters,
            string sourceKey, string? email = null)
        {
            if (!_preferences.TryGetValue(userId, out var preferences))
                _preferences[userId] = preferences = await NotificationStore.PreferencesAsync(c, tx, userId);
            var choice = preferences.For(category);
            var json = parameters.ToJsonString();
            if (choice.InApp)
                Notifications += await c.ExecuteAsync(NotificationSql.InsertNotification, new NotificationRow(
                    Guid.NewGuid().ToString("N"), userId, category, kind, ags, objectType, objectId, json, sourceKey, now, null), tx);
            email ??= await users.EmailAsync(c, tx, userId);
            if (choice.Email && !string.IsNullOrEmpty(email))
                Mails += await c.ExecuteAsync(NotificationSql.InsertOutbox, new
                {
                    Id = Guid.NewGuid().ToString("N"), UserId = userId, Email = email, Language = preferences.Language, Kind = kind,
                    MunicipalityAgs = ags, ObjectType = objectType, ObjectId = objectId, ParamsJson = json, SourceKey = sourceKey, CreatedAt = now,
                }, tx);
        }
    }
}
