using System.Globalization;
using System.Security.Claims;
using Marketplace.Billing.Pricing;
using Marketplace.Identity.Access;
using Marketplace.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Billing.Api;

/// <summary>
/// GET /api/v1/municipalities/{ags}/offerings/{offeringId}/quote: what an order would cost the municipality, the figures
/// the order form shows. Only who may order for the municipality asks; anyone else gets 404 as for its other data.
/// </summary>
public static class QuoteApi
{
    internal static IEndpointRouteBuilder MapQuoteApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/municipalities/{ags}/offerings/{offeringId}/quote", Quote).RequireAuthorization(Policies.Authenticated)
            .WithTags(ApiTags.Billing).WithName("QuoteOrder")
            .WithSummary("Cost of an order before it is placed: one-time fees, prorated add-ons, usage above the included quantities (usage=dimension:units per month), the funded standard package and a twelve-month total, net of VAT")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/api/v1/municipalities/{ags}/quotes", QuoteMany).RequireAuthorization(Policies.Authenticated)
            .WithTags(ApiTags.Billing).WithName("QuoteCombinedOrder")
            .WithSummary("Cost of several offerings ordered together (a bundle, the Merkliste): each offering's quote and the combined totals, net of VAT")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>One offering of a combined quote: plan, add-ons and expected units a month per dimension (absent: estimated).</summary>
    public sealed record QuoteItemRequest(string? OfferingId, string? PlanId, IReadOnlyList<string>? AddOnIds, IReadOnlyDictionary<string, long>? Usage);

    public sealed record CombinedQuoteRequest(IReadOnlyList<QuoteItemRequest>? Items);

    /// <summary>Each offering's quote and the sums of their totals.</summary>
    public sealed record CombinedQuoteResponse(string Currency, IReadOnlyList<QuoteResponse> Items, long FirstInvoiceNetCents,
        long RecurringPerMonthNetCents, long TwelveMonthsNetCents)
    {
        public CombinedQuoteResponse(CombinedQuote q) : this(Money.Currency, q.Items.Select(i => new QuoteResponse(i)).ToList(),
            q.FirstInvoiceCents, q.RecurringPerMonthCents, q.TwelveMonthsCents) { }
    }

    /// <summary>The quote with its totals spelled out, as JSON; Start is the first billable instant it was calculated for.</summary>
    public sealed record QuoteResponse(
        string Currency, string OfferingId, string PlanId, string Funder, long FundedValuePerMonthCents, string FirstPeriod,
        IReadOnlyList<QuoteLine> OneTime, IReadOnlyList<QuoteLine> AddOns, IReadOnlyList<QuoteUsage> Usage,
        long FirstInvoiceNetCents, long RecurringPerMonthNetCents, long TwelveMonthsNetCents, DateTimeOffset Start)
    {
        public QuoteResponse(OrderQuote q) : this(Money.Currency, q.OfferingId, q.PlanId, q.Funder, q.FundedValuePerMonthCents, q.FirstMonth.Period,
            q.OneTime, q.AddOns, q.Usage, q.FirstInvoiceCents, q.RecurringPerMonthCents, q.TwelveMonthsCents, q.Start) { }
    }

    private static async Task<Results<Ok<QuoteResponse>, NotFound, RefusedHttpResult>> Quote(string ags, string offeringId, string? planId, [FromQuery] string[]? addOnIds, [FromQuery] string[]? usage,
        ClaimsPrincipal user, [FromServices] TenantAccess access, OrderQuotes quotes, TimeProvider clock, CancellationToken ct)
    {
        if (!await access.CanActForMunicipalityAsync(user, ags, MunicipalityPermission.Order, ct)) return TypedResults.NotFound();
        if (string.IsNullOrWhiteSpace(planId)) return Invalid("planId", "quote.plan-required", "Nennen Sie den Tarif, der berechnet werden soll.");
        if (ParseUsage(usage ?? []) is not { } perMonth) return Invalid("usage", "quote.usage-format", "Jeder Wert ist Messgröße:Einheiten je Monat, die Einheiten eine ganze Zahl ab 0.");
        var chosen = addOnIds ?? [];
        var quote = await quotes.QuoteAsync(new QuoteRequest(offeringId, planId, chosen, clock.GetUtcNow(), perMonth), ags, ct);
        if (quote is null) return TypedResults.NotFound();
        if (chosen.FirstOrDefault(a => quote.AddOns.All(q => q.ExtraId != a)) is { } unknown)
            return Invalid("addOnIds", "quote.not-an-add-on", $"„{unknown}“ ist kein Zusatzmodul des Tarifs {planId}.", unknown, planId);
        if (perMonth.Keys.FirstOrDefault(d => quote.Usage.All(u => u.ExtraId != d)) is { } dimension)
            return Invalid("usage", "quote.not-metered", $"„{dimension}“ wird im Tarif {planId} nicht nach Nutzung berechnet.", dimension, planId);
        return TypedResults.Ok(new QuoteResponse(quote));
    }

    private static async Task<Results<Ok<CombinedQuoteResponse>, NotFound, RefusedHttpResult>> QuoteMany(string ags, CombinedQuoteRequest? request, ClaimsPrincipal user, [FromServices] TenantAccess access,
        OrderQuotes quotes, TimeProvider clock, CancellationToken ct)
    {
        if (!await access.CanActForMunicipalityAsync(user, ags, MunicipalityPermission.Order, ct)) return TypedResults.NotFound();
        var items = request?.Items ?? [];
        if (items.Count is 0 or > 50) return Invalid("items", "quote.items", "Zwischen 1 und 50 Angebote.");
        var start = clock.GetUtcNow();
        var requests = new List<QuoteRequest>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (string.IsNullOrWhiteSpace(item?.OfferingId)) return Invalid($"items/{i}/offeringId", "required", "erforderlich");
            if (string.IsNullOrWhiteSpace(item.PlanId)) return Invalid($"items/{i}/planId", "quote.plan-required", "Nennen Sie den Tarif, der berechnet werden soll.");
            if (item.Usage?.FirstOrDefault(u => u.Value is < 0 or > 100_000_000) is { Key: not null } bad)
                return Invalid($"items/{i}/usage/{bad.Key}", "quote.units", "Einheiten je Monat, eine ganze Zahl ab 0.");
            requests.Add(new QuoteRequest(item.OfferingId, item.PlanId, item.AddOnIds ?? [], start,
                item.Usage ?? new Dictionary<string, long>()));
        }
        var quote = await quotes.QuoteAllAsync(requests, ags, ct);
        if (quote is null) return TypedResults.NotFound();
        for (var i = 0; i < requests.Count; i++)
        {
            if (requests[i].AddOnIds.FirstOrDefault(a => quote.Items[i].AddOns.All(q => q.ExtraId != a)) is { } unknown)
                return Invalid($"items/{i}/addOnIds", "quote.not-an-add-on", $"„{unknown}“ ist kein Zusatzmodul des Tarifs {requests[i].PlanId}.", unknown, requests[i].PlanId);
            if (requests[i].UsagePerMonth.Keys.FirstOrDefault(d => quote.Items[i].Usage.All(u => u.ExtraId != d)) is { } dimension)
                return Invalid($"items/{i}/usage", "quote.not-metered", $"„{dimension}“ wird im Tarif {requests[i].PlanId} nicht nach Nutzung berechnet.", dimension, requests[i].PlanId);
        }
        return TypedResults.Ok(new CombinedQuoteResponse(quote));
    }

    /// <summary>"antraege:300" pairs; null when one is malformed.</summary>
    public static Dictionary<string, long>? ParseUsage(IEnumerable<string> values)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var parts = value.Split(':', 2);
            if (parts.Length != 2 || parts[0].Length == 0 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var units)
                || units > 100_000_000 || !result.TryAdd(parts[0], units))
                return null;
        }
        return result;
    }

    private static RefusedHttpResult Invalid(string field, string code, string german, params object[] args) =>
        CodedProblems.Refused(RequestValidationException.Coded(field, code, german, args));
}
