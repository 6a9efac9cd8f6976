using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Bindings;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Subscriptions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Pages.Gemeinden;

/// <summary>
/// One subscription: state, timeline, the effective configuration with the source of each value (secrets only as
/// "set"), and the actions its state allows: change the configuration, suspend, resume, cancel, retry a failure; for a
/// bindable plan its access credentials (service bindings), which the municipality's own buyer-admins create, see once,
/// rotate and delete.
/// </summary>
[Authorize(Policy = Policies.Authenticated)]
public sealed class AbonnementModel(TenantAccess access, SubscriptionService subscriptions, TenantConfiguration configuration, OfferingDirectory offerings,
    MunicipalityNames municipalities, Marketplace.Provisioning.Reconciliation.ReconciliationFindings findings,
    BindingService bindings, Marketplace.Identity.Organisations.OrganisationStore organisations,
    Marketplace.Provisioning.Residency.SubProcessorObjections objections, Marketplace.Catalog.Search.CatalogSearchService search) : MunicipalityPage(access)
{
    /// <summary>The offering's sub-processors in force, announced changes, history and the municipality's own objections.</summary>
    public Marketplace.Provisioning.Residency.SubProcessorsOfSubscription? SubProcessors { get; private set; }
    public Marketplace.Catalog.Queries.CatalogReadModel Catalog => search.Current.Catalog;
    [BindProperty] public int? ObjectionVersion { get; set; }
    [BindProperty] public string? ObjectionReason { get; set; }

    /// <summary>Announced changes the municipality may still object to (pending, not yet objected to).</summary>
    public IReadOnlyList<Marketplace.Catalog.Residency.SubProcessorChange> Objectable => SubProcessors is { } sp
        ? sp.Pending.Where(c => sp.Objections.All(o => o.Version != c.Version)).ToList() : [];

    /// <summary>Objecting is the municipality's own decision: its buyer-admins, not its delegates.</summary>
    public bool MayObject => OwnBuyerAdmin(User, Ags) && Subscription.State is not (SubscriptionStates.Cancelled or SubscriptionStates.Failed);

    public async Task<IActionResult> OnPostObjectAsync(string id, CancellationToken ct)
    {
        if (await RefusedAsync(MunicipalityPermission.Order, ct) is { } refused) return refused;
        if (await LoadAsync(id, ct) is null) return NotFound();
        if (!MayObject) return Forbid();
        try
        {
            await objections.ObjectAsync(Ags, User.SubjectOf()!, new Marketplace.Provisioning.Residency.ObjectionRequest(Subscription.OfferingId, ObjectionVersion, ObjectionReason), ct);
            return RedirectToPage(null, null, new { ags = Ags, id }, "unterauftragsverarbeiter");
        }
        catch (RequestValidationException e)
        {
            OrderingPages.AddErrors(ModelState, e.Errors, Texts, new Dictionary<string, string>
                { ["reason"] = nameof(ObjectionReason), ["version"] = nameof(ObjectionVersion), ["offeringId"] = nameof(ObjectionVersion) });
        }
        return await ShowAsync(id, null, ct);
    }

    /// <summary>Withdraws the municipality's own objection to a change still pending (its buyer-admins only, audited).</summary>
    public async Task<IActionResult> OnPostWithdrawAsync(string id, string objectionId, CancellationToken ct)
    {
        if (await RefusedAsync(MunicipalityPermission.Order, ct) is { } refused) return refused;
        if (await LoadAsync(id, ct) is null || SubProcessors?.Objections.Any(o => o.Id == objectionId) != true) return NotFound();
        if (!MayObject) return Forbid();
        try
        {
            await objections.WithdrawAsync(Ags, User.SubjectOf()!, objectionId, ct);
            return RedirectToPage(null, null, new { ags = Ags, id }, "unterauftragsverarbeiter");
        }
        catch (RequestValidationException e)
        {
            // Not an input on this page (the period ended meanwhile): the reason is shown as a notice.
            Problem = string.Join(" ", e.Errors.Select(x => Texts.Word(x)));
        }
        return await ShowAsync(id, null, ct);
    }

    /// <summary>
    /// The earliest day a change the municipality objected to takes effect, while one is pending and the subscription can
    /// still be cancelled: the page then offers leaving before it (Art. 28(2) GDPR).
    /// </summary>
    public DateTimeOffset? ExitBy => Subscription.State is SubscriptionStates.Active or SubscriptionStates.Suspended or SubscriptionStates.Failed
        ? SubProcessors?.Objections.Where(o => o.Exit is not null).Select(o => (DateTimeOffset?)o.EffectiveAt).Min() : null;

    /// <summary>Names of the organisations (bundlers) whose defaults the configuration uses, for the source column.</summary>
    public IReadOnlyDictionary<string, string> SourceNames { get; private set; } = new Dictionary<string, string>();

    public IReadOnlyList<BindingView> Bindings { get; private set; } = [];
    /// <summary>Whether the plan may be bound (null: the broker's catalogue cannot be read now).</summary>
    public bool? Bindable { get; private set; }
    /// <summary>The credentials just revealed: rendered in this answer only.</summary>
    public BindingCredentials? Revealed { get; private set; }
    [BindProperty] public string? BindingName { get; set; }

    public bool ManagesBindings => OwnBuyerAdmin(User, Ags);

    public Task<IActionResult> OnPostBindAsync(string id, CancellationToken ct) =>
        BindingAct(id, () => bindings.CreateAsync(Ags, User.SubjectOf()!, id, new BindingRequest(BindingName), ct), ct);

    public Task<IActionResult> OnPostRotateAsync(string id, string bindingId, CancellationToken ct) =>
        BindingAct(id, () => bindings.RotateAsync(Ags, User.SubjectOf()!, id, bindingId, ct), ct);

    public Task<IActionResult> OnPostUnbindAsync(string id, string bindingId, CancellationToken ct) =>
        BindingAct(id, async () => { await bindings.DeleteAsync(Ags, User.SubjectOf()!, id, bindingId, ct); return true; }, ct);

    /// <summary>The one answer that shows the credentials: not cached, not redirected (a reload shows them no more).</summary>
    public Task<IActionResult> OnPostRevealAsync(string id, string bindingId, CancellationToken ct) =>
        ChangeAsync(MunicipalityPermission.Order, async () =>
        {
            if (!ManagesBindings) return Forbid();
            Revealed = await bindings.RevealAsync(Ags, User.SubjectOf()!, id, bindingId, ct);
            Response.Headers.CacheControl = "no-store";
            return await ShowAsync(id, null, ct);
        }, () => ShowAsync(id, null, ct), ct);

    private Task<IActionResult> BindingAct<T>(string id, Func<Task<T>> action, CancellationToken ct) =>
        ChangeAsync(MunicipalityPermission.Order, async () =>
        {
            // Credentials belong to the municipality: its own buyer-admins act on them, not its delegates.
            if (!ManagesBindings) return Forbid();
            await action();
            return RedirectToPage(null, null, new { ags = Ags, id }, "zugangsdaten");
        }, () => ShowAsync(id, null, ct), ct);

    public SubscriptionView Subscription { get; private set; } = null!;
    public ConfigView Configuration { get; private set; } = null!;
    public ConfigFormModel EditForm { get; private set; } = null!;
    public string OfferingName { get; private set; } = "";

    /// <summary>Kinds of the unresolved mismatches with the vendor's broker, shown to the buyer in words only.</summary>
    public IReadOnlyList<string> OpenFindings { get; private set; } = [];

    /// <summary>The plan and its add-ons by name, in the page's language ("Standard + E-Payment"); ids where the offering no longer names them.</summary>
    public string PlanLabel { get; private set; } = "";

    public string MunicipalityName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct) =>
        await RefusedAsync(MunicipalityPermission.View, ct) ?? await ShowAsync(id, null, ct);

    public Task<IActionResult> OnPostSuspendAsync(string id, CancellationToken ct) =>
        Act(MunicipalityPermission.Order, id, () => subscriptions.SuspendAsync(Ags, User.SubjectOf()!, id, ct), ct);

    public Task<IActionResult> OnPostResumeAsync(string id, CancellationToken ct) =>
        Act(MunicipalityPermission.Order, id, () => subscriptions.ResumeAsync(Ags, User.SubjectOf()!, id, ct), ct);

    public Task<IActionResult> OnPostCancelAsync(string id, CancellationToken ct) =>
        Act(MunicipalityPermission.Order, id, () => subscriptions.CancelAsync(Ags, User.SubjectOf()!, id, ct), ct);

    public Task<IActionResult> OnPostRetryAsync(string id, CancellationToken ct) =>
        Act(MunicipalityPermission.Order, id, () => subscriptions.RetryAsync(Ags, User.SubjectOf()!, id, ct), ct);

    public async Task<IActionResult> OnPostChangeAsync(string id, CancellationToken ct)
    {
        if (await RefusedAsync(MunicipalityPermission.Configure, ct) is { } refused) return refused;
        var current = await LoadAsync(id, ct);
        if (current is null) return NotFound();
        var schema = TenantSchema.For(current.Descriptor.TenantConfigSchema);
        var values = ConfigForm.Read(schema, OrderingPages.ConfigInputs(Request.Form), out var readErrors, OrderingPages.ConfigPrefix);
        IReadOnlyList<FieldError> errors = readErrors;
        if (readErrors.Count == 0)
        {
            try
            {
                await subscriptions.ChangeAsync(Ags, User.SubjectOf()!, id, new ChangeRequest(null, null, values), ct);
                return RedirectToPage(new { ags = Ags, id });
            }
            catch (RequestValidationException e)
            {
                errors = OrderingPages.AddErrors(ModelState, e.Errors, Texts);
            }
            catch (ConflictException e)
            {
                Problem = Texts.Word(e);
            }
        }
        else OrderingPages.AddConfigErrors(ModelState, readErrors, Texts);
        return await ShowAsync(id, (values, errors), ct);
    }

    private Task<IActionResult> Act(MunicipalityPermission needed, string id, Func<Task<SubscriptionView>> action, CancellationToken ct) =>
        ChangeAsync(needed, async () =>
        {
            await action();
            return RedirectToPage(new { ags = Ags, id });
        }, () => ShowAsync(id, null, ct), ct);

    private async Task<OfferingInfo?> LoadAsync(string id, CancellationToken ct)
    {
        try
        {
            Subscription = await subscriptions.GetAsync(Ags, id, ct);
            Configuration = await configuration.ViewAsync(Ags, id, ct);
            OpenFindings = (await findings.OfSubscriptionAsync(id, ct)).Where(f => f.ResolvedAt is null).Select(f => f.Kind).Distinct().ToList();
        }
        catch (NotFoundException)
        {
            return null;
        }
        Bindings = await bindings.ListAsync(Ags, id, ct);
        SubProcessors = await objections.ForSubscriptionAsync(Ags, id, ct);
        if (Subscription is { Fulfilment: Fulfilments.Broker, State: SubscriptionStates.Active }) Bindable = await bindings.BindableAsync(Ags, id, ct);
        var offering = await offerings.GetAsync(Subscription.OfferingId, ct);
        OfferingName = offering is null ? Subscription.OfferingId : Format.Name(offering.Descriptor.Name, offering.Descriptor.NameEn);
        var plan = offering?.Descriptor.Plans.FirstOrDefault(p => p.Id == Subscription.PlanId);
        var addOns = Subscription.AddOnIds.Select(a => plan?.AddOns?.FirstOrDefault(x => x.Id == a) is { } x ? Format.Name(x.Name, x.NameEn) : a);
        PlanLabel = string.Join(" + ", new[] { plan is null ? Subscription.PlanId : Format.Name(plan.Name, plan.NameEn) }.Concat(addOns));
        MunicipalityName = (await municipalities.NamesAsync([Subscription.MunicipalityAgs], ct)).GetValueOrDefault(Subscription.MunicipalityAgs) ?? Subscription.MunicipalityAgs;
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var org in Configuration.Provenance.Values.Select(p => p.OrganisationId).OfType<string>().Distinct())
            if (await organisations.GetAsync(org, ct) is { } o) names[org] = o.Name;
        SourceNames = names;
        return offering;
    }

    private async Task<IActionResult> ShowAsync(string id, (System.Text.Json.Nodes.JsonObject Values, IReadOnlyList<FieldError> Errors)? posted, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is not { } offering) return NotFound();
        var schema = TenantSchema.For(offering.Descriptor.TenantConfigSchema);
        EditForm = posted is { } p
            ? ConfigForm.Build(schema, p.Values, Configuration.Provenance, p.Errors, OrderingPages.ConfigPrefix)
            : Configuration.Form with { Fields = ConfigForm.Build(schema, Configuration.Values, Configuration.Provenance, null, OrderingPages.ConfigPrefix).Fields };
        return Page();
    }

    /// <summary>The leaves of the configuration form, for the table of effective values.</summary>
    public static IEnumerable<FormField> Leaves(IEnumerable<FormField> fields) =>
        fields.SelectMany(f => f.Kind is FieldKind.Object or FieldKind.Array && f.Children.Count > 0 ? Leaves(f.Children) : [f]);
}
