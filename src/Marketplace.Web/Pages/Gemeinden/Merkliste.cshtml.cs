using Marketplace.Billing.Pricing;
using Marketplace.Catalog.Descriptors;
using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Baskets;
using Marketplace.Provisioning.Configuration;
using Marketplace.Web.Pages.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Pages.Gemeinden;

/// <summary>
/// The Merkliste of the signed-in buyer for a municipality: offerings of several Leistungen and vendors with their plan
/// and add-ons, a cost summary per offering and combined, removal, and "Alle bestellen": one order with the fields the
/// offerings share entered once ("shared.*") and each one's own fields ("o&lt;i&gt;.*"); expected usage "u&lt;i&gt;.Usage[x]".
/// "Kosten berechnen" recalculates without JavaScript.
/// </summary>
[Authorize(Policy = Policies.ActsForMunicipality)]
public sealed class MerklisteModel(TenantAccess access, BasketService baskets, OfferingDirectory offerings, TenantConfiguration configuration,
    OrderQuotes quotes, TimeProvider clock, Microsoft.Extensions.Localization.IStringLocalizer<SharedResource> text,
    Marketplace.Provisioning.Residency.DataPolicies policies, Marketplace.Provisioning.BackOffice.MunicipalityFachverfahren fachverfahren) : MunicipalityPage(access)
{
    /// <summary>Per entry: how it misses the municipality's data policy (null where it fits); each misfit needs its own exception.</summary>
    public IReadOnlyList<Marketplace.Provisioning.Residency.MunicipalityFit?> Misfits { get; private set; } = [];

    /// <summary>An offering on the list with what the page shows of it; Plan is null when the catalogue no longer has the chosen plan.</summary>
    public sealed record Entry(BasketItem Item, OfferingInfo Offering, PlanDescriptor? Plan, string Name);

    public IReadOnlyList<Entry> Entries { get; private set; } = [];
    /// <summary>Items whose offering left the catalogue: listed for removal only.</summary>
    public IReadOnlyList<BasketItem> Gone { get; private set; } = [];
    public IReadOnlyList<ConfigFormModel> Forms { get; private set; } = [];
    public IReadOnlyList<FormField> SharedFields { get; private set; } = [];
    public CombinedQuote? Quote { get; private set; }
    public DateTimeOffset QuotedStart { get; private set; }
    [TempData] public string? Status { get; set; }
    [BindProperty] public string IdempotencyKey { get; set; } = "";

    // The order form's errors at their inputs, with their codes, for this request.
    private CombinedOrderForm.Errors FormErrors => _formErrors ??= new(ModelState, text);
    private CombinedOrderForm.Errors? _formErrors;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await RefusedAsync(MunicipalityPermission.Order, ct) is { } refused) return refused;
        IdempotencyKey = Guid.NewGuid().ToString();
        await ShowAsync(null, ct);
        return Page();
    }

    /// <summary>Puts an offering on the list ("Auf die Merkliste" on an offering, a search result or the order form).</summary>
    public Task<IActionResult> OnPostAddAsync(string offeringId, string? planId, List<string>? addOnIds, CancellationToken ct) =>
        ChangeAsync(MunicipalityPermission.Order, async () =>
        {
            var offering = await offerings.GetAsync(offeringId, ct);
            planId ??= offering?.Descriptor.Plans.FirstOrDefault()?.Id;
            // From a search result or the offering page (not the order form, where the buyer chose): the adapter the
            // municipality's Fachverfahren needs goes on the list with the offering, so the cost summary includes it.
            if (offering is not null && !Request.Form.ContainsKey(nameof(IdempotencyKey)))
                addOnIds = (addOnIds ?? []).Union(await fachverfahren.AdapterAddOnsAsync(Ags, offering.Descriptor, planId, ct)).ToList();
            BasketItem item;
            try
            {
                item = await baskets.PutAsync(Ags, User.SubjectOf()!, offeringId,
                    new BasketItemRequest(planId, addOnIds ?? []), ct);
            }
            catch (RequestValidationException e) when (e is not IdempotencyKeyReusedException)
            {
                // Not an input on this page: the reason is shown as a notice.
                Problem = string.Join(" ", e.Errors.Select(x => text.Word(x)));
                IdempotencyKey = Guid.NewGuid().ToString();
                await ShowAsync(null, ct);
                return Page();
            }
            Status = text["Basket.Added", offering is null ? item.OfferingId : Format.Name(offering.Descriptor.Name, offering.Descriptor.NameEn)].Value;
            return RedirectToPage(new { ags = Ags });
        }, async () => { IdempotencyKey = Guid.NewGuid().ToString(); await ShowAsync(null, ct); return Page(); }, ct);

    public Task<IActionResult> OnPostRemoveAsync(string offeringId, CancellationToken ct) =>
        ChangeAsync(MunicipalityPermission.Order, async () =>
        {
            var offering = await offerings.GetAsync(offeringId, ct);
            if (await baskets.RemoveAsync(Ags, User.SubjectOf()!, offeringId, ct))
                Status = text["Basket.Removed", offering is null ? offeringId : Format.Name(offering.Descriptor.Name, offering.Descriptor.NameEn)].Value;
            return RedirectToPage(new { ags = Ags });
        }, () => Task.FromResult<IActionResult>(RedirectToPage(new { ags = Ags })), ct);

    /// <summary>Recalculates the cost summaries for the entered usage; the entries stay, nothing is ordered.</summary>
    public async Task<IActionResult> OnPostQuoteAsync(CancellationToken ct)
    {
        if (await RefusedAsync(MunicipalityPermission.Order, ct) is { } refused) return refused;
        var (shared, own) = await ReadAsync(ct);
        ModelState.Clear();
        await ShowAsync((shared, own), ct);
        return Page();
    }

    /// <summary>"Alle bestellen": one order for everything on the list.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await RefusedAsync(MunicipalityPermission.Order, ct) is { } refused) return refused;
        var (shared, own) = await ReadAsync(ct);
        if (ModelState.IsValid)
        {
            var configurations = Entries.Select((e, i) => (e.Item.OfferingId, own[i])).ToDictionary(x => x.OfferingId, x => (System.Text.Json.Nodes.JsonObject?)x.Item2);
            var exceptions = Entries.Select((e, i) => (e.Item.OfferingId, CombinedOrderForm.PolicyException(Request.Form, i)))
                .Where(x => x.Item2 is not null).ToDictionary(x => x.OfferingId, x => x.Item2);
            var placed = await CombinedOrderForm.PlaceAsync(() =>
            {
                if (exceptions.Count > 0 && !OwnBuyerAdmin(User, Ags)) throw new ForbiddenException(text["Ordering.PolicyException.BuyerAdminOnly"].Value) { Code = "order.exception-buyer-admins-only" };
                return baskets.OrderAsync(Ags, User.SubjectOf()!, IdempotencyKey, new BasketOrderRequest(shared, configurations, exceptions), ct);
            }, "items", "items", FormErrors);
            if (placed.OrderId is not null) return RedirectToPage("/Gemeinden/Bestellung", new { ags = Ags, orderId = placed.OrderId, neu = true });
            Problem = placed.Problem ?? Problem;
            if (placed.KeyReused) IdempotencyKey = Guid.NewGuid().ToString();
        }
        await ShowAsync((shared, own), ct);
        return Page();
    }

    private async Task<(System.Text.Json.Nodes.JsonObject Shared, List<System.Text.Json.Nodes.JsonObject> Own)> ReadAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return CombinedOrderForm.Read(Request.Form, Entries.Select(e => e.Offering).ToList(), FormErrors);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var entries = new List<Entry>();
        var gone = new List<BasketItem>();
        foreach (var item in await baskets.ListAsync(Ags, User.SubjectOf()!, ct))
        {
            if (await offerings.GetAsync(item.OfferingId, ct) is not { } o) { gone.Add(item); continue; }
            entries.Add(new Entry(item, o, o.Plan(item.PlanId), Format.Name(o.Descriptor.Name, o.Descriptor.NameEn)));
        }
        Entries = entries;
        Gone = gone;
    }

    private async Task ShowAsync((System.Text.Json.Nodes.JsonObject Shared, List<System.Text.Json.Nodes.JsonObject> Own)? posted, CancellationToken ct)
    {
        if (posted is null) await LoadAsync(ct);
        var chosen = Entries.Select(e => e.Offering).ToList();
        Misfits = await CombinedOrderForm.MisfitsAsync(policies, Ags, chosen, ct);
        (Forms, SharedFields) = await CombinedOrderForm.BuildAsync(configuration, Ags, chosen, posted?.Own, posted?.Shared, posted is null ? null : FormErrors, ct);
        QuotedStart = clock.GetUtcNow();
        var quotable = Entries.Where(e => e.Plan is not null).ToList();
        Quote = quotable.Count == 0 ? null : await quotes.QuoteAllAsync(Entries.Select((e, i) => (e, i)).Where(x => x.e.Plan is not null)
            .Select(x => new QuoteRequest(x.e.Offering.Id, x.e.Item.PlanId, x.e.Item.AddOnIds, QuotedStart,
                Request.HasFormContentType ? CostSummaryView.ReadUsage(Request.Form, $"u{x.i}.") : [])).ToList(), Ags, ct);
    }

    /// <summary>The quote of the i-th entry, when it has one.</summary>
    public OrderQuote? QuoteOf(int i)
    {
        if (Quote is null || Entries[i].Plan is null) return null;
        return Quote.Items[Entries.Take(i).Count(e => e.Plan is not null)];
    }
}
