using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Residency;
using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Identity.Clients;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;

namespace Marketplace.Provisioning.Orders;

/// <summary>
/// Orders of a municipality: idempotent by Idempotency-Key (same key and body: the same order; same key, another
/// body: <see cref="IdempotencyKeyReusedException"/>), validated field by field, four-eyes approval above the
/// municipality's monthly-cost threshold, and every subscription and its first job written in one transaction.
/// The acting municipality and user are parameters: the endpoints pass them after authorisation.
/// </summary>
public sealed class OrderService(Database database, AuditTrail audit, OfferingDirectory offerings, TenantConfiguration configuration,
    SubscriptionWriter writer, JobStore jobs, TimeProvider clock, ApiClientDirectory clients, Residency.DataPolicies policies, MunicipalityDirectory municipalities)
{
    private static ForbiddenException PeopleOnly() =>
        new("Vier-Augen-Prinzip: Freigaben und die Freigabegrenze nur durch Personen, nicht durch API-Clients") { Code = "order.people-only" };

    /// <summary>One line of an order as validated: offering, plan, add-ons and the prepared configuration.</summary>
    internal sealed record ValidLine(OfferingInfo Offering, string PlanId, IReadOnlyList<string> AddOnIds, PreparedConfig Config, string? ExistingCancelledId)
    {
        /// <summary>The exception a buyer-admin made to the data policy for this line, for the audit trail; null when the offering fits.</summary>
        public JsonObject? PolicyException { get; init; }
    }

    public Task<OrderResult> PlaceAsync(string actingAgs, string actingUserId, string idempotencyKey, OrderRequest request, CancellationToken ct = default) =>
        PlaceLinesAsync(actingAgs, actingUserId, idempotencyKey, "offering", null, RequestHash.Of(new { kind = "offering", request }),
            async (c, m) => [await ValidateLineAsync(c, m, request, "", [])], ct);

    internal async Task<OrderResult> PlaceLinesAsync(string actingAgs, string actingUserId, string idempotencyKey, string kind, string? bundleId,
        string hash, Func<DbConnection, MunicipalityInfo, Task<List<ValidLine>>> validate, CancellationToken ct, Func<Work, Task>? alongside = null)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > 100)
            throw RequestValidationException.Coded("Idempotency-Key", "order.idempotency-key", "erforderlich, höchstens 100 Zeichen");
        if (await ExistingAsync(actingAgs, idempotencyKey, hash, ct) is { } seen) return seen;

        List<ValidLine> lines;
        MunicipalityInfo municipality;
        long? threshold;
        municipality = await municipalities.GetAsync(actingAgs, ct) ?? throw new NotFoundException("municipality", actingAgs);
        await using (var c = await database.OpenAsync(ct))
        {
            try
            {
                lines = await validate(c, municipality);
            }
            catch (RequestValidationException)
            {
                // A concurrent request with the same key may have committed meanwhile (its subscription now makes this
                // one look like a second order): the same key and body answer with that order.
                if (await ExistingAsync(actingAgs, idempotencyKey, hash, ct) is { } raced) return raced;
                throw;
            }
            threshold = await c.ExecuteScalarAsync<long?>(ProvisioningSql.ApprovalThreshold, new { ags = actingAgs });
        }

        var cost = lines.Sum(l => l.Offering.MonthlyCostCents(l.PlanId, l.AddOnIds));
        // The cost is what the municipality pays beyond the funded package, so it is often 0: a threshold of 0 means
        // every order waits for a second person, and any other threshold is reached at that amount.
        var needsApproval = threshold is { } t && cost >= t;
        var orderId = Guid.NewGuid().ToString();
        var now = clock.GetUtcNow();
        try
        {
            await using var work = await Work.BeginAsync(database, audit, ct);
            await work.Exec(ProvisioningSql.InsertOrder, new
            {
                id = orderId, ags = actingAgs, key = idempotencyKey, hash, kind, bundleId,
                state = needsApproval ? OrderStates.AwaitingApproval : OrderStates.Placed, cost, user = actingUserId, now,
            });
            var starter = new OperationStarter(jobs);
            foreach (var line in lines)
            {
                var subscription = new SubscriptionWriter.NewSubscription(line.ExistingCancelledId ?? Guid.NewGuid().ToString(), actingAgs, line.Offering.Id,
                    line.Offering.VendorId, line.PlanId, line.AddOnIds, line.Offering.Plan(line.PlanId)!.SetupFeeList.Select(f => f.Id).ToList(),
                    line.Offering.IsBroker ? Fulfilments.Broker : Fulfilments.Manual, line.Config.ProtectedOwn, orderId, null, actingUserId, actingAgs);
                if (line.ExistingCancelledId is null) await writer.InsertAsync(work, subscription);
                else await writer.RenewAsync(work, subscription, line.ExistingCancelledId);
                if (!needsApproval)
                    await starter.StartAsync(work, subscription.Id, subscription.VendorId, subscription.Fulfilment, JobKinds.Provision, actingUserId);
            }
            foreach (var line in lines.Where(l => l.PolicyException is not null))
                work.Audit(new AuditEntry(actingUserId, actingAgs, "order.data-policy-exception", "order", orderId, null, line.PolicyException));
            work.Audit(new AuditEntry(actingUserId, actingAgs, needsApproval ? "order.awaiting-approval" : "order.placed", "order", orderId, null, new JsonObject
            {
                ["kind"] = kind, ["bundle"] = bundleId, ["monthlyCostCents"] = cost, ["threshold"] = threshold,
                ["offerings"] = new JsonArray(lines.Select(l => (JsonNode)JsonValue.Create(l.Offering.Id)!).ToArray()),
            }));
            // What else the order settles, in the same transaction (the Merkliste emptied of what was ordered).
            if (alongside is not null) await alongside(work);
            await work.CommitAsync(ct);
        }
        catch (DbException)
        {
            // A concurrent request with the same key may have won the insert: then answer with its order.
            if (await ExistingAsync(actingAgs, idempotencyKey, hash, ct) is null) throw;
        }
        return await ExistingAsync(actingAgs, idempotencyKey, hash, ct) is { } placed
            ? placed with { Created = placed.Order.Id == orderId }
            : throw new InvalidOperationException("order vanished after commit");
    }

    /// <summary>Validates one order line; errors carry <paramref name="prefix"/> ("lines/2/") before the request field.</summary>
    internal async Task<ValidLine> ValidateLineAsync(DbConnection c, MunicipalityInfo m, OrderRequest request, string prefix,
        IEnumerable<ConfigLayer> extraLayers)
    {
        var offering = await offerings.GetAsync(c, null, request.OfferingId)
            ?? throw new RequestValidationException([FieldError.Coded(prefix + "offeringId", "order.unknown-offering", "unbekanntes Angebot")]);
        var errors = new List<FieldError>();
        if (await OfferingDirectory.WhyNotOrderableAsync(c, null, offering, m.LandCode, m.LandName) is { } why)
            errors.Add(why.At(prefix + "offeringId"));
        var plan = offering.Plan(request.PlanId);
        if (plan is null) errors.Add(FieldError.Coded(prefix + "planId", "order.unknown-plan", "unbekannter Tarif"));
        var addOns = (request.AddOnIds ?? []).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var a in addOns.Where(a => plan is not null && plan.AddOnList.All(x => x.Id != a)))
            errors.Add(FieldError.Coded(prefix + "addOnIds", "order.add-on-not-in-plan", $"Zusatzleistung '{a}' gehört nicht zum Tarif", a));
        var existing = await c.QuerySingleOrDefaultAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionOfMunicipality,
            new { ags = m.Ags, offeringId = offering.Id });
        if (existing is not null && existing.State != SubscriptionStates.Cancelled)
            errors.Add(FieldError.Coded(prefix + "offeringId", "order.already-subscribed", $"bereits abonniert (Zustand {existing.State})", ResourceWord.State(existing.State)));
        var prepared = await configuration.PrepareAsync(c, null, offering, m.LandCode, request.Configuration ?? new JsonObject(), null, extraLayers);
        errors.AddRange(prepared.Errors.Select(e => e.At(prefix + "configuration")));
        var policy = await policies.RulesAsync(c, m.Ags);
        JsonObject? policyException = null;
        if (!policy.IsEmpty && DataPolicyFit.Evaluate(offering.Descriptor.Hosting, policy, m.LandAbbreviation) is { Fits: false } fit)
        {
            var reason = request.DataPolicyException?.Reason?.Trim();
            if (string.IsNullOrEmpty(reason))
            {
                var violated = string.Join(", ", fit.Violations.Select(v => v.Code).Distinct());
                errors.Add(FieldError.Coded(prefix + "dataPolicyException/reason", "order.data-policy-exception-needed",
                    $"Das Angebot passt nicht zur Datenrichtlinie der Kommune ({violated}); bestellbar nur mit einer begründeten Ausnahme.", violated));
            }
            else if (reason.Length > 1000)
                errors.Add(FieldError.TooLong(prefix + "dataPolicyException/reason", 1000));
            else
                policyException = new JsonObject
                {
                    ["offering"] = offering.Id, ["reason"] = reason, ["policy"] = Residency.DataPolicies.Json(policy),
                    ["violations"] = new JsonArray(fit.Violations.Select(v => (JsonNode)new JsonObject
                    {
                        ["rule"] = v.Rule, ["code"] = v.Code, ["args"] = new JsonArray(v.Args.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
                    }).ToArray()),
                };
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);
        return new ValidLine(offering, request.PlanId, addOns, prepared, existing?.Id) { PolicyException = policyException };
    }

    public async Task<OrderView> GetAsync(string actingAgs, string orderId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<OrderRow>(ProvisioningSql.OrderById, new { id = orderId });
        if (row is null || row.MunicipalityAgs != actingAgs) throw new NotFoundException("order", orderId);
        return await ViewAsync(c, row);
    }

    /// <summary>The municipality's orders, newest first.</summary>
    public async Task<IReadOnlyList<OrderView>> ListAsync(string actingAgs, int limit = 100, int offset = 0, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<OrderRow>(ProvisioningSql.OrdersOfMunicipality(database.Dialect), new { ags = actingAgs, limit, offset });
        var views = new List<OrderView>();
        foreach (var r in rows) views.Add(await ViewAsync(c, r));
        return views;
    }

    /// <summary>Orders that include the vendor's offerings, newest first; each lists only the vendor's own subscriptions.</summary>
    public async Task<IReadOnlyList<OrderView>> ListForVendorAsync(string vendorId, int limit = 100, int offset = 0, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<OrderRow>(ProvisioningSql.OrdersOfVendor(database.Dialect), new { vendorId, limit, offset });
        var views = new List<OrderView>();
        foreach (var r in rows)
        {
            var own = (await c.QueryAsync<string>(ProvisioningSql.SubscriptionIdsOfOrderForVendor, new { orderId = r.Id, vendorId })).ToList();
            views.Add(ToView(r, own));
        }
        return views;
    }

    /// <summary>Sets (or clears, with null) the monthly cost above which an order needs a second buyer-admin.</summary>
    public async Task SetApprovalThresholdAsync(string actingAgs, string actingUserId, long? thresholdCents, CancellationToken ct = default)
    {
        if (thresholdCents is < 0) throw new RequestValidationException([FieldError.Coded("approvalThresholdCents", "not-negative", "darf nicht negativ sein")]);
        // The threshold decides when a second person is needed; a machine account must not move it. Every other
        // buyer-admin hears of the change (the notifier reads the audit entry).
        if (await clients.IsClientAsync(actingUserId, ct)) throw PeopleOnly();
        await using var work = await Work.BeginAsync(database, audit, ct);
        var before = await work.Connection.ExecuteScalarAsync<long?>(ProvisioningSql.ApprovalThreshold, new { ags = actingAgs }, work.Transaction);
        await work.Exec(database.Dialect.Upsert("municipality_order_settings", ["municipality_ags"], ["approval_threshold_cents", "updated_by", "updated_at"]),
            new { municipality_ags = actingAgs, approval_threshold_cents = thresholdCents, updated_by = actingUserId, updated_at = clock.GetUtcNow() });
        work.Audit(new AuditEntry(actingUserId, actingAgs, "order-settings.threshold", "municipality", actingAgs,
            new JsonObject { ["approvalThresholdCents"] = before }, new JsonObject { ["approvalThresholdCents"] = thresholdCents }));
        await work.CommitAsync(ct);
    }

    /// <summary>The second buyer-admin approves: the order is placed and provisioning starts. The orderer cannot approve.</summary>
    public async Task<OrderView> ApproveAsync(string actingAgs, string approverUserId, string orderId, CancellationToken ct = default)
    {
        var orderer = await PeopleBehindOrderAsync(approverUserId, orderId, ct);
        await using var work = await Work.BeginAsync(database, audit, ct);
        var order = await DecideAsync(work, actingAgs, approverUserId, orderId, OrderStates.Placed, null, orderer);
        var starter = new OperationStarter(jobs);
        foreach (var s in await work.Connection.QueryAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionsOfOrder, new { orderId }, work.Transaction))
        {
            await writer.NoteAsync(work, s.Id, "approved", approverUserId, "Bestellung freigegeben (Vier-Augen-Prinzip)");
            await starter.StartAsync(work, s.Id, s.VendorId, s.Fulfilment, JobKinds.Provision, order.OrderedBy);
        }
        await work.CommitAsync(ct);
        return await GetAsync(actingAgs, orderId, ct);
    }

    public async Task<OrderView> RejectAsync(string actingAgs, string userId, string orderId, string reason, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw new RequestValidationException([FieldError.Coded("reason", "reason-missing", "Begründung fehlt")]);
        var orderer = await PeopleBehindOrderAsync(userId, orderId, ct);
        await using var work = await Work.BeginAsync(database, audit, ct);
        await DecideAsync(work, actingAgs, userId, orderId, OrderStates.Rejected, reason, orderer);
        foreach (var s in await work.Connection.QueryAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionsOfOrder, new { orderId }, work.Transaction))
            await writer.TransitionAsync(work, s.Id, [SubscriptionStates.Requested], SubscriptionStates.Cancelled, userId, actingAgs, "order-rejected",
                $"Bestellung nicht freigegeben: {reason}");
        await work.CommitAsync(ct);
        return await GetAsync(actingAgs, orderId, ct);
    }

    /// <summary>
    /// Four eyes means two people: the decider must be a person (not an API client), and the order counts as placed by
    /// the person behind it, which for an order of an API client is the person who created that client.
    /// </summary>
    private async Task<string?> PeopleBehindOrderAsync(string deciderId, string orderId, CancellationToken ct)
    {
        if (await clients.IsClientAsync(deciderId, ct)) throw PeopleOnly();
        string? orderedBy;
        await using (var c = await database.OpenAsync(ct))
            orderedBy = (await c.QuerySingleOrDefaultAsync<OrderRow>(ProvisioningSql.OrderById, new { id = orderId }))?.OrderedBy;
        return orderedBy is null ? null : await clients.CreatorOfAsync(orderedBy, ct);
    }

    private async Task<OrderRow> DecideAsync(Work work, string actingAgs, string userId, string orderId, string state, string? reason, string? clientCreator)
    {
        var order = await work.Connection.QuerySingleOrDefaultAsync<OrderRow>(ProvisioningSql.OrderById, new { id = orderId }, work.Transaction);
        if (order is null || order.MunicipalityAgs != actingAgs) throw new NotFoundException("order", orderId);
        if (order.OrderedBy == userId || clientCreator == userId) throw new ForbiddenException("Vier-Augen-Prinzip: wer bestellt, gibt nicht selbst frei") { Code = "order.four-eyes" };
        var updated = await work.Exec(ProvisioningSql.DecideOrder, new
        {
            id = orderId, state, user = userId, now = clock.GetUtcNow(), reason, awaiting = OrderStates.AwaitingApproval,
        });
        if (updated == 0) throw new ConflictException($"Die Bestellung {orderId} ist {order.State} und wartet nicht auf Freigabe.") { Code = "order.not-awaiting-approval", Args = [ResourceWord.State(order.State)] };
        work.Audit(new AuditEntry(userId, actingAgs, state == OrderStates.Placed ? "order.approved" : "order.rejected", "order", orderId,
            new JsonObject { ["state"] = order.State }, new JsonObject { ["state"] = state, ["reason"] = reason }));
        return order;
    }

    private async Task<OrderResult?> ExistingAsync(string ags, string key, string hash, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        // One round trip: replays of the same request are the common case of this path.
        await using var grid = await c.QueryMultipleAsync(new CommandDefinition(ProvisioningSql.OrderAndSubscriptionIdsByKey, new { ags, key }, cancellationToken: ct));
        var row = await grid.ReadSingleOrDefaultAsync<OrderRow>();
        if (row is null) return null;
        if (row.RequestHash != hash) throw new IdempotencyKeyReusedException(key);
        return new OrderResult(ToView(row, (await grid.ReadAsync<string>()).ToList()), false);
    }

    private static async Task<OrderView> ViewAsync(DbConnection c, OrderRow r)
    {
        var subscriptions = (await c.QueryAsync<string>(ProvisioningSql.SubscriptionIdsOfOrder, new { orderId = r.Id })).ToList();
        return ToView(r, subscriptions);
    }

    private static OrderView ToView(OrderRow r, IReadOnlyList<string> subscriptions)
    {
        return new OrderView(r.Id, r.MunicipalityAgs, r.Kind, r.BundleId, r.State, r.MonthlyCostCents, r.OrderedBy, r.OrderedAt, r.DecidedBy,
            r.DecidedAt, r.DecisionReason, subscriptions);
    }
}
