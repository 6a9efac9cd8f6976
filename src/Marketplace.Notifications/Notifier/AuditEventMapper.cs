using System.Data.Common;
using System.Text.Json.Nodes;
using Marketplace.Audit;
using Marketplace.Billing.Invoices;
using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Residency;
using Marketplace.Identity.Access;
using Marketplace.Identity.Users;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using static Marketplace.Notifications.NotificationTexts;

namespace Marketplace.Notifications.Notifier;

/// <summary>Something a municipality's users should hear of: the category, the kind of text, the object and the words' parameters.</summary>
public sealed record MunicipalityEvent(
    string Ags, string Category, string Kind, string ObjectType, string ObjectId, JsonObject Parameters, bool BuyerAdminsOnly = false,
    string? ExceptUserId = null);

/// <summary>Something the platform's auditors should hear of.</summary>
public sealed record AuditorEvent(string Category, string Kind, string ObjectType, string ObjectId, JsonObject Parameters);

/// <summary>
/// Reads an audit entry as notifications: which municipalities hear of it and with what words. The audit actions are the
/// ones provisioning, conformance, billing and the feature requests write; entries of other actions map to nothing.
/// What it needs to know beyond the entry it reads through the owners' read interfaces, inside the notifier's transaction.
/// </summary>
public sealed class AuditEventMapper(SubscriptionRecords subscriptions, InvoiceRecords invoices, OfferingRecords offerings,
    MunicipalityDirectory municipalities, ISubProcessorHistory subProcessors, UserDirectory users)
{
    /// <summary>Subscription steps the buyer needs not hear of: requested comes with the order, provisioning is a passing state.</summary>
    private static readonly HashSet<string> QuietSubscriptionActions = ["subscription.requested", "subscription.provisioning"];

    public async Task<IReadOnlyList<MunicipalityEvent>> MapAsync(DbConnection c, DbTransaction tx, AuditRecord r)
    {
        var after = Parse(r.AfterJson);
        var before = Parse(r.BeforeJson);
        switch (r.Action)
        {
            case "order.placed" or "order.awaiting-approval" or "order.approved" or "order.rejected":
            {
                var ags = await subscriptions.OrderMunicipalityAsync(c, tx, r.ObjectId);
                if (ags is null) return [];
                var offerings = Prop(after, "offerings") is JsonArray list ? string.Join(", ", list.Select(o => o?.ToString())) : "";
                var kind = r.Action switch
                {
                    "order.placed" => Kinds.OrderPlaced, "order.awaiting-approval" => Kinds.OrderAwaitingApproval,
                    "order.approved" => Kinds.OrderApproved, _ => Kinds.OrderRejected,
                };
                return [new(ags, NotificationCategories.OrderStatus, kind, "order", r.ObjectId,
                    new JsonObject { ["orderId"] = r.ObjectId, ["offerings"] = offerings, ["reason"] = Text(after, "reason") })];
            }
            case var a when a.StartsWith("subscription.", StringComparison.Ordinal) && !QuietSubscriptionActions.Contains(a)
                                                                                      && Text(after, "state") is { } state:
            {
                if (await subscriptions.HeadAsync(c, tx, r.ObjectId) is not { } subscription) return [];
                var name = await OfferingNameAsync(c, tx, subscription.OfferingId);
                return [new(subscription.MunicipalityAgs, NotificationCategories.OrderStatus, Kinds.SubscriptionState, "subscription", r.ObjectId,
                    new JsonObject
                    {
                        ["subscriptionId"] = r.ObjectId, ["offeringId"] = subscription.OfferingId, ["offeringName"] = name,
                        ["state"] = state, ["message"] = Text(after, "message") ?? "",
                    })];
            }
            case "conformance.status-changed":
            {
                var statuses = new JsonArray();
                if (Prop(after, "statuses") is JsonArray now)
                {
                    var old = (Prop(before, "statuses") as JsonArray ?? []).OfType<JsonObject>()
                        .ToDictionary(s => Text(s, "standardId") ?? "", s => Text(s, "status"));
                    foreach (var s in now.OfType<JsonObject>())
                        if (Text(s, "standardId") is { } standard && old.GetValueOrDefault(standard) != Text(s, "status"))
                            statuses.Add(new JsonObject { ["standard"] = standard, ["status"] = Text(s, "status") });
                }
                return await SubscribersAsync(c, tx, r.ObjectId, Kinds.ConformanceChanged, new JsonObject { ["statuses"] = statuses });
            }
            case "offering.deprecated":
                return await SubscribersAsync(c, tx, r.ObjectId, Kinds.OfferingDeprecated, []);
            case "offering.retired":
                return await SubscribersAsync(c, tx, r.ObjectId, Kinds.OfferingRetired, []);
            case "offering.published" when Prop(before, "publishedVersion") is JsonValue previous:
            {
                // A new version of an offering that was already published; a first publication reaches saved searches instead.
                var events = (await SubscribersAsync(c, tx, r.ObjectId, Kinds.OfferingRepublished, new JsonObject { ["version"] = Text(after, "version") })).ToList();
                if (await SubProcessorChangeAsync(c, tx, r, previous.ToString(), Text(after, "version")) is { } change)
                    events.AddRange(await SubscribersAsync(c, tx, r.ObjectId, Kinds.SubProcessorsChanged, change));
                return events;
            }
            case "billing.invoice.finalize":
            case "billing.invoice.replace":
            {
                // A replacement (an upward correction) issues a new invoice; the entry is the replaced one's and names it.
                var id = r.Action == "billing.invoice.replace" ? Text(Prop(after, "replacement") as JsonObject, "id") : r.ObjectId;
                var invoice = id is null ? null : await invoices.SummaryAsync(c, tx, id);
                if (invoice is not { } i) return [];
                return [new(i.MunicipalityAgs, NotificationCategories.Invoices, Kinds.InvoiceFinalized, "invoice", id!,
                    new JsonObject { ["number"] = i.Number, ["period"] = i.Period, ["gross"] = i.GrossCents, ["dueDate"] = i.DueDate ?? "" },
                    BuyerAdminsOnly: true)];
            }
            case "order-settings.threshold":
                // The four-eyes threshold moved: every other buyer-admin hears who moved it and from what to what.
                return [new(r.ObjectId, NotificationCategories.OrderStatus, Kinds.ApprovalThresholdChanged, "municipality", r.ObjectId,
                    new JsonObject
                    {
                        ["before"] = Text(before, "approvalThresholdCents") ?? "", ["after"] = Text(after, "approvalThresholdCents") ?? "",
                        ["by"] = await users.EmailAsync(c, tx, r.ActorUserId) ?? r.ActorUserId,
                    },
                    BuyerAdminsOnly: true, ExceptUserId: r.ActorUserId)];
            case "land-default.set" when r.ObjectId.Split('/') is [var offeringId, var landCode, var sourceKind]:
            {
                // Every municipality of the Land whose live subscription the default flows into hears of it, on that subscription.
                var name = await OfferingNameAsync(c, tx, offeringId);
                var live = await subscriptions.LiveOfOfferingAsync(c, tx, offeringId);
                var known = await municipalities.GetManyAsync(live.Select(s => s.MunicipalityAgs));
                var affected = live.Where(s => known.TryGetValue(s.MunicipalityAgs, out var m) && m.LandCode == landCode)
                    .Select(s => (s.Id, Ags: s.MunicipalityAgs));
                return affected.Select(s => new MunicipalityEvent(s.Ags, NotificationCategories.OrderStatus, Kinds.LandDefaultChanged, "subscription", s.Id,
                    new JsonObject
                    {
                        ["subscriptionId"] = s.Id, ["offeringId"] = offeringId, ["offeringName"] = name, ["landCode"] = landCode,
                        ["source"] = r.ActorOrganisationId ?? sourceKind,
                    })).ToList();
            }
            case "availability.sla-breach":
                return await SubscribersAsync(c, tx, r.ObjectId, SlaBreachKind(after), SlaBreachParameters(after));
            case "feature-request.answered" when Text(after, "ags") is { } ags:
            {
                var offeringId = Text(after, "offeringId") ?? "";
                var name = await OfferingNameAsync(c, tx, offeringId);
                return [new(ags, NotificationCategories.RequestAnswers, Kinds.RequestAnswered, "feature-request", r.ObjectId,
                    new JsonObject { ["requestId"] = r.ObjectId, ["offeringId"] = offeringId, ["offeringName"] = name, ["status"] = Text(after, "status") })];
            }
            default:
                return [];
        }
    }

    /// <summary>
    /// What the platform's auditors hear of an entry: an SLA breach (with the offering's name); null for everything else.
    /// Auditors belong to no municipality, so these go to each auditor directly.
    /// </summary>
    public async Task<AuditorEvent?> ForAuditorsAsync(DbConnection c, DbTransaction tx, AuditRecord r)
    {
        if (r.Action != "availability.sla-breach") return null;
        var after = Parse(r.AfterJson);
        var parameters = SlaBreachParameters(after);
        parameters["offeringId"] = r.ObjectId;
        parameters["offeringName"] = await OfferingNameAsync(c, tx, r.ObjectId);
        return new AuditorEvent(NotificationCategories.Conformance, SlaBreachKind(after), "offering", r.ObjectId, parameters);
    }

    private static string SlaBreachKind(JsonObject? after) =>
        Prop(after, "conformanceFinding") is JsonValue v && v.TryGetValue<bool>(out var finding) && finding ? Kinds.SlaBreachFinding : Kinds.SlaBreach;

    private static JsonObject SlaBreachParameters(JsonObject? after) => new()
    {
        ["period"] = Text(after, "month"), ["measuredPercent"] = Text(after, "measuredPercent"), ["promisedPercent"] = Text(after, "promisedPercent"),
        ["probes"] = Text(after, "probes"),
    };

    /// <summary>One event per municipality with a live subscription to the offering.</summary>
    private async Task<IReadOnlyList<MunicipalityEvent>> SubscribersAsync(DbConnection c, DbTransaction tx, string offeringId, string kind, JsonObject extra)
    {
        var name = await OfferingNameAsync(c, tx, offeringId);
        var subscribed = (await subscriptions.LiveOfOfferingAsync(c, tx, offeringId)).Select(s => s.MunicipalityAgs).Distinct(StringComparer.Ordinal);
        return subscribed.Select(ags =>
        {
            var parameters = (JsonObject)extra.DeepClone();
            parameters["offeringId"] = offeringId;
            parameters["offeringName"] = name;
            return new MunicipalityEvent(ags, NotificationCategories.Conformance, kind, "offering", offeringId, parameters);
        }).ToList();
    }

    /// <summary>
    /// What changed in the sub-processors between the previous and the new published version (Art. 28(2) GDPR: the
    /// municipality may object within the period the descriptor states; the change takes effect after it); null when nothing did.
    /// </summary>
    private async Task<JsonObject?> SubProcessorChangeAsync(DbConnection c, DbTransaction tx, AuditRecord r, string previousVersion, string? version)
    {
        if (version is null || !int.TryParse(previousVersion, out var prev) || !int.TryParse(version, out var next)) return null;
        var oldHosting = await subProcessors.HostingOfVersionAsync(c, tx, r.ObjectId, prev);
        var newHosting = await subProcessors.HostingOfVersionAsync(c, tx, r.ObjectId, next);
        static List<string> Names(JsonObject? h) => (h?["subProcessors"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(s => $"{Text(s, "name")} ({Text(s, "country")}): {Text(s, "purpose")}").ToList();
        var (before, after) = (Names(oldHosting), Names(newHosting));
        var added = after.Except(before).ToList();
        var removed = before.Except(after).ToList();
        if (added.Count == 0 && removed.Count == 0) return null;
        var days = ISubProcessorHistory.ObjectionPeriod((int?)(oldHosting?["objectionPeriodDays"] as JsonValue),
            (int?)(newHosting?["objectionPeriodDays"] as JsonValue));
        var effective = StoredTimestamp.Parse(r.OccurredAt).AddDays(days);
        return new JsonObject
        {
            ["version"] = version, ["added"] = added.Count == 0 ? "–" : string.Join("; ", added), ["removed"] = removed.Count == 0 ? "–" : string.Join("; ", removed),
            ["objectionDays"] = days.ToString(System.Globalization.CultureInfo.InvariantCulture), ["effectiveFrom"] = effective.ToString("yyyy-MM-dd"),
        };
    }

    /// <summary>The offering's name; an offering the catalogue does not know is named by its id.</summary>
    private async Task<string> OfferingNameAsync(DbConnection c, DbTransaction tx, string offeringId) =>
        await offerings.NameAsync(c, tx, offeringId) ?? offeringId;

    /// <summary>True when the user's role hears of the event (invoices go to buyer-admins only).</summary>
    public static bool Reaches(MunicipalityEvent e, string? role) => !e.BuyerAdminsOnly || role == Roles.BuyerAdmin;

    private static JsonObject? Parse(string? json) => json is null ? null : JsonNode.Parse(json) as JsonObject;

    /// <summary>A property by name, whatever the casing the writing module serialised with.</summary>
    private static JsonNode? Prop(JsonObject? o, string name) =>
        o?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string? Text(JsonObject? o, string name) => Prop(o, name) is JsonValue v ? v.ToString() : null;
}
