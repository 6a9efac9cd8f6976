using System.Security.Claims;
using System.Text.Json.Nodes;
using Marketplace.Identity.Access;
using Marketplace.Identity.Organisations;
using Marketplace.Provisioning.Bindings;
using Marketplace.Provisioning.Broker.Connections;
using Marketplace.Provisioning.Bundles;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Fulfilment;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Orders;
using Marketplace.Provisioning.Rollouts;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using Microsoft.Extensions.Localization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Provisioning.Api;

/// <summary>
/// The ordering and provisioning API under /api/v1: orders and approval, subscriptions and their configuration, the
/// vendor's orders and manual tasks, Land defaults, rollouts, bundle orders and the dead letter. Every endpoint names
/// its policy; a municipality's or vendor's resource seen by another tenant answers 404; the module's refusals become
/// problem details naming the field.
/// </summary>
public static class ProvisioningApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapProvisioningApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags(ApiTags.Provisioning)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

        var municipality = api.MapGroup("/municipalities/{ags}");
        municipality.MapPost("/orders", PlaceOrder).RequireAuthorization(Policies.ActsForMunicipality)
            .WithName("PlaceOrder").WithSummary("Orders one plan of an offering; the Idempotency-Key header makes a repeated request return the first order")
            .ProducesValidationProblem().ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        municipality.MapGet("/orders", ListOrders).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The municipality's orders, newest first (limit 1 to 500, default 100; offset)").ProducesValidationProblem();
        municipality.MapGet("/orders/{orderId}", GetOrder).RequireAuthorization(Policies.Authenticated);
        municipality.MapPost("/orders/{orderId}/approval", Approve).RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("A second buyer-admin approves an order above the threshold; provisioning starts").ProducesProblem(StatusCodes.Status409Conflict);
        municipality.MapPost("/orders/{orderId}/rejection", Reject).RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("A second buyer-admin rejects an order above the threshold, with a reason").ProducesValidationProblem();
        municipality.MapPut("/order-settings", SetOrderSettings).RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("The monthly cost above which an order needs a second buyer-admin (null: never)");
        municipality.MapPost("/bundle-orders", PlaceBundleOrder).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("Orders a life-event bundle: one offering per Leistung, shared fields once, one order for all")
            .ProducesValidationProblem();

        // The export answers as the list does (another municipality: 404).
        api.MapGet("/municipalities/{ags}/subscriptions/export.csv", SubscriptionsCsv).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The municipality's subscriptions as CSV").Produces(StatusCodes.Status200OK, contentType: "text/csv");
        municipality.MapGet("/subscriptions", ListSubscriptions).RequireAuthorization(Policies.Authenticated);
        municipality.MapGet("/subscriptions/{id}", GetSubscription).RequireAuthorization(Policies.Authenticated);
        municipality.MapGet("/subscriptions/{id}/timeline", Timeline).RequireAuthorization(Policies.Authenticated);
        municipality.MapGet("/subscriptions/{id}/configuration", Configuration).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The effective configuration with the source of each value; secrets are never returned, only whether they are set");
        municipality.MapPatch("/subscriptions/{id}", Change).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("Changes plan, add-ons or configuration (omitted: unchanged); the broker gets a PATCH").ProducesValidationProblem();
        municipality.MapPost("/subscriptions/{id}/suspension", Suspend).RequireAuthorization(Policies.ActsForMunicipality);
        municipality.MapDelete("/subscriptions/{id}/suspension", Resume).RequireAuthorization(Policies.ActsForMunicipality);
        municipality.MapDelete("/subscriptions/{id}", Cancel).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("Cancels: the broker deletes the instance");
        municipality.MapPost("/subscriptions/{id}/retries", Retry).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("Retries a failed subscription from where it failed").ProducesProblem(StatusCodes.Status409Conflict);
        municipality.MapRenamedPost("/subscriptions/{id}/retry", "retries");

        var vendor = api.MapGroup("/vendors/{vendorId}");
        vendor.MapGet("/orders", VendorOrders).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Orders of the vendor's offerings (each with the vendor's subscriptions only; limit, offset)").ProducesValidationProblem();
        vendor.MapGet("/subscriptions", VendorSubscriptions).RequireAuthorization(Policies.Authenticated);
        vendor.MapGet("/subscriptions/{id}", VendorSubscription).RequireAuthorization(Policies.Authenticated);
        vendor.MapGet("/tasks", Tasks).RequireAuthorization(Policies.VendorUser)
            .WithSummary("Manual fulfilment tasks: requests, changes and cancellations of the vendor's manual offerings");
        vendor.MapPost("/tasks/{subscriptionId}/completion", CompleteTask).RequireAuthorization(Policies.VendorUser)
            .WithSummary("Completes a task with a dashboard URL and notes").ProducesValidationProblem();
        vendor.MapPost("/tasks/{subscriptionId}/rejection", RejectTask).RequireAuthorization(Policies.VendorUser)
            .WithSummary("Rejects a task with a reason").ProducesValidationProblem();

        api.MapGet("/offerings/{offeringId}/land-defaults/{landCode}", GetLandDefaults).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Land defaults of an offering, for its vendor, the Land's bundling organisation and the platform (secrets hidden)");
        api.MapPut("/offerings/{offeringId}/land-defaults/{landCode}/vendor", SetVendorLandDefaults).RequireAuthorization(Policies.VendorEditor)
            .WithSummary("The offering's vendor sets its defaults for a Land").ProducesValidationProblem();
        api.MapPut("/offerings/{offeringId}/land-defaults/{landCode}/bundler", SetBundlerLandDefaults).RequireAuthorization(Policies.BundlerAdmin)
            .WithSummary("The bundling organisation the Land designates sets its defaults (they win over the vendor's)").ProducesValidationProblem();
        LandDesignationApi.MapLandDesignations(api);
        Residency.DataPolicyApi.MapDataPolicies(api);
        Residency.SubProcessorApi.MapSubProcessors(api);
        BackOffice.FachverfahrenApi.MapFachverfahren(api);

        api.MapPost("/rollouts", StartRollout).RequireAuthorization(Policies.BundlerAdmin)
            .WithSummary("Orders one offering for every delegating municipality of a Land or for a list of AGS, with CSV overrides")
            .ProducesValidationProblem();
        api.MapGet("/rollouts", ListRollouts).RequireAuthorization(Policies.BundlerAdmin).ProducesValidationProblem();
        api.MapGet("/rollouts/{id}", RolloutProgressOf).RequireAuthorization(Policies.BundlerAdmin)
            .WithSummary("Live progress: counts per state, failures with reasons, ETA");
        api.MapPost("/rollouts/{id}/retries", RetryRollout).RequireAuthorization(Policies.BundlerAdmin)
            .WithSummary("Retries every failed municipality of the rollout");
        api.MapRenamedPost("/rollouts/{id}/retry", "retries");

        api.MapGet("/admin/jobs/dead", DeadJobs).RequireAuthorization(Policies.PlatformReader)
            .WithSummary("The dead letter: broker jobs whose retries are exhausted (limit, offset)").ProducesValidationProblem();
        api.MapPost("/admin/jobs/{jobId}/retries", RetryJob).RequireAuthorization(Policies.PlatformAdmin)
            .WithSummary("Queues a dead job again with fresh retries").ProducesProblem(StatusCodes.Status409Conflict);
        api.MapRenamedPost("/admin/jobs/{jobId}/retry", "retries");
        api.MapBrokerConnections();
        Reconciliation.ReconciliationApi.MapReconciliation(api);
        api.MapBindings();
        return app;
    }

    public sealed record ThresholdRequest(long? ApprovalThresholdCents);
    public sealed record ReasonRequest(string? Reason);
    public sealed record CompletionRequest(string? DashboardUrl, string? Notes);
    public sealed record ConfigurationResponse(JsonObject Values, IReadOnlyList<string> SecretsSet, IReadOnlyDictionary<string, ConfigSource> Sources);
    public sealed record VendorSubscriptionResponse(SubscriptionView Subscription, ConfigurationResponse Configuration);
    public sealed record LandDefaultResponse(string SourceKind, string SourceOrganisationId, JsonObject Values, IReadOnlyList<string> SecretsSet,
        string UpdatedBy, DateTimeOffset UpdatedAt);
    public sealed record RolloutStartRequest(string? OfferingId, string? PlanId, IReadOnlyList<string>? AddOnIds, string? LandCode,
        IReadOnlyList<string>? MunicipalityAgs, JsonObject? CommonConfiguration, string? OverridesCsv);
    public sealed record RetriedResponse(int Retried);
    public sealed record DeadJobResponse(string Id, string Kind, string SubscriptionId, string BrokerKey, string Phase, long Failures, string? LastError,
        DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

    /// <summary>The longest page of a provisioning list (limit 1 to 500, default 100).</summary>
    internal const int MaxPage = 500;
    internal const int DefaultPage = 100;

    // ---- Orders ----

    private static async Task<Results<Created<OrderView>, Ok<OrderView>, RefusedHttpResult>> PlaceOrder(string ags, OrderRequest request,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey, ClaimsPrincipal user, ProvisioningAccess access, OrderService orders, CancellationToken ct)
    {
        if (await access.RefusalAsync(user, ags, MunicipalityPermission.Order, ct) is { } refused) return CodedProblems.Refused(refused);
        // An exception to the data policy is a buyer-admin's decision for their own municipality, not a delegate's.
        if (request.DataPolicyException is not null) await access.RequireOwnBuyerAdminAsync(user, ags, ct);
        var result = await orders.PlaceAsync(ags, user.SubjectOf()!, idempotencyKey ?? "", request, ct);
        return result.Created ? TypedResults.Created(OrderUrl(ags, result), result.Order) : TypedResults.Ok(result.Order);
    }

    private static async Task<Results<Created<OrderView>, Ok<OrderView>, RefusedHttpResult>> PlaceBundleOrder(string ags, BundleOrderRequest request,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey, ClaimsPrincipal user, ProvisioningAccess access, BundleOrders bundles, CancellationToken ct)
    {
        if (await access.RefusalAsync(user, ags, MunicipalityPermission.Order, ct) is { } refused) return CodedProblems.Refused(refused);
        if (request.Selections?.Any(s => s?.DataPolicyException is not null) == true) await access.RequireOwnBuyerAdminAsync(user, ags, ct);
        var result = await bundles.PlaceAsync(ags, user.SubjectOf()!, idempotencyKey ?? "", request, ct);
        return result.Created ? TypedResults.Created(OrderUrl(ags, result), result.Order) : TypedResults.Ok(result.Order);
    }

    /// <summary>Where a placed order is read.</summary>
    public static string OrderUrl(string ags, OrderResult result) => $"/api/v1/municipalities/{ags}/orders/{result.Order.Id}";

    private static async Task<Results<Ok<IReadOnlyList<OrderView>>, RefusedHttpResult>> ListOrders(string ags, [AsParameters] PageRequest paging, ClaimsPrincipal user,
        ProvisioningAccess access, OrderService orders, CancellationToken ct)
    {
        if (await access.RefusalAsync(user, ags, MunicipalityPermission.View, ct) is { } refused) return CodedProblems.Refused(refused);
        var (take, skip) = paging.Of(MaxPage, DefaultPage);
        return TypedResults.Ok(await orders.ListAsync(ags, take, skip, ct));
    }

    private static async Task<Results<Ok<OrderView>, RefusedHttpResult>> GetOrder(string ags, string orderId, ClaimsPrincipal user, ProvisioningAccess access,
        OrderService orders, CancellationToken ct) =>
        await access.RefusalAsync(user, ags, MunicipalityPermission.View, ct) is { } refused
            ? CodedProblems.Refused(refused) : TypedResults.Ok(await orders.GetAsync(ags, orderId, ct));

    private static async Task<Results<Ok<OrderView>, RefusedHttpResult>> Approve(string ags, string orderId, ClaimsPrincipal user, OrderService orders, CancellationToken ct) =>
        ProvisioningAccess.OwnMunicipality(user, ags) ? TypedResults.Ok(await orders.ApproveAsync(ags, user.SubjectOf()!, orderId, ct)) : NotFound();

    private static async Task<Results<Ok<OrderView>, RefusedHttpResult>> Reject(string ags, string orderId, ReasonRequest? request, ClaimsPrincipal user,
        OrderService orders, CancellationToken ct) =>
        ProvisioningAccess.OwnMunicipality(user, ags) ? TypedResults.Ok(await orders.RejectAsync(ags, user.SubjectOf()!, orderId, request?.Reason ?? "", ct)) : NotFound();

    private static async Task<Results<NoContent, RefusedHttpResult>> SetOrderSettings(string ags, ThresholdRequest request, ClaimsPrincipal user, OrderService orders,
        CancellationToken ct)
    {
        // The four-eyes threshold is the municipality's own rule: its buyer-admins set it, not its delegates.
        if (!ProvisioningAccess.OwnMunicipality(user, ags)) return NotFound();
        await orders.SetApprovalThresholdAsync(ags, user.SubjectOf()!, request.ApprovalThresholdCents, ct);
        return TypedResults.NoContent();
    }

    // ---- Subscriptions ----

    private static async Task<Results<FileContentHttpResult, RefusedHttpResult>> SubscriptionsCsv(string ags, ClaimsPrincipal user, ProvisioningAccess access,
        SubscriptionExport exports, CancellationToken ct)
    {
        if (!await access.SeesMunicipalityAsync(user, ags, ct)) return NotFound();
        return TypedResults.File(await exports.CsvAsync(ags, ct), CsvExport.ContentType, $"abonnements-{ags}.csv");
    }

    private static async Task<Results<Ok<List<SubscriptionView>>, RefusedHttpResult>> ListSubscriptions(string ags, ClaimsPrincipal user, ProvisioningAccess access,
        SubscriptionService subscriptions, IStringLocalizerFactory texts, CancellationToken ct) =>
        await access.RefusalAsync(user, ags, MunicipalityPermission.View, ct) is { } refused
            ? CodedProblems.Refused(refused) : TypedResults.Ok((await subscriptions.ListAsync(ags, ct)).Select(v => Worded(v, texts)).ToList());

    private static async Task<Results<Ok<SubscriptionView>, RefusedHttpResult>> GetSubscription(string ags, string id, ClaimsPrincipal user, ProvisioningAccess access,
        SubscriptionService subscriptions, IStringLocalizerFactory texts, CancellationToken ct) =>
        await access.RefusalAsync(user, ags, MunicipalityPermission.View, ct) is { } refused
            ? CodedProblems.Refused(refused) : TypedResults.Ok(Worded(await subscriptions.GetAsync(ags, id, ct), texts));

    /// <summary>
    /// The failure class and the condition in the request's language, from the same texts the pages show: every answer
    /// that shows a buyer a subscription carries them (reads and actions alike), never the broker's own words.
    /// </summary>
    private static SubscriptionView Worded(SubscriptionView v, IStringLocalizerFactory factory)
    {
        var texts = factory.Create("SharedResource", "Marketplace.Web");
        return v with
        {
            FailureMessage = v.FailureClass is { } f ? texts["Failure." + f].Value : null,
            ConditionMessage = v.Condition is { } c ? texts["Condition." + c].Value : null,
        };
    }

    private static async Task<Results<Ok<IReadOnlyList<SubscriptionEvent>>, RefusedHttpResult>> Timeline(string ags, string id, ClaimsPrincipal user,
        ProvisioningAccess access, SubscriptionService subscriptions, CancellationToken ct) =>
        await access.RefusalAsync(user, ags, MunicipalityPermission.View, ct) is { } refused
            ? CodedProblems.Refused(refused) : TypedResults.Ok(await subscriptions.TimelineAsync(ags, id, ct));

    private static async Task<Results<Ok<ConfigurationResponse>, RefusedHttpResult>> Configuration(string ags, string id, ClaimsPrincipal user,
        ProvisioningAccess access, TenantConfiguration configuration, CancellationToken ct) =>
        await access.RefusalAsync(user, ags, MunicipalityPermission.View, ct) is { } refused
            ? CodedProblems.Refused(refused) : TypedResults.Ok(ToResponse(await configuration.ViewAsync(ags, id, ct)));

    private static async Task<Results<Ok<SubscriptionView>, RefusedHttpResult>> Change(string ags, string id, ChangeRequest request, ClaimsPrincipal user,
        ProvisioningAccess access, SubscriptionService subscriptions, IStringLocalizerFactory texts, CancellationToken ct)
    {
        // A new plan or add-ons change the bill (order permission); new values change the configuration (configure permission).
        var needed = (request.Configuration is null ? 0 : MunicipalityPermission.Configure)
                     | (request.PlanId is null && request.AddOnIds is null ? 0 : MunicipalityPermission.Order);
        if (await access.RefusalAsync(user, ags, needed == 0 ? MunicipalityPermission.Configure : needed, ct) is { } refused) return CodedProblems.Refused(refused);
        return TypedResults.Ok(Worded(await subscriptions.ChangeAsync(ags, user.SubjectOf()!, id, request, ct), texts));
    }

    private static Task<Results<Ok<SubscriptionView>, RefusedHttpResult>> Suspend(string ags, string id, ClaimsPrincipal user, ProvisioningAccess access,
        SubscriptionService subscriptions, IStringLocalizerFactory texts, CancellationToken ct) =>
        OrderedAsync(ags, user, access, texts, () => subscriptions.SuspendAsync(ags, user.SubjectOf()!, id, ct), ct);

    private static Task<Results<Ok<SubscriptionView>, RefusedHttpResult>> Resume(string ags, string id, ClaimsPrincipal user, ProvisioningAccess access,
        SubscriptionService subscriptions, IStringLocalizerFactory texts, CancellationToken ct) =>
        OrderedAsync(ags, user, access, texts, () => subscriptions.ResumeAsync(ags, user.SubjectOf()!, id, ct), ct);

    private static Task<Results<Ok<SubscriptionView>, RefusedHttpResult>> Cancel(string ags, string id, ClaimsPrincipal user, ProvisioningAccess access,
        SubscriptionService subscriptions, IStringLocalizerFactory texts, CancellationToken ct) =>
        OrderedAsync(ags, user, access, texts, () => subscriptions.CancelAsync(ags, user.SubjectOf()!, id, ct), ct);

    private static Task<Results<Ok<SubscriptionView>, RefusedHttpResult>> Retry(string ags, string id, ClaimsPrincipal user, ProvisioningAccess access,
        SubscriptionService subscriptions, IStringLocalizerFactory texts, CancellationToken ct) =>
        OrderedAsync(ags, user, access, texts, () => subscriptions.RetryAsync(ags, user.SubjectOf()!, id, ct), ct);

    /// <summary>A change of a subscription that needs the order permission, answered with the subscription as it stands after it.</summary>
    private static async Task<Results<Ok<SubscriptionView>, RefusedHttpResult>> OrderedAsync(string ags, ClaimsPrincipal user, ProvisioningAccess access,
        IStringLocalizerFactory texts, Func<Task<SubscriptionView>> change, CancellationToken ct) =>
        await access.RefusalAsync(user, ags, MunicipalityPermission.Order, ct) is { } refused
            ? CodedProblems.Refused(refused) : TypedResults.Ok(Worded(await change(), texts));

    // ---- Vendor ----

    private static async Task<Results<Ok<IReadOnlyList<OrderView>>, RefusedHttpResult>> VendorOrders(string vendorId, [AsParameters] PageRequest paging,
        ClaimsPrincipal user, OrderService orders, CancellationToken ct)
    {
        if (!ProvisioningAccess.ReadsVendor(user, vendorId)) return NotFound();
        var (take, skip) = paging.Of(MaxPage, DefaultPage);
        return TypedResults.Ok(await orders.ListForVendorAsync(vendorId, take, skip, ct));
    }

    private static async Task<Results<Ok<IReadOnlyList<SubscriptionView>>, RefusedHttpResult>> VendorSubscriptions(string vendorId, ClaimsPrincipal user,
        SubscriptionService subscriptions, CancellationToken ct) =>
        ProvisioningAccess.ReadsVendor(user, vendorId) ? TypedResults.Ok(await subscriptions.ListForVendorAsync(vendorId, ct)) : NotFound();

    private static async Task<Results<Ok<VendorSubscriptionResponse>, RefusedHttpResult>> VendorSubscription(string vendorId, string id, ClaimsPrincipal user,
        SubscriptionService subscriptions, TenantConfiguration configuration, CancellationToken ct)
    {
        if (!ProvisioningAccess.ReadsVendor(user, vendorId)) return NotFound();
        return TypedResults.Ok(new VendorSubscriptionResponse(await subscriptions.GetForVendorAsync(vendorId, id, ct),
            ToResponse(await configuration.ViewForVendorAsync(vendorId, id, ct))));
    }

    private static async Task<Results<Ok<IReadOnlyList<FulfilmentTask>>, RefusedHttpResult>> Tasks(string vendorId, ClaimsPrincipal user, ManualFulfilment manual,
        CancellationToken ct) =>
        TenantAccess.ActsForVendor(user, vendorId) ? TypedResults.Ok(await manual.TasksAsync(vendorId, ct)) : NotFound();

    private static async Task<Results<NoContent, RefusedHttpResult>> CompleteTask(string vendorId, string subscriptionId, CompletionRequest request,
        ClaimsPrincipal user, ManualFulfilment manual, CancellationToken ct)
    {
        if (!TenantAccess.ActsForVendor(user, vendorId)) return NotFound();
        await manual.CompleteAsync(vendorId, user.SubjectOf()!, subscriptionId, Blank(request.DashboardUrl), Blank(request.Notes), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, RefusedHttpResult>> RejectTask(string vendorId, string subscriptionId, ReasonRequest request, ClaimsPrincipal user,
        ManualFulfilment manual, CancellationToken ct)
    {
        if (!TenantAccess.ActsForVendor(user, vendorId)) return NotFound();
        await manual.RejectAsync(vendorId, user.SubjectOf()!, subscriptionId, request.Reason ?? "", ct);
        return TypedResults.NoContent();
    }

    // ---- Land defaults ----

    private static async Task<Results<Ok<List<LandDefaultResponse>>, RefusedHttpResult>> GetLandDefaults(string offeringId, string landCode, ClaimsPrincipal user,
        ProvisioningAccess access, OfferingDirectory offerings, LandDefaults defaults, CancellationToken ct)
    {
        if (await offerings.GetAsync(offeringId, ct) is not { } offering) return NotFound();
        var allowed = TenantAccess.ActsForVendor(user, offering.VendorId) || TenantAccess.ReadsAll(user) || await access.BundlerOfLandAsync(user, landCode, ct);
        if (!allowed) return NotFound();
        return TypedResults.Ok((await defaults.ForAsync(offeringId, landCode, ct)).Select(d =>
            new LandDefaultResponse(d.SourceKind, d.SourceOrgId, ConfigSecrets.Redact(d.Values, out var set), set, d.UpdatedBy, d.UpdatedAt)).ToList());
    }

    private static async Task<Results<NoContent, RefusedHttpResult>> SetVendorLandDefaults(string offeringId, string landCode, JsonObject values, ClaimsPrincipal user,
        OfferingDirectory offerings, LandDefaults defaults, CancellationToken ct)
    {
        if (await offerings.GetAsync(offeringId, ct) is not { } offering || !TenantAccess.EditsForVendor(user, offering.VendorId)) return NotFound();
        if (!offering.LandCodes.Contains(landCode)) return LandNotOrderable(landCode);
        await defaults.SetAsync(offeringId, landCode, LandDefaultSource.Vendor, offering.VendorId, values, user.SubjectOf()!, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, RefusedHttpResult>> SetBundlerLandDefaults(string offeringId, string landCode, JsonObject values, ClaimsPrincipal user,
        ProvisioningAccess access, OfferingDirectory offerings, LandDefaults defaults, CancellationToken ct)
    {
        if (!await access.BundlerOfLandAsync(user, landCode, ct) || await offerings.GetAsync(offeringId, ct) is not { } offering) return NotFound();
        if (!offering.LandCodes.Contains(landCode)) return LandNotOrderable(landCode);
        // Only the bundler the Land designates (or the Land's own organisation) gets past here: LandDefaults checks at write time (403).
        await defaults.SetAsync(offeringId, landCode, LandDefaultSource.Bundler, user.OrganisationOf()!, values, user.SubjectOf()!, ct);
        return TypedResults.NoContent();
    }

    private static RefusedHttpResult LandNotOrderable(string landCode) =>
        CodedProblems.Refused(RequestValidationException.Coded("landCode", "order.not-orderable-in-land", $"Angebot in Land {landCode} nicht bestellbar", landCode));

    // ---- Rollouts ----

    private static async Task<Created<RolloutResult>> StartRollout(RolloutStartRequest request, ClaimsPrincipal user, ProvisioningAccess access,
        RolloutService rollouts, CancellationToken ct)
    {
        var (targets, errors) = await access.RolloutTargetsAsync(user, request.LandCode, request.MunicipalityAgs, ct);
        if (errors.Count > 0) throw new RequestValidationException(errors);
        var result = await rollouts.CreateAsync(user.SubjectOf()!, user.OrganisationOf(), new RolloutRequest(request.OfferingId ?? "", request.PlanId ?? "",
            request.AddOnIds, targets, null, request.CommonConfiguration, request.OverridesCsv), ct);
        return TypedResults.Created($"/api/v1/rollouts/{result.RolloutId}", result);
    }

    private static async Task<Ok<IReadOnlyList<RolloutSummary>>> ListRollouts([AsParameters] PageRequest paging, ClaimsPrincipal user, RolloutService rollouts,
        CancellationToken ct)
    {
        var (take, skip) = paging.Of(MaxPage, DefaultPage);
        return TypedResults.Ok(await rollouts.ListAsync(user.OrganisationOf() ?? "", take, skip, ct));
    }

    private static async Task<Results<Ok<RolloutProgressResponse>, RefusedHttpResult>> RolloutProgressOf(string id, ClaimsPrincipal user, ProvisioningAccess access,
        RolloutService rollouts, CancellationToken ct)
    {
        if (!await access.OwnsRolloutAsync(user, id, ct)) return NotFound();
        return TypedResults.Ok(RolloutProgressResponse.From(await rollouts.ProgressAsync(id,
            visibleAgs: await access.RolloutMunicipalitiesAsync(user, MunicipalityPermission.View, ct), ct: ct)));
    }

    private static async Task<Results<Ok<RetriedResponse>, RefusedHttpResult>> RetryRollout(string id, ClaimsPrincipal user, ProvisioningAccess access,
        RolloutService rollouts, CancellationToken ct)
    {
        if (!await access.OwnsRolloutAsync(user, id, ct)) return NotFound();
        return TypedResults.Ok(new RetriedResponse(await rollouts.RetryFailedAsync(id, user.SubjectOf()!, user.OrganisationOf(),
            await access.RolloutMunicipalitiesAsync(user, MunicipalityPermission.Order, ct), ct)));
    }

    // ---- Dead letter ----

    private static async Task<Ok<List<DeadJobResponse>>> DeadJobs([AsParameters] PageRequest paging, JobStore jobs, CancellationToken ct)
    {
        var (take, skip) = paging.Of(MaxPage, DefaultPage);
        return TypedResults.Ok((await jobs.DeadLetterAsync(take, skip, ct)).Select(j =>
            new DeadJobResponse(j.Id, j.Kind, j.SubscriptionId, j.BrokerKey, j.Phase, j.Failures, j.LastError, j.CreatedAt, j.FinishedAt)).ToList());
    }

    private static async Task<NoContent> RetryJob(string jobId, ClaimsPrincipal user, SubscriptionService subscriptions, CancellationToken ct)
    {
        await subscriptions.RetryDeadJobAsync(jobId, user.SubjectOf()!, user.OrganisationOf(), ct);
        return TypedResults.NoContent();
    }

    private static ConfigurationResponse ToResponse(ConfigView view) => new(view.Values, view.SecretsSet, view.Provenance);

    private static RefusedHttpResult NotFound() => CodedProblems.NotFound();

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
