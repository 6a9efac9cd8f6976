using System.Security.Claims;
using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Gemeinden;

/// <summary>What the ordering pages share: form names of configuration fields, errors placed at them, the acting municipality.</summary>
public static class OrderingPages
{
    /// <summary>Configuration inputs are named "cfg.&lt;field&gt;", apart from the page's own inputs.</summary>
    public const string ConfigPrefix = "cfg";

    /// <summary>The form name of a configuration field from its JSON Pointer: "/bueroaemter/0/name" → "cfg.bueroaemter[0].name".</summary>
    public static string FieldName(string pointer, string prefix = ConfigPrefix)
    {
        var name = prefix;
        foreach (var segment in TenantSchema.Segments(pointer))
            name += int.TryParse(segment, out _) ? $"[{segment}]" : (name.Length == 0 ? segment : "." + segment);
        return name;
    }

    /// <summary>The posted configuration inputs, as <see cref="ConfigForm.Read"/> wants them.</summary>
    public static Dictionary<string, string?> ConfigInputs(IFormCollection form, string prefix = ConfigPrefix) =>
        form.Where(f => f.Key.StartsWith(prefix + ".", StringComparison.Ordinal))
            .ToDictionary(f => f.Key, f => (string?)f.Value.ToString(), StringComparer.Ordinal);

    /// <summary>
    /// The service's field errors in the model state, worded in the page's language (<paramref name="texts"/>) and keyed
    /// like the inputs they belong to ("configuration/x" becomes the configuration input "cfg.x"); returns the
    /// configuration errors for the form model.
    /// </summary>
    public static List<FieldError> AddErrors(ModelStateDictionary modelState, IEnumerable<FieldError> errors, IStringLocalizer texts,
        IReadOnlyDictionary<string, string>? keys = null)
    {
        var config = new List<FieldError>();
        foreach (var e in errors)
        {
            var message = texts.Word(e);
            if (e.Field.StartsWith("configuration", StringComparison.Ordinal))
            {
                var pointer = e.Field["configuration".Length..];
                config.Add(e with { Field = pointer });
                modelState.AddModelError(FieldName(pointer), message);
            }
            else modelState.AddModelError(keys?.GetValueOrDefault(e.Field) ?? e.Field, message);
        }
        return config;
    }

    /// <summary>Configuration errors in the model state at their inputs, worded in the page's language.</summary>
    public static void AddConfigErrors(ModelStateDictionary modelState, IEnumerable<FieldError> errors, IStringLocalizer texts, string prefix = ConfigPrefix)
    {
        foreach (var e in errors) modelState.AddModelError(FieldName(e.Field, prefix), texts.Word(e));
    }

    /// <summary>The municipality a page acts for: the user's own, or (bundlers) the one named in the request.</summary>
    public static string? ActingAgs(ClaimsPrincipal user, string? requested) =>
        user.OrganisationKindOf() == OrganisationKinds.Municipality ? user.AgsOf() : string.IsNullOrWhiteSpace(requested) ? null : requested;
}
