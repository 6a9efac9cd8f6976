using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Municipalities;

namespace Marketplace.Community.Requests;

/// <summary>The statuses a vendor sets on a request (shown localised: offen, geplant, umgesetzt, abgelehnt).</summary>
public static class RequestStatuses
{
    public const string Open = "open";
    public const string Planned = "planned";
    public const string Implemented = "implemented";
    public const string Declined = "declined";

    public static readonly IReadOnlyList<string> All = [Open, Planned, Implemented, Declined];
}

/// <summary>A feature request with the requesting municipality, the vendor's answer and how many municipalities support it.</summary>
public sealed record FeatureRequest
{
    public string Id { get; init; } = "";
    public string OfferingId { get; init; } = "";
    public string VendorId { get; init; } = "";
    public string Ags { get; init; } = "";
    public string MunicipalityName { get; init; } = "";
    public string Title { get; init; } = "";
    public string Body { get; init; } = "";
    public string Status { get; init; } = "";
    public string? Answer { get; init; }
    public DateTimeOffset? AnsweredAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public int Supporters { get; init; }
}

/// <summary>
/// Feature requests: a municipality asks the vendor of an offering for something, other municipalities support it
/// (one support each, withdrawable), the vendor answers and sets the status. Every change is audited;
/// an answer is "feature-request.answered" with after = { offeringId, status, ags } (notifications read exactly that).
/// </summary>
public sealed class FeatureRequestService(CommunityStore store, CommunityViewCache views, MunicipalityDirectory municipalities)
{
    public const int MaxTitle = 200;
    public const int MaxBody = 4000;

    public async Task<IReadOnlyList<FeatureRequest>> ForOfferingAsync(string offeringId, int limit = 50, CancellationToken ct = default)
    {
        store.Published(offeringId);
        await using var c = await store.Database.OpenAsync(ct);
        return await NamedAsync((await c.QueryAsync<FeatureRequest>(new CommandDefinition(CommunitySql.RequestsOfOffering(store.Database.Dialect),
            new { offering = offeringId, limit = Math.Clamp(limit, 1, 100), offset = 0 }, cancellationToken: ct))).ToList(), ct);
    }

    public async Task<IReadOnlyList<FeatureRequest>> ForVendorAsync(string vendorId, int limit = 100, CancellationToken ct = default)
    {
        await using var c = await store.Database.OpenAsync(ct);
        return await NamedAsync((await c.QueryAsync<FeatureRequest>(new CommandDefinition(CommunitySql.RequestsOfVendor(store.Database.Dialect),
            new { vendor = vendorId, limit = Math.Clamp(limit, 1, 500), offset = 0 }, cancellationToken: ct))).ToList(), ct);
    }

    /// <summary>The ids of the offering's requests that any of these municipalities supports.</summary>
    public async Task<IReadOnlySet<string>> SupportedByAsync(string offeringId, IReadOnlyList<string> municipalities, CancellationToken ct = default)
    {
        if (municipalities.Count == 0) return new HashSet<string>();
        await using var c = await store.Database.OpenAsync(ct);
        return (await c.QueryAsync<string>(new CommandDefinition(CommunitySql.SupportedBy(store.Database.Dialect),
            new { offering = offeringId, ags = municipalities.ToArray() }, cancellationToken: ct))).ToHashSet();
    }

    public async Task<FeatureRequest> GetAsync(string id, CancellationToken ct = default)
    {
        await using var c = await store.Database.OpenAsync(ct);
        var request = await c.QuerySingleOrDefaultAsync<FeatureRequest>(new CommandDefinition(CommunitySql.Request, new { id }, cancellationToken: ct));
        // Requests of an offering that left the catalogue are the vendor's history, not public any more.
        return request is not null && store.PublishedOrNull(request.OfferingId) is not null
            ? (await NamedAsync([request], ct))[0] : throw new NotFoundException("feature request", id);
    }

    /// <summary>A new request from the municipality (the caller has checked the actor may act for it); the municipality supports it from the start.</summary>
    public async Task<FeatureRequest> SubmitAsync(Actor actor, string ags, string offeringId, string? title, string? body, CancellationToken ct = default)
    {
        var offering = store.Published(offeringId);
        title = title?.Trim() ?? "";
        body = body?.Trim() ?? "";
        if (title.Length == 0) throw RequestValidationException.Coded("title", "request.title-missing", "Titel angeben.");
        if (title.Length > MaxTitle) throw RequestValidationException.Coded("title", "request.title-too-long", $"Titel mit höchstens {MaxTitle} Zeichen.", MaxTitle);
        if (body.Length == 0) throw RequestValidationException.Coded("text", "request.text-missing", "Beschreiben Sie den Wunsch.");
        if (body.Length > MaxBody) throw RequestValidationException.Coded("text", "request.text-too-long", $"Beschreibung mit höchstens {MaxBody} Zeichen.", MaxBody);
        var id = "fr-" + Guid.NewGuid().ToString("N")[..16];
        return await ChangedAsync(await store.ChangeAsync(async (c, tx, audit) =>
        {
            var now = store.Now();
            await c.ExecuteAsync(CommunitySql.InsertRequest, new
            {
                id, offering = offeringId, vendor = offering.Descriptor.Vendor, ags, title, body, status = RequestStatuses.Open, actor = actor.UserId, now,
            }, tx);
            await c.ExecuteAsync(CommunitySql.Support(store.Database.Dialect),
                new { request_id = id, municipality_ags = ags, supported_by = actor.UserId, supported_at = now }, tx);
            audit.Add(new AuditEntry(actor.UserId, actor.OrganisationId, "feature-request.submitted", "feature-request", id, null,
                new JsonObject { ["offeringId"] = offeringId, ["vendorId"] = offering.Descriptor.Vendor, ["ags"] = ags, ["title"] = title }));
            return await c.QuerySingleAsync<FeatureRequest>(CommunitySql.Request, new { id }, tx);
        }, ct), ct);
    }

    /// <summary>The municipality supports the request; supporting again changes nothing.</summary>
    public async Task<FeatureRequest> SupportAsync(Actor actor, string ags, string requestId, CancellationToken ct = default)
    {
        await GetAsync(requestId, ct);
        return await ChangedAsync(await store.ChangeAsync(async (c, tx, audit) =>
        {
            if (await c.ExecuteScalarAsync<long>(CommunitySql.HasSupport, new { id = requestId, ags }, tx) == 0)
            {
                await c.ExecuteAsync(CommunitySql.Support(store.Database.Dialect),
                    new { request_id = requestId, municipality_ags = ags, supported_by = actor.UserId, supported_at = store.Now() }, tx);
                audit.Add(new AuditEntry(actor.UserId, actor.OrganisationId, "feature-request.supported", "feature-request", requestId, null,
                    new JsonObject { ["ags"] = ags }));
            }
            return await c.QuerySingleAsync<FeatureRequest>(CommunitySql.Request, new { id = requestId }, tx);
        }, ct), ct);
    }

    /// <summary>The municipality withdraws its support; withdrawing what was not given changes nothing.</summary>
    public async Task<FeatureRequest> WithdrawSupportAsync(Actor actor, string ags, string requestId, CancellationToken ct = default)
    {
        await GetAsync(requestId, ct);
        return await ChangedAsync(await store.ChangeAsync(async (c, tx, audit) =>
        {
            if (await c.ExecuteAsync(CommunitySql.DeleteSupport, new { id = requestId, ags }, tx) > 0)
                audit.Add(new AuditEntry(actor.UserId, actor.OrganisationId, "feature-request.support-withdrawn", "feature-request", requestId,
                    new JsonObject { ["ags"] = ags }, null));
            return await c.QuerySingleAsync<FeatureRequest>(CommunitySql.Request, new { id = requestId }, tx);
        }, ct), ct);
    }

    /// <summary>
    /// The vendor's answer and status. <paramref name="vendorId"/> is the vendor the actor edits for; a request of
    /// another vendor's offering is not found.
    /// </summary>
    public async Task<FeatureRequest> AnswerAsync(Actor actor, string vendorId, string requestId, string? status, string? answer, CancellationToken ct = default)
    {
        var request = await GetAsync(requestId, ct);
        if (request.VendorId != vendorId) throw new NotFoundException("feature request", requestId);
        if (status is null || !RequestStatuses.All.Contains(status))
            throw RequestValidationException.Coded("status", "one-of", $"eines von: {string.Join(", ", RequestStatuses.All)}", string.Join(", ", RequestStatuses.All));
        answer = string.IsNullOrWhiteSpace(answer) ? null : answer.Trim();
        if (answer is { Length: > MaxBody }) throw RequestValidationException.Coded("answer", "request.answer-too-long", $"Antwort mit höchstens {MaxBody} Zeichen.", MaxBody);
        return await ChangedAsync(await store.ChangeAsync(async (c, tx, audit) =>
        {
            await c.ExecuteAsync(CommunitySql.Answer, new { id = requestId, status, answer, actor = actor.UserId, now = store.Now() }, tx);
            audit.Add(new AuditEntry(actor.UserId, actor.OrganisationId, "feature-request.answered", "feature-request", requestId,
                new JsonObject { ["status"] = request.Status, ["answer"] = request.Answer },
                new JsonObject { ["offeringId"] = request.OfferingId, ["status"] = status, ["ags"] = request.Ags, ["answer"] = answer }));
            return await c.QuerySingleAsync<FeatureRequest>(CommunitySql.Request, new { id = requestId }, tx);
        }, ct), ct);
    }

    /// <summary>The offering page shows the changed request at once (on this instance; see <see cref="CommunityViewCache"/>).</summary>
    private async Task<FeatureRequest> ChangedAsync(FeatureRequest request, CancellationToken ct)
    {
        views.Invalidate(request.OfferingId);
        return (await NamedAsync([request], ct))[0];
    }

    /// <summary>The requests with their municipalities' names, read from the directory in one batch.</summary>
    private async Task<IReadOnlyList<FeatureRequest>> NamedAsync(IReadOnlyList<FeatureRequest> requests, CancellationToken ct)
    {
        var names = await municipalities.NamesAsync(requests.Select(r => r.Ags), ct);
        return requests.Select(r => r with { MunicipalityName = names[r.Ags] }).ToList();
    }
}
