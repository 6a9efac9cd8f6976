using Microsoft.Extensions.Localization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Bundles;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Orders;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Marketplace.Web.Pages.Gemeinden;

/// <summary>
/// The form of several offerings ordered together (a bundle, the Merkliste): the fields they share (same name and type)
/// entered once under "shared.*", each offering's own fields under "o&lt;i&gt;.*", errors placed at the input they belong to.
/// </summary>
public static partial class CombinedOrderForm
{
    public const string SharedPrefix = "shared";

    public static string OwnPrefix(int i) => $"o{i}";

    /// <summary>
    /// The form's errors at the inputs they belong to ("o1.x", "shared.x", "plan1"), keeping their codes: the model state
    /// holds each worded for the error summary, and each offering's form words those of its fields itself.
    /// </summary>
    public sealed class Errors(ModelStateDictionary modelState, IStringLocalizer texts)
    {
        private readonly List<(string Key, FieldError Error)> _placed = [];

        public ModelStateDictionary ModelState => modelState;

        public IStringLocalizer Texts => texts;

        public void Add(string key, FieldError error)
        {
            _placed.Add((key, error));
            modelState.AddModelError(key, texts.Word(error));
        }

        /// <summary>The errors whose input key starts with the prefix, as pointers for that form; none the page has cleared from the model state.</summary>
        internal List<FieldError> For(string prefix) =>
            _placed.Where(p => (p.Key.StartsWith(prefix + ".", StringComparison.Ordinal) || p.Key.StartsWith(prefix + "[", StringComparison.Ordinal))
                               && modelState.TryGetValue(p.Key, out var entry) && entry.Errors.Count > 0)
                .Select(p => p.Error with { Field = KeyToPointer(p.Key[prefix.Length..]) }).ToList();
    }

    /// <summary>The input of the i-th offering's exception to the data policy (its reason).</summary>
    public static string PolicyReasonKey(int i) => $"policyReason{i}";

    /// <summary>The posted reason for the i-th offering's exception to the data policy; null when none was entered.</summary>
    public static Marketplace.Provisioning.Orders.DataPolicyExceptionRequest? PolicyException(IFormCollection form, int i) =>
        form[PolicyReasonKey(i)].ToString() is { Length: > 0 } reason && !string.IsNullOrWhiteSpace(reason) ? new(reason) : null;

    /// <summary>The reason as posted, to show it again with the errors; null on a first visit.</summary>
    public static string? PostedReason(HttpRequest request, int i) => request.HasFormContentType ? request.Form[PolicyReasonKey(i)].ToString() : null;

    /// <summary>How each offering stands against the municipality's data policy (null where it fits or no rule is set).</summary>
    public static async Task<IReadOnlyList<Marketplace.Provisioning.Residency.MunicipalityFit?>> MisfitsAsync(
        Marketplace.Provisioning.Residency.DataPolicies policies, string ags, IEnumerable<OfferingInfo> chosen, CancellationToken ct)
    {
        var fits = new List<Marketplace.Provisioning.Residency.MunicipalityFit?>();
        foreach (var o in chosen)
            fits.Add(await policies.FitAsync(ags, o.Descriptor.Hosting, ct) is { Fit.Fits: false } misfit ? misfit : null);
        return fits;
    }

    /// <summary>Reads the posted shared and own values; unreadable inputs become model errors at their fields.</summary>
    public static (JsonObject Shared, List<JsonObject> Own) Read(IFormCollection form, IReadOnlyList<OfferingInfo> chosen, Errors errors)
    {
        var inputs = OrderingPages.ConfigInputs(form, SharedPrefix);
        var shared = new JsonObject();
        var own = new List<JsonObject>();
        var schemas = new List<TenantSchema>();
        for (var i = 0; i < chosen.Count; i++)
        {
            var schema = TenantSchema.For(chosen[i].Descriptor.TenantConfigSchema);
            schemas.Add(schema);
            own.Add(ConfigForm.Read(schema, OrderingPages.ConfigInputs(form, OwnPrefix(i)), out var ownErrors, OwnPrefix(i)));
            foreach (var (k, v) in ConfigForm.Read(schema, inputs, out _, SharedPrefix)) shared[k] ??= v?.DeepClone();
            foreach (var e in ownErrors) errors.Add(OrderingPages.FieldName(e.Field, OwnPrefix(i)), e);
        }
        var sharedNames = BundleOrders.SharedFields(schemas);
        foreach (var key in shared.Select(kv => kv.Key).Where(k => !sharedNames.Contains(k)).ToList()) shared.Remove(key);
        return (shared, own);
    }

    /// <summary>Each offering's form with its own fields only, and the shared fields once, with posted values and errors placed.</summary>
    public static async Task<(IReadOnlyList<ConfigFormModel> Forms, IReadOnlyList<FormField> Shared)> BuildAsync(TenantConfiguration configuration,
        string ags, IReadOnlyList<OfferingInfo> chosen, IReadOnlyList<JsonObject>? own, JsonObject? shared, Errors? errors, CancellationToken ct)
    {
        var sharedNames = BundleOrders.SharedFields(chosen.Select(c => TenantSchema.For(c.Descriptor.TenantConfigSchema)).ToList());
        var forms = new List<ConfigFormModel>();
        var sharedFields = new List<FormField>();
        for (var i = 0; i < chosen.Count; i++)
        {
            var form = await configuration.OrderFormAsync(ags, chosen[i].Id, own?.ElementAtOrDefault(i), errors?.For(OwnPrefix(i)) ?? [], ct, OwnPrefix(i));
            var sharedForm = await configuration.OrderFormAsync(ags, chosen[i].Id, shared, errors?.For(SharedPrefix) ?? [], ct, SharedPrefix);
            sharedFields.AddRange(sharedForm.Fields.Where(f => sharedNames.Contains(Top(f)) && sharedFields.All(s => s.Name != f.Name)));
            forms.Add(form with { Fields = form.Fields.Where(f => !sharedNames.Contains(Top(f))).ToList() });
        }
        return (forms, sharedFields);
    }

    /// <summary>
    /// A service error at the input it belongs to: "&lt;list&gt;/1/configuration/x" → "o1.x", "sharedConfiguration/x" →
    /// "shared.x", "&lt;list&gt;/1/planId" → "plan1"; anything else of a line at "offering&lt;i&gt;".
    /// </summary>
    public static string Relocate(FieldError e, string list)
    {
        var parts = e.Field.Split('/');
        if (parts[0] == "sharedConfiguration") return OrderingPages.FieldName("/" + string.Join('/', parts[1..]), SharedPrefix);
        if (parts[0] == list && parts.Length >= 3 && int.TryParse(parts[1], out var i))
            return parts[2] switch
            {
                "configuration" => OrderingPages.FieldName("/" + string.Join('/', parts[3..]), OwnPrefix(i)),
                "planId" => $"plan{i}",
                "dataPolicyException" => PolicyReasonKey(i),
                _ => $"offering{i}",
            };
        return list;
    }

    /// <summary>What placing a combined order gave the page: the new order's id, or the refusal to show (null when the
    /// errors are already at their inputs), and whether the form needs a new Idempotency-Key.</summary>
    public sealed record Placed(string? OrderId, string? Problem, bool KeyReused);

    /// <summary>
    /// Places a bundle or Merkliste order and puts its refusals where the form shows them: field errors at their inputs,
    /// a forbidden order as the page's problem, a reused key as an error at <paramref name="keyField"/>. A reused key
    /// means the form was sent before with other details (back after ordering, then changed): a new key makes it a new
    /// order, which then meets what the first one subscribed.
    /// </summary>
    public static async Task<Placed> PlaceAsync(Func<Task<OrderResult>> place, string list, string keyField, Errors errors)
    {
        try
        {
            return new Placed((await place()).Order.Id, null, false);
        }
        catch (RequestValidationException e) when (e is not IdempotencyKeyReusedException)
        {
            foreach (var x in e.Errors) errors.Add(Relocate(x, list), x);
            return new Placed(null, null, false);
        }
        catch (ForbiddenException e)
        {
            return new Placed(null, errors.Texts.Word(e), false);
        }
        catch (IdempotencyKeyReusedException)
        {
            errors.ModelState.AddModelError(keyField, errors.Texts["Ordering.KeyReused"]);
            return new Placed(null, null, true);
        }
    }

    private static string Top(FormField f) => TenantSchema.Segments(f.Pointer).First();

    private static string KeyToPointer(string rest) =>
        string.Concat(KeySegments().Matches(rest).Select(m => "/" + (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)));

    [GeneratedRegex(@"\.([^.\[]+)|\[(\d+)\]")]
    private static partial Regex KeySegments();
}
