using System.Security.Claims;
using Marketplace.Billing.Api;
using Marketplace.Billing.Pricing;
using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Api;
using Marketplace.Provisioning.Baskets;
using Marketplace.Provisioning.Orders;
using Marketplace.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Hosting;

/// <summary>
/// The Merkliste under /api/v1/municipalities/{ags}/basket: the signed-in buyer's list for the municipality with its
/// combined cost summary, putting and removing offerings, and ordering all of it in one order. Composed here because
/// the list belongs to ordering and the figures to billing. Who may order for the municipality uses it; another
/// municipality's answers 404, vendors and the platform 403.
/// </summary>
public static class BasketApi
{
    public static IEndpointRouteBuilder MapBasketApi(this IEndpointRouteBuilder app)
    {
        var basket = app.MapGroup("/api/v1/municipalities/{ags}").WithTags(ApiTags.Provisioning)
            .RequireAuthorization(Policies.ActsForMunicipality)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        basket.MapGet("/basket", Get).WithName("GetBasket")
            .WithSummary("The buyer's Merkliste for the municipality with the cost summary per offering and combined (usage estimated from the population where the vendor states a typical usage), net of VAT");
        basket.MapPut("/basket/items/{offeringId}", Put).WithName("PutBasketItem")
            .WithSummary("Puts an offering on the Merkliste with a plan and that plan's add-ons, or changes them").ProducesValidationProblem();
        basket.MapDelete("/basket/items/{offeringId}", Delete).WithName("DeleteBasketItem")
            .WithSummary("Takes an offering off the Merkliste");
        basket.MapPost("/basket/orders", Order).WithName("OrderBasket")
            .WithSummary("Orders everything on the Merkliste in one order: sharedConfiguration once, configurations by offering id; the Idempotency-Key header makes a repeat return the first order")
            .ProducesValidationProblem().ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    /// <summary>The list and what it costs; Quote is null when an offering's plan left the catalogue (remove it to see the figures).</summary>
    public sealed record BasketResponse(IReadOnlyList<BasketItem> Items, QuoteApi.CombinedQuoteResponse? Quote);

    private static async Task<Results<Ok<BasketResponse>, RefusedHttpResult>> Get(string ags, ClaimsPrincipal user, ProvisioningAccess access, BasketService baskets,
        OrderQuotes quotes, TimeProvider clock, CancellationToken ct)
    {
        if (await access.RefusalAsync(user, ags, MunicipalityPermission.Order, ct) is { } refused) return CodedProblems.Refused(refused);
        var items = await baskets.ListAsync(ags, user.SubjectOf()!, ct);
        var start = clock.GetUtcNow();
        var quote = items.Count == 0 ? new CombinedQuote([])
            : await quotes.QuoteAllAsync(items.Select(i => new QuoteRequest(i.OfferingId, i.PlanId, i.AddOnIds, start, new Dictionary<string, long>())).ToList(), ags, ct);
        return TypedResults.Ok(new BasketResponse(items, quote is null ? null : new QuoteApi.CombinedQuoteResponse(quote)));
    }

    private static async Task<Results<Ok<BasketItem>, RefusedHttpResult>> Put(string ags, string offeringId, BasketItemRequest request, ClaimsPrincipal user,
        ProvisioningAccess access, BasketService baskets, CancellationToken ct) =>
        await access.RefusalAsync(user, ags, MunicipalityPermission.Order, ct) is { } refused
            ? CodedProblems.Refused(refused) : TypedResults.Ok(await baskets.PutAsync(ags, user.SubjectOf()!, offeringId, request, ct));

    private static async Task<Results<NoContent, RefusedHttpResult>> Delete(string ags, string offeringId, ClaimsPrincipal user, ProvisioningAccess access,
        BasketService baskets, CancellationToken ct)
    {
        if (await access.RefusalAsync(user, ags, MunicipalityPermission.Order, ct) is { } refused) return CodedProblems.Refused(refused);
        return await baskets.RemoveAsync(ags, user.SubjectOf()!, offeringId, ct)
            ? TypedResults.NoContent()
            : CodedProblems.Refused(new NotFoundException($"{offeringId} steht nicht auf der Merkliste") { Code = "basket.not-listed", Args = [offeringId] });
    }

    private static async Task<Results<Created<OrderView>, Ok<OrderView>, RefusedHttpResult>> Order(string ags, BasketOrderRequest? request,
        [FromHeader(Name = ProvisioningApi.IdempotencyKeyHeader)] string? idempotencyKey, ClaimsPrincipal user, ProvisioningAccess access, BasketService baskets,
        CancellationToken ct)
    {
        if (await access.RefusalAsync(user, ags, MunicipalityPermission.Order, ct) is { } refused) return CodedProblems.Refused(refused);
        // An exception to the data policy is a buyer-admin's decision for their own municipality, not a delegate's.
        if (request?.DataPolicyExceptions?.Values.Any(e => e is not null) == true) await access.RequireOwnBuyerAdminAsync(user, ags, ct);
        var result = await baskets.OrderAsync(ags, user.SubjectOf()!, idempotencyKey ?? "", request ?? new BasketOrderRequest(null, null), ct);
        return result.Created ? TypedResults.Created(ProvisioningApi.OrderUrl(ags, result), result.Order) : TypedResults.Ok(result.Order);
    }
}
