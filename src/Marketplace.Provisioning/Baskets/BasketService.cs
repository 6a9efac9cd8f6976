using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Provisioning.Bundles;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Orders;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;

namespace Marketplace.Provisioning.Baskets;

/// <summary>An offering on a buyer's Merkliste, with the plan and add-ons chosen for it.</summary>
public sealed record BasketItem(string OfferingId, string PlanId, IReadOnlyList<string> AddOnIds, DateTimeOffset AddedAt);

/// <summary>What the buyer puts on the Merkliste for an offering: a plan of it and add-ons of that plan.</summary>
public sealed record BasketItemRequest(string? PlanId, IReadOnlyList<string>? AddOnIds);

/// <summary>
/// Ordering the Merkliste: the configuration fields several of its offerings share (same name and type) entered once,
/// and each offering's own fields by offering id.
/// </summary>
/// <summary>
/// Ordering the Merkliste: values shared by several offerings, each offering's own values, and per offering that does not
/// fit the municipality's data policy its own exception with a reason (keyed by offering id, like the configurations).
/// </summary>
public sealed record BasketOrderRequest(JsonObject? SharedConfiguration, IReadOnlyDictionary<string, JsonObject?>? Configurations,
    IReadOnlyDictionary<string, DataPolicyExceptionRequest?>? DataPolicyExceptions = null);

/// <summary>
/// The Merkliste: offerings of several Leistungen, from any vendors, that a buyer collects for a municipality and
/// orders in one order, like a bundle the buyer composed. It is the buyer's own list for that municipality (a colleague
/// keeps another), kept in the database so it survives sessions and devices. Ordering it is one transaction: the order,
/// every subscription and the emptied list.
/// </summary>
public sealed class BasketService(Database database, OfferingDirectory offerings, OrderService orders, BundleOrders bundles, TimeProvider clock)
{
    private sealed class Row
    {
        public string OfferingId { get; init; } = "";
        public string PlanId { get; init; } = "";
        public string AddOnIds { get; init; } = "";
        public DateTimeOffset AddedAt { get; init; }
    }

    /// <summary>The buyer's list for the municipality, in the order the offerings were added.</summary>
    public async Task<IReadOnlyList<BasketItem>> ListAsync(string ags, string userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await ListAsync(c, null, ags, userId);
    }

    private static async Task<IReadOnlyList<BasketItem>> ListAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx, string ags, string userId) =>
        (await c.QueryAsync<Row>(ProvisioningSql.BasketItems, new { ags, userId }, tx))
            .Select(r => new BasketItem(r.OfferingId, r.PlanId, r.AddOnIds.Split(',', StringSplitOptions.RemoveEmptyEntries), r.AddedAt)).ToList();

    /// <summary>
    /// Puts the offering on the list with the plan and add-ons, or changes them if it is there. Only what the
    /// municipality could order goes on it: a plan of the offering, add-ons of that plan, an offering orderable in its Land.
    /// </summary>
    public async Task<BasketItem> PutAsync(string ags, string userId, string offeringId, BasketItemRequest request, CancellationToken ct = default)
    {
        var offering = await offerings.GetAsync(offeringId, ct) ?? throw new NotFoundException("offering", offeringId);
        var errors = new List<FieldError>();
        var plan = string.IsNullOrWhiteSpace(request.PlanId) ? null : offering.Plan(request.PlanId);
        if (plan is null) errors.Add((string.IsNullOrWhiteSpace(request.PlanId) ? FieldError.Required("planId") : FieldError.Coded("planId", "order.unknown-plan", "unbekannter Tarif")));
        var addOns = (request.AddOnIds ?? []).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var a in addOns.Where(a => plan is not null && plan.AddOnList.All(x => x.Id != a)))
            errors.Add(FieldError.Coded("addOnIds", "order.add-on-not-in-plan", $"Zusatzleistung '{a}' gehört nicht zum Tarif", a));
        if (await offerings.WhyNotOrderableAsync(offering, ags, ct) is { } why)
            errors.Add(why.At("offeringId"));
        await using var c = await database.OpenAsync(ct);
        // What the municipality already has could not be ordered from the list: say so now, not at "Alle bestellen".
        var existing = await c.QuerySingleOrDefaultAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionOfMunicipality, new { ags, offeringId = offering.Id });
        if (existing is not null && existing.State != SubscriptionStates.Cancelled)
            errors.Add(FieldError.Coded("offeringId", "order.already-subscribed", $"bereits abonniert (Zustand {existing.State})", ResourceWord.State(existing.State)));
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var item = new BasketItem(offering.Id, plan!.Id, addOns, clock.GetUtcNow());
        var updated = await c.ExecuteAsync(ProvisioningSql.UpdateBasketItem, new { ags, userId, offeringId = item.OfferingId, planId = item.PlanId, addOnIds = string.Join(',', addOns) });
        if (updated == 0)
            await c.ExecuteAsync(ProvisioningSql.InsertBasketItem, new
            {
                ags, userId, offeringId = item.OfferingId, planId = item.PlanId, addOnIds = string.Join(',', addOns), addedAt = item.AddedAt,
            });
        return item;
    }

    /// <summary>Takes the offering off the list; false when it was not on it.</summary>
    public async Task<bool> RemoveAsync(string ags, string userId, string offeringId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteAsync(ProvisioningSql.DeleteBasketItem, new { ags, userId, offeringId }) > 0;
    }

    /// <summary>
    /// Orders everything on the list in one order (kind "basket"): the same idempotency and four-eyes rules as any order;
    /// errors name "items/i/..." (i as listed) or "sharedConfiguration/...". The ordered offerings leave the list in the
    /// order's transaction.
    /// </summary>
    public async Task<OrderResult> OrderAsync(string ags, string userId, string idempotencyKey, BasketOrderRequest request, CancellationToken ct = default)
    {
        var hash = RequestHash.Of(new { kind = "basket", userId, request });
        IReadOnlyList<BasketItem> items = [];
        return await orders.PlaceLinesAsync(ags, userId, idempotencyKey, "basket", null, hash, async (c, m) =>
        {
            items = await ListAsync(c, null, ags, userId);
            if (items.Count == 0) throw new RequestValidationException([FieldError.Coded("items", "basket.empty", "Die Merkliste ist leer.")]);
            var errors = (request.Configurations ?? new Dictionary<string, JsonObject?>()).Keys
                .Where(k => items.All(i => i.OfferingId != k))
                .Select(k => FieldError.Coded($"configurations/{k}", "basket.not-in-basket", "Angebot steht nicht auf der Merkliste")).ToList();
            errors.AddRange((request.DataPolicyExceptions ?? new Dictionary<string, DataPolicyExceptionRequest?>()).Keys
                .Where(k => items.All(i => i.OfferingId != k))
                .Select(k => FieldError.Coded($"dataPolicyExceptions/{k}", "basket.not-in-basket", "Angebot steht nicht auf der Merkliste")));
            var selections = items.Select(i => new BundleSelection("", i.OfferingId, i.PlanId, i.AddOnIds,
                request.Configurations?.GetValueOrDefault(i.OfferingId), request.DataPolicyExceptions?.GetValueOrDefault(i.OfferingId))).ToList();
            return await bundles.ValidateSelectionsAsync(c, m, "items", selections, request.SharedConfiguration, errors);
        }, ct, async work =>
        {
            foreach (var item in items)
                await work.Exec(ProvisioningSql.DeleteBasketItem, new { ags, userId, offeringId = item.OfferingId });
        });
    }
}
