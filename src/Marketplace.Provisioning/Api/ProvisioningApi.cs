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
            .Produces<OrderView>(StatusCodes.Status201Created).Produces<OrderView>().ProducesValidationProblem().ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        municipality.MapGet("/orders", ListOrders).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The municipality's orders, newest first").Produces<IReadOnlyList<OrderView>>();
        municipality.MapGet("/orders/{orderId}", GetOrder).RequireAuthorization(Policies.Authenticated).Produces<OrderView>();
        municipality.MapPost("/orders/{orderId}/approval", Approve).RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("A second buyer-admin approves an order above the threshold; provisioning starts").Produces<OrderView>().ProducesProblem(StatusCodes.Status409Conflict);
        municipality.MapPost("/orders/{orderId}/rejection", Reject).RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("A second buyer-admin rejects an order above the threshold, with a reason").Produces<OrderView>().ProducesValidationProblem();
        municipality.MapPut("/order-settings", SetOrderSettings).RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("The monthly cost above which an order needs a second buyer-admin (null: never)").Produces(StatusCodes.Status204NoContent);
        municipality.MapPost("/bundle-orders", PlaceBundleOrder).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("Orders a life-event bundle: one offering per Leistung, shared fields once, one order for all")
            .Produces<OrderView>(StatusCodes.Status201Created).ProducesValidationProblem();

        // The export answers as the list does (another municipality: 404).
        api.MapGet("/municipalities/{ags}/subscriptions/export.csv", SubscriptionsCsv).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The municipality's subscriptions as CSV").Produces(StatusCodes.Status200OK, contentType: "text/csv");
        municipality.MapGet("/subscriptions", ListSubscriptions).RequireAuthorization(Policies.Authenticated).Produces<IReadOnlyList<SubscriptionView>>();
        municipality.MapGet("/subscriptions/{id}", GetSubscription).RequireAuthorization(Policies.Authenticated).Produces<SubscriptionView>();
        municipality.MapGet("/subscriptions/{id}/timeline", Timeline).RequireAuthorization(Policies.Authenticated).Produces<IReadOnlyList<SubscriptionEvent>>();
        municipality.MapGet("/subscriptions/{id}/configuration", Configuration).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The effective configuration with the source of each value; secrets are never returned, only whether they are set")
            .Produces<ConfigurationResponse>();
        municipality.MapPatch("/subscriptions/{id}", Change).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("Changes plan, add-ons or configuration (omitted: unchanged); the broker gets a PATCH").Produces<SubscriptionView>().ProducesValidationProblem();
        municipality.MapPost("/subscriptions/{id}/suspension", Suspend).RequireAuthorization(Policies.ActsForMunicipality).Produces<SubscriptionView>();
        municipality.MapDelete("/subscriptions/{id}/suspension", Resume).RequireAuthorization(Policies.ActsForMunicipality).Produces<SubscriptionView>();
        municipality.MapDelete("/subscriptions/{id}", Cancel).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("Cancels: the broker deletes the instance").Produces<SubscriptionView>();
        municipality.MapPost("/subscriptions/{id}/retries", Retry).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("Retries a failed subscription from where it failed").Produces<SubscriptionView>().ProducesProblem(StatusCodes.Status409Conflict);
        municipality.MapRenamedPost("/subscriptions/{id}/retry", "retries");

        var vendor = api.MapGroup("/vendors/{vendorId}");
        vendor.MapGet("/orders", VendorOrders).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Orders of the vendor's offerings (each with the vendor's subscriptions only)").Produces<IReadOnlyList<OrderView>>();
        vendor.MapGet("/subscriptions", VendorSubscriptions).RequireAuthorization(Policies.Authenticated).Produces<IReadOnlyList<SubscriptionView>>();
        vendor.MapGet("/subscriptions/{id}", VendorSubscription).RequireAuthorization(Policies.Authenticated).Produces<VendorSubscriptionResponse>();
        vendor.MapGet("/tasks", Tasks).RequireAuthorization(Policies.VendorUser)
            .WithSummary("Manual fulfilment tasks: requests, changes and cancellations of the vendor's manual offerings").Produces<IReadOnlyList<FulfilmentTask>>();
        vendor.MapPost("/tasks/{subscriptionId}/completion", CompleteTask).RequireAuthorization(Policies.VendorUser)
            .WithSummary("Completes a task with a dashboard URL and notes").Produces(StatusCodes.Status204NoContent).ProducesValidationProblem();
        vendor.MapPost("/tasks/{subscriptionId}/rejection", RejectTask).RequireAuthorization(Policies.VendorUser)
            .WithSummary("Rejects a task with a reason").Produces(StatusCodes.Status204NoContent).ProducesValidationProblem();

        api.MapGet("/offerings/{offeringId}/land-defaults/{landCode}", GetLandDefaults).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Land defaults of an offering, for its vendor, the Land's bundling organisation and the platform (secrets hidden)")
            .Produces<IReadOnlyList<LandDefaultResponse>>();
        api.MapPut("/offerings/{offeringId}/land-defaults/{landCode}/vendor", SetVendorLandDefaults).RequireAuthorization(Policies.VendorEditor)
            .WithSummary("The offering's vendor sets its defaults for a Land").Produces(StatusCodes.Status204NoContent).ProducesValidationProblem();
        api.MapPut("/offerings/{offeringId}/land-defaults/{landCode}/bundler", SetBundlerLandDefaults).RequireAuthorization(Policies.BundlerAdmin)
            .WithSummary("The bundling organisation the Land designates sets its defaults (they win over the vendor's)").Produces(StatusCodes.Status204NoContent).ProducesValidationProblem();
        LandDesignationApi.MapLandDesignations(api);
        Residency.DataPolicyApi.MapDataPolicies(api);
        Residency.SubProcessorApi.MapSubProcessors(api);
        BackOffice.FachverfahrenApi.MapFachverfahren(api);

        api.MapPost("/rollouts", StartRollout).RequireAuthorization(Policies.BundlerAdmin)
            .WithSummary("Orders one offering for every delegating municipality of a Land or for a list of AGS, with CSV overrides")
            .Produces<RolloutResult>(StatusCodes.Status201Created).ProducesValidationProblem();
        api.MapGet("/rollouts", ListRollouts).RequireAuthorization(Policies.BundlerAdmin).Produces<IReadOnlyList<RolloutSummary>>();
        api.MapGet("/rollouts/{id}", RolloutProgressOf).RequireAuthorization(Policies.BundlerAdmin)
            .WithSummary("Live progress: counts per state, failures with reasons, ETA").Produces<RolloutProgressResponse>();
        api.MapPost("/rollouts/{id}/retries", RetryRollout).RequireAuthorization(Policies.BundlerAdmin)
            .WithSummary("Retries every failed municipality of the rollout").Produces<RetriedResponse>();
        api.MapRenamedPost("/rollouts/{id}/retry", "retries");

        api.MapGet("/admin/jobs/dead", DeadJobs).RequireAuthorization(Policies.PlatformReader)
            .WithSummary("The dead letter: broker jobs whose retries are exhausted").Produces<IReadOnlyList<DeadJobResponse>>();
        api.MapPost("/admin/jobs/{jobId}/retries", RetryJob).RequireAuthorization(Policies.PlatformAdmin)
            .WithSummary("Queues a dead job again with fresh retries").Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status409Conflict);
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
        string UpdatedBy, string UpdatedAt);
    public sealed record RolloutStartRequest(string? OfferingId, string? PlanId, IReadOnlyList<string>? AddOnIds, string? LandCode,
        IReadOnlyList<string>? MunicipalityAgs, JsonObject? CommonConfiguration, string? OverridesCsv);
    public sealed record RolloutProgressResponse(string RolloutId, string OfferingId, int Total, IReadOnlyDictionary<string, int> CountsByState,
        IReadOnlyList<RolloutFailure> Failures, bool Finished, DateTimeOffset StartedAt, double ElapsedSeconds, double CompletedPerSecond,
        double? EstimatedRemainingSeconds)
    {
        /// <summary>The municipalities the rollout left out, with the reason (already subscribed, or excluded by their data policy).</summary>
        public IReadOnlyList<RolloutSkip> Skipped { get; init; } = [];
    }
    public sealed record RetriedResponse(int Retried);
    public sealed record DeadJobResponse(string Id, string Kind, string SubscriptionId, string BrokerKey, string Phase, long Failures, string? LastError,
        string CreatedAt, string? FinishedAt);

    // ---- Orders ----

    private static async Task<IResult> PlaceOrder(string ags, OrderRequest request, [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        ClaimsPrincipal user, TenantAccess access, OrderService orders, CancellationToken ct)
    {
        if (await RefusedAsync(user, ags, MunicipalityPermission.Order, access, ct) is { } refused) return refused;
        // An exception to the data policy is a buyer-admin's decision for their own municipality, not a delegate's.
        if (request.DataPolicyException is not null) await Residency.DataPolicyApi.RequireOwnBuyerAdminAsync(user, access, ags, ct);
        return Placed(ags, await orders.PlaceAsync(ags, user.SubjectOf()!, idempotencyKey ?? "", request, ct));
    }

    private static async Task<IResult> PlaceBundleOrder(string ags, BundleOrderRequest request, [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        ClaimsPrincipal user, TenantAccess access, BundleOrders bundles, CancellationToken ct)
    {
        if (await RefusedAsync(user, ags, MunicipalityPermission.Order, access, ct) is { } refused) return refused;
        if (request.Selections?.Any(s => s?.DataPolicyException is not null) == true) await Residency.DataPolicyApi.RequireOwnBuyerAdminAsync(user, access, ags, ct);
        return Placed(ags, await bundles.PlaceAsync(ags, user.SubjectOf()!, idempotencyKey ?? "", request, ct));
    }

    private static IResult Placed(string ags, OrderResult result) =>
        result.Created ? Results.Created($"/api/v1/municipalities/{ags}/orders/{result.Order.Id}", result.Order) : Results.Ok(result.Order);

    private static async Task<IResult> ListOrders(string ags, int? limit, int? offset, ClaimsPrincipal user, TenantAccess access, OrderService orders, CancellationToken ct) =>
        await RefusedAsync(user, ags, MunicipalityPermission.View, access, ct) ?? Results.Ok(await orders.ListAsync(ags, Limit(limit), Offset(offset), ct));

    private static async Task<IResult> GetOrder(string ags, string orderId, ClaimsPrincipal user, TenantAccess access, OrderService orders, CancellationToken ct) =>
        await RefusedAsync(user, ags, MunicipalityPermission.View, access, ct) ?? Results.Ok(await orders.GetAsync(ags, orderId, ct));

    private static async Task<IResult> Approve(string ags, string orderId, ClaimsPrincipal user, OrderService orders, CancellationToken ct) =>
        OwnMunicipality(user, ags) ? Results.Ok(await orders.ApproveAsync(ags, user.SubjectOf()!, orderId, ct)) : NotFound();

    private static async Task<IResult> Reject(string ags, string orderId, ReasonRequest? request, ClaimsPrincipal user, OrderService orders, CancellationToken ct) =>
        OwnMunicipality(user, ags) ? Results.Ok(await orders.RejectAsync(ags, user.SubjectOf()!, orderId, request?.Reason ?? "", ct)) : NotFound();

    private static async Task<IResult> SetOrderSettings(string ags, ThresholdRequest request, ClaimsPrincipal user, OrderService orders, CancellationToken ct)
    {
        // The four-eyes threshold is the municipality's own rule: its buyer-admins set it, not its delegates.
        if (!OwnMunicipality(user, ags)) return NotFound();
        await orders.SetApprovalThresholdAsync(ags, user.SubjectOf()!, request.ApprovalThresholdCents, ct);
        return Results.NoContent();
    }

    // ---- Subscriptions ----

    private static async Task<IResult> SubscriptionsCsv(string ags, ClaimsPrincipal user, [FromServices] TenantAccess access, SubscriptionExport exports, CancellationToken ct)
    {
        if (!await access.CanActForMunicipalityAsync(user, ags, MunicipalityPermission.View, ct)) return Results.NotFound();
        return Results.File(await exports.CsvAsync(ags, ct), CsvExport.ContentType, $"abonnements-{ags}.csv");
    }

    private static async Task<IResult> ListSubscriptions(string ags, ClaimsPrincipal user, TenantAccess access, SubscriptionService subscriptions,
        IStringLocalizerFactory texts, CancellationToken ct) =>
        await RefusedAsync(user, ags, MunicipalityPermission.View, access, ct)
            ?? Results.Ok((await subscriptions.ListAsync(ags, ct)).Select(v => Worded(v, texts)).ToList());

    private static async Task<IResult> GetSubscription(string ags, string id, ClaimsPrincipal user, TenantAccess access, SubscriptionService subscriptions,
        IStringLocalizerFactory texts, CancellationToken ct) =>
        await RefusedAsync(user, ags, MunicipalityPermission.View, access, ct) ?? Results.Ok(Worded(await subscriptions.GetAsync(ags, id, ct), texts));

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

    private static async Task<IResult> Timeline(string ags, string id, ClaimsPrincipal user, TenantAccess access, SubscriptionService subscriptions, CancellationToken ct) =>
        await RefusedAsync(user, ags, MunicipalityPermission.View, access, ct) ?? Results.Ok(await subscriptions.TimelineAsync(ags, id, ct));

    private static async Task<IResult> Configuration(string ags, string id, ClaimsPrincipal user, TenantAccess access, TenantConfiguration configuration,
        CancellationToken ct) =>
        await RefusedAsync(user, ags, MunicipalityPermission.View, access, ct) ?? Results.Ok(ToResponse(await configuration.ViewAsync(ags, id, ct)));

    private static async Task<IResult> Change(string ags, string id, ChangeRequest request, ClaimsPrincipal user, TenantAccess access,
        SubscriptionService subscriptions, IStringLocalizerFactory texts, CancellationToken ct)
    {
        // A new plan or add-ons change the bill (order permission); new values change the configuration (configure permission).
        var needed = (request.Configuration is null ? 0 : MunicipalityPermission.Configure)
                     | (request.PlanId is null && request.AddOnIds is null ? 0 : MunicipalityPermission.Order);
        if (await RefusedAsync(user, ags, needed == 0 ? MunicipalityPermission.Configure : needed, access, ct) is { } refused) return refused;
        return Results.Ok(Worded(await subscriptions.ChangeAsync(ags, user.SubjectOf()!, id, request, ct), texts));
    }

    private static async Task<IResult> Suspend(string ags, string id, ClaimsPrincipal user, TenantAccess access, SubscriptionService subscriptions,
        IStringLocalizerFactory texts, CancellationToken ct) =>
        await RefusedAsync(user, ags, MunicipalityPermission.Order, access, ct) ?? Results.Ok(Worded(await subscriptions.SuspendAsync(ags, user.SubjectOf()!, id, ct), texts));

    private static async Task<IResult> Resume(string ags, string id, ClaimsPrincipal user, TenantAccess access, SubscriptionService subscriptions,
        IStringLocalizerFactory texts, CancellationToken ct) =>
        await RefusedAsync(user, ags, MunicipalityPermission.Order, access, ct) ?? Results.Ok(Worded(await subscriptions.ResumeAsync(ags, user.SubjectOf()!, id, ct), texts));

    private static async Task<IResult> Cancel(string ags, string id, ClaimsPrincipal user, TenantAccess access, SubscriptionService subscriptions,
        IStringLocalizerFactory texts, CancellationToken ct) =>
        await RefusedAsync(user, ags, MunicipalityPermission.Order, access, ct) ?? Results.Ok(Worded(await subscriptions.CancelAsync(ags, user.SubjectOf()!, id, ct), texts));

    private static async Task<IResult> Retry(string ags, string id, ClaimsPrincipal user, TenantAccess access, SubscriptionService subscriptions,
        IStringLocalizerFactory texts, CancellationToken ct) =>
        await RefusedAsync(user, ags, MunicipalityPermission.Order, access, ct) ?? Results.Ok(Worded(await subscriptions.RetryAsync(ags, user.SubjectOf()!, id, ct), texts));

    // ---- Vendor ----

    private static async Task<IResult> VendorOrders(string vendorId, int? limit, int? offset, ClaimsPrincipal user, OrderService orders, CancellationToken ct) =>
        ReadsVendor(user, vendorId) ? Results.Ok(await orders.ListForVendorAsync(vendorId, Limit(limit), Offset(offset), ct)) : NotFound();

    private static async Task<IResult> VendorSubscriptions(string vendorId, ClaimsPrincipal user, SubscriptionService subscriptions, CancellationToken ct) =>
        ReadsVendor(user, vendorId) ? Results.Ok(await subscriptions.ListForVendorAsync(vendorId, ct)) : NotFound();

    private static async Task<IResult> VendorSubscription(string vendorId, string id, ClaimsPrincipal user, SubscriptionService subscriptions,
        TenantConfiguration configuration, CancellationToken ct)
    {
        if (!ReadsVendor(user, vendorId)) return NotFound();
        return Results.Ok(new VendorSubscriptionResponse(await subscriptions.GetForVendorAsync(vendorId, id, ct),
            ToResponse(await configuration.ViewForVendorAsync(vendorId, id, ct))));
    }

    private static async Task<IResult> Tasks(string vendorId, ClaimsPrincipal user, ManualFulfilment manual, CancellationToken ct) =>
        TenantAccess.ActsForVendor(user, vendorId) ? Results.Ok(await manual.TasksAsync(vendorId, ct)) : NotFound();

    private static async Task<IResult> CompleteTask(string vendorId, string subscriptionId, CompletionRequest request, ClaimsPrincipal user,
        ManualFulfilment manual, CancellationToken ct)
    {
        if (!TenantAccess.ActsForVendor(user, vendorId)) return NotFound();
        await manual.CompleteAsync(vendorId, user.SubjectOf()!, subscriptionId, Blank(request.DashboardUrl), Blank(request.Notes), ct);
        return Results.NoContent();
    }

    private static async Task<IResult> RejectTask(string vendorId, string subscriptionId, ReasonRequest request, ClaimsPrincipal user, ManualFulfilment manual,
        CancellationToken ct)
    {
        if (!TenantAccess.ActsForVendor(user, vendorId)) return NotFound();
        await manual.RejectAsync(vendorId, user.SubjectOf()!, subscriptionId, request.Reason ?? "", ct);
        return Results.NoContent();
    }

    // ---- Land defaults ----

    private static async Task<IResult> GetLandDefaults(string offeringId, string landCode, ClaimsPrincipal user, OfferingDirectory offerings,
        OrganisationStore organisations, LandDefaults defaults, CancellationToken ct)
    {
        if (await offerings.GetAsync(offeringId, ct) is not { } offering) return NotFound();
        var allowed = TenantAccess.ActsForVendor(user, offering.VendorId) || TenantAccess.ReadsAll(user) || await BundlerOfLandAsync(user, landCode, organisations, ct);
        if (!allowed) return NotFound();
        return Results.Ok((await defaults.ForAsync(offeringId, landCode, ct)).Select(d =>
            new LandDefaultResponse(d.SourceKind, d.SourceOrgId, ConfigSecrets.Redact(d.Values, out var set), set, d.UpdatedBy, d.UpdatedAt)).ToList());
    }

    private static async Task<IResult> SetVendorLandDefaults(string offeringId, string landCode, JsonObject values, ClaimsPrincipal user,
        OfferingDirectory offerings, LandDefaults defaults, CancellationToken ct)
    {
        if (await offerings.GetAsync(offeringId, ct) is not { } offering || !TenantAccess.EditsForVendor(user, offering.VendorId)) return NotFound();
        if (!offering.LandCodes.Contains(landCode)) return LandNotOrderable(landCode);
        await defaults.SetAsync(offeringId, landCode, LandDefaultSource.Vendor, offering.VendorId, values, user.SubjectOf()!, ct);
        return Results.NoContent();
    }

    private static async Task<IResult> SetBundlerLandDefaults(string offeringId, string landCode, JsonObject values, ClaimsPrincipal user,
        OfferingDirectory offerings, OrganisationStore organisations, LandDefaults defaults, CancellationToken ct)
    {
        if (!await BundlerOfLandAsync(user, landCode, organisations, ct) || await offerings.GetAsync(offeringId, ct) is not { } offering) return NotFound();
        if (!offering.LandCodes.Contains(landCode)) return LandNotOrderable(landCode);
        // Only the bundler the Land designates (or the Land's own organisation) gets past here: LandDefaults checks at write time (403).
        await defaults.SetAsync(offeringId, landCode, LandDefaultSource.Bundler, user.OrganisationOf()!, values, user.SubjectOf()!, ct);
        return Results.NoContent();
    }

    private static IResult LandNotOrderable(string landCode) =>
        CodedProblems.Refused(RequestValidationException.Coded("landCode", "order.not-orderable-in-land", $"Angebot in Land {landCode} nicht bestellbar", landCode));

    /// <summary>A bundling organisation speaks for the Land it belongs to (its organisation's Land), and for no other.</summary>
    private static async Task<bool> BundlerOfLandAsync(ClaimsPrincipal user, string landCode, OrganisationStore organisations, CancellationToken ct) =>
        user.OrganisationKindOf() == OrganisationKinds.Bundler && user.HasRole(Roles.BundlerAdmin) && user.OrganisationOf() is { } org
        && (await organisations.GetAsync(org, ct))?.LandCode == landCode;

    // ---- Rollouts ----

    private static async Task<IResult> StartRollout(RolloutStartRequest request, ClaimsPrincipal user, TenantAccess access, RolloutService rollouts,
        CancellationToken ct)
    {
        var (targets, errors) = await RolloutTargetsAsync(user, request.LandCode, request.MunicipalityAgs, access, ct);
        if (errors.Count > 0) throw new RequestValidationException(errors);
        var result = await rollouts.CreateAsync(user.SubjectOf()!, user.OrganisationOf(), new RolloutRequest(request.OfferingId ?? "", request.PlanId ?? "",
            request.AddOnIds, targets, null, request.CommonConfiguration, request.OverridesCsv), ct);
        return Results.Created($"/api/v1/rollouts/{result.RolloutId}", result);
    }

    /// <summary>
    /// The municipalities a bundling organisation may roll out to: those that delegated ordering to it, all of them in
    /// a Land, or the listed ones (a listed municipality without such a delegation is an error at its AGS).
    /// </summary>
    public static async Task<(IReadOnlyList<string> Targets, List<FieldError> Errors)> RolloutTargetsAsync(ClaimsPrincipal user, string? landCode,
        IReadOnlyList<string>? listed, TenantAccess access, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var delegated = (await access.MunicipalitiesAsync(user, MunicipalityPermission.Order, ct)).ToHashSet(StringComparer.Ordinal);
        var list = listed?.Select(a => a.Trim()).Where(a => a.Length > 0).Distinct().ToList() ?? [];
        if (string.IsNullOrWhiteSpace(landCode) == (list.Count == 0))
        {
            errors.Add(FieldError.Coded("municipalityAgs", "rollout.ags-or-land", "entweder eine Liste von AGS oder ein Land angeben"));
            return ([], errors);
        }
        if (list.Count == 0)
        {
            // The first two digits of an AGS are its Land.
            var inLand = delegated.Where(a => a.StartsWith(landCode!, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            if (inLand.Count == 0) errors.Add(FieldError.Coded("landCode", "rollout.no-delegation-in-land", "keine Gemeinde dieses Landes hat Ihnen das Bestellen übertragen"));
            return (inLand, errors);
        }
        foreach (var ags in list.Where(a => !delegated.Contains(a)).Take(200))
            errors.Add(FieldError.Coded($"municipalityAgs/{ags}", "rollout.not-delegated", "diese Gemeinde hat Ihnen das Bestellen nicht übertragen"));
        return (list, errors);
    }

    private static async Task<IResult> ListRollouts(int? limit, int? offset, ClaimsPrincipal user, RolloutService rollouts, CancellationToken ct) =>
        Results.Ok(await rollouts.ListAsync(user.OrganisationOf() ?? "", Limit(limit), Offset(offset), ct));

    private static async Task<IResult> RolloutProgressOf(string id, ClaimsPrincipal user, TenantAccess access, RolloutService rollouts, CancellationToken ct)
    {
        if (!await OwnsRolloutAsync(user, id, rollouts, ct)) return NotFound();
        return Results.Ok(ToResponse(await rollouts.ProgressAsync(id, visibleAgs: await RolloutMunicipalitiesAsync(user, MunicipalityPermission.View, access, ct), ct: ct)));
    }

    private static async Task<IResult> RetryRollout(string id, ClaimsPrincipal user, TenantAccess access, RolloutService rollouts, CancellationToken ct)
    {
        if (!await OwnsRolloutAsync(user, id, rollouts, ct)) return NotFound();
        return Results.Ok(new RetriedResponse(await rollouts.RetryFailedAsync(id, user.SubjectOf()!, user.OrganisationOf(),
            await RolloutMunicipalitiesAsync(user, MunicipalityPermission.Order, access, ct), ct)));
    }

    /// <summary>
    /// The municipalities of a rollout the caller may see (or retry) now: owning the rollout is not enough, each
    /// municipality's delegation is checked at the time of the action.
    /// </summary>
    public static async Task<IReadOnlySet<string>> RolloutMunicipalitiesAsync(ClaimsPrincipal user, MunicipalityPermission needed, TenantAccess access,
        CancellationToken ct) =>
        (await access.MunicipalitiesAsync(user, needed, ct)).ToHashSet(StringComparer.Ordinal);

    public static async Task<bool> OwnsRolloutAsync(ClaimsPrincipal user, string rolloutId, RolloutService rollouts, CancellationToken ct)
    {
        try
        {
            return user.OrganisationOf() is { } org && await rollouts.OrganisationOfAsync(rolloutId, ct) == org;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }

    public static RolloutProgressResponse ToResponse(RolloutProgress p) => new(p.RolloutId, p.OfferingId, p.Total, p.CountsByState, p.Failures, p.Finished,
        p.StartedAt, Math.Round(p.Elapsed.TotalSeconds, 1), Math.Round(p.CompletedPerSecond, 2), p.EstimatedRemaining is { } eta ? Math.Round(eta.TotalSeconds) : null) { Skipped = p.Skipped };

    // ---- Dead letter ----

    private static async Task<IResult> DeadJobs(int? limit, int? offset, JobStore jobs, CancellationToken ct) =>
        Results.Ok((await jobs.DeadLetterAsync(Limit(limit), Offset(offset), ct)).Select(j =>
            new DeadJobResponse(j.Id, j.Kind, j.SubscriptionId, j.BrokerKey, j.Phase, j.Failures, j.LastError, j.CreatedAt, j.FinishedAt)).ToList());

    private static async Task<IResult> RetryJob(string jobId, ClaimsPrincipal user, SubscriptionService subscriptions, CancellationToken ct)
    {
        await subscriptions.RetryDeadJobAsync(jobId, user.SubjectOf()!, user.OrganisationOf(), ct);
        return Results.NoContent();
    }

    // ---- Access and problems ----

    /// <summary>Null when the principal holds <paramref name="needed"/> for the municipality; 404 when it is not theirs at all, 403 when it is but the permission is missing.</summary>
    public static async Task<IResult?> RefusedAsync(ClaimsPrincipal user, string ags, MunicipalityPermission needed, TenantAccess access, CancellationToken ct)
    {
        var granted = await access.PermissionsForMunicipalityAsync(user, ags, ct);
        if (granted == MunicipalityPermission.None) return NotFound();
        return (granted & needed) == needed ? null
            : CodedProblems.Refused(new ForbiddenException($"fehlende Berechtigung: {needed & ~granted}") { Code = "permission.missing", Args = [(needed & ~granted).ToString()] });
    }

    /// <summary>The municipality's own buyer-admins (not its delegates): approval and the approval threshold.</summary>
    public static bool OwnMunicipality(ClaimsPrincipal user, string ags) =>
        user.OrganisationKindOf() == OrganisationKinds.Municipality && user.AgsOf() == ags && user.HasRole(Roles.BuyerAdmin);

    private static bool ReadsVendor(ClaimsPrincipal user, string vendorId) => TenantAccess.ActsForVendor(user, vendorId) || TenantAccess.ReadsAll(user);

    public static ConfigurationResponse ToResponse(ConfigView view) => new(view.Values, view.SecretsSet, view.Provenance);

    private static IResult NotFound() => CodedProblems.NotFound();

    private static int Limit(int? limit) => Math.Clamp(limit ?? 100, 1, 500);
    private static int Offset(int? offset) => Math.Max(0, offset ?? 0);
    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
