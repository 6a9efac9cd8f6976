using System.Security.Claims;
using Marketplace.Billing.Api;
using Marketplace.Billing.Pricing;
using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Orders;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Hosting;

/// <summary>
/// GET /api/v1/municipalities/{ags}/orders/{orderId}/quote: the cost summary of a placed order, the figures the order
/// page shows. Composed here because the order belongs to provisioning and the figures to billing. Authorised like the
/// order itself: who may read the municipality's orders; anyone else gets 404.
/// </summary>
public static class OrderQuoteApi
{
    public static IEndpointRouteBuilder MapOrderQuoteApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/municipalities/{ags}/orders/{orderId}/quote", Get).RequireAuthorization(Policies.Authenticated)
            .WithTags(ApiTags.Billing).WithName("QuotePlacedOrder")
            .WithSummary("Cost of a placed order, per offering and combined: one-time fees, add-ons prorated from the day each subscription became billable (not yet billable: from today), usage estimated from the population, the funded standard package and a twelve-month total, net of VAT; the first invoice says the same")
            
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<QuoteApi.CombinedQuoteResponse>, NotFound, RefusedHttpResult>> Get(string ags, string orderId, ClaimsPrincipal user,
        ProvisioningAccess access, OrderCosts costs, CancellationToken ct)
    {
        if (await access.RefusalAsync(user, ags, MunicipalityPermission.View, ct) is { } refused) return CodedProblems.Refused(refused);
        var (_, quote) = await costs.QuoteAsync(ags, orderId, ct);
        return quote is null ? TypedResults.NotFound() : TypedResults.Ok(new QuoteApi.CombinedQuoteResponse(quote));
    }
}

/// <summary>
/// An order with its cost summary: each subscription it created, quoted as billing will charge it (see
/// <see cref="OrderQuotes.QuoteOrderedAsync"/>). The order page and the quote API use this one source.
/// </summary>
public sealed class OrderCosts(OrderService orders, SubscriptionService subscriptions, OrderQuotes quotes, TimeProvider clock)
{
    /// <summary>The order's subscriptions (in the order of the quote's items) and the quote; null when a plan left the catalogue.</summary>
    public async Task<(IReadOnlyList<SubscriptionView> Subscriptions, CombinedQuote? Quote)> QuoteAsync(string ags, string orderId, CancellationToken ct)
    {
        var order = await orders.GetAsync(ags, orderId, ct);
        return await QuoteAsync(order, ct);
    }

    public async Task<(IReadOnlyList<SubscriptionView> Subscriptions, CombinedQuote? Quote)> QuoteAsync(OrderView order, CancellationToken ct)
    {
        var views = new List<SubscriptionView>();
        foreach (var id in order.SubscriptionIds) views.Add(await subscriptions.GetAsync(order.MunicipalityAgs, id, ct));
                var quote = await quotes.QuoteOrderedAsync(order.MunicipalityAgs,
            views.Select(s => new OrderedSubscription(s.Id, s.OfferingId, s.PlanId, s.AddOnIds, order.OrderedAt)).ToList(), clock.GetUtcNow(), ct);
        return (views, quote);
    }
}
