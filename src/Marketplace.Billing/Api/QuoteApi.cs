using System.Globalization;
using System.Security.Claims;
using Marketplace.Billing.Pricing;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Billing.Api;

/// <summary>
/// GET /api/v1/municipalities/{ags}/offerings/{offeringId}/quote: what an order would cost the municipality, the figures
/// the order form shows. Only who may order for the municipality asks; anyone else gets 404 as for its other data.
/// </summary>
public static class QuoteApi
{
    public static IEndpointRouteBuilder MapQuoteApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/municipalities/{ags}/offerings/{offeringId}/quote", Quote).RequireAuthorization(Policies.Authenticated)
            .WithTags("Billing").WithName("QuoteOrder")
            .WithSummary("Cost of an order before it is placed: one-time fees, prorated add-ons, usage above the included quantities (usage=dimension:units per month), the funded standard package and a twelve-month total, net of VAT")
            .Produces<QuoteResponse>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The quote with its totals spelled out, as JSON.</summary>
    public sealed record QuoteResponse(
        string Currency, string OfferingId, string PlanId, string Funder, long FundedValuePerMonthCents, string FirstPeriod,
        IReadOnlyList<QuoteLine> OneTime, IReadOnlyList<QuoteLine> AddOns, IReadOnlyList<QuoteUsage> Usage,
        long FirstInvoiceNetCents, long RecurringPerMonthNetCents, long TwelveMonthsNetCents)
    {
        public QuoteResponse(OrderQuote q) : this(Money.Currency, q.OfferingId, q.PlanId, q.Funder, q.FundedValuePerMonthCents, q.FirstMonth.Period,
            q.OneTime, q.AddOns, q.Usage, q.FirstInvoiceCents, q.RecurringPerMonthCents, q.TwelveMonthsCents) { }
    }

    private static async Task<IResult> Quote(string ags, string offeringId, string? planId, [FromQuery] string[]? addOnIds, [FromQuery] string[]? usage,
        ClaimsPrincipal user, [FromServices] TenantAccess access, OrderQuotes quotes, TimeProvider clock, CancellationToken ct)
    {
        if (!await access.CanActForMunicipalityAsync(user, ags, MunicipalityPermission.Order, ct)) return Results.NotFound();
        if (string.IsNullOrWhiteSpace(planId)) return Invalid("planId", "Required: the plan to quote.");
        if (ParseUsage(usage ?? []) is not { } perMonth) return Invalid("usage", "Each value is dimension:units per month, units a whole number from 0.");
        var chosen = addOnIds ?? [];
        var quote = await quotes.QuoteAsync(new QuoteRequest(offeringId, planId, chosen, clock.GetUtcNow(), perMonth), ct);
        if (quote is null) return Results.NotFound();
        if (chosen.FirstOrDefault(a => quote.AddOns.All(q => q.ExtraId != a)) is { } unknown)
            return Invalid("addOnIds", $"'{unknown}' is not an add-on of plan {planId}.");
        if (perMonth.Keys.FirstOrDefault(d => quote.Usage.All(u => u.ExtraId != d)) is { } dimension)
            return Invalid("usage", $"'{dimension}' is not metered in plan {planId}.");
        return Results.Ok(new QuoteResponse(quote));
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

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
