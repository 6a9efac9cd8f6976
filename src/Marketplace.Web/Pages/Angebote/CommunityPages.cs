using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Marketplace.Community;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Angebote;

/// <summary>The rating form's content: the offering, the municipalities the user may rate for, the values shown.</summary>
public sealed record RatingForm(string OfferingId, IReadOnlyList<string> Municipalities, string? Ags, int? Stars, string? Comment);

/// <summary>The new-request form's content.</summary>
public sealed record RequestForm(string OfferingId, IReadOnlyList<string> Municipalities, string? Ags, string? Title, string? Text);

/// <summary>The municipality chooser of a community form: a select for a delegate of several municipalities, else a hidden field.</summary>
public sealed record AgsChoice(IReadOnlyList<string> Municipalities, string? Selected, string FieldId);

/// <summary>
/// A page where a municipality's buyer-admin (or a delegate with the order right) rates or requests: the module's
/// refusals become field errors (invalid input) or a notice (not allowed), another tenant's municipality is not found.
/// </summary>
public abstract class CommunityPage(CommunityAccess access, CatalogSearchService search, CatalogViews views) : PageModel
{
    public OfferingDetail Offering { get; private set; } = null!;
    [BindProperty] public string? Ags { get; set; }
    public IReadOnlyList<string> Municipalities { get; private set; } = [];
    public string? Problem { get; private set; }

    protected async Task LoadMunicipalitiesAsync(CancellationToken ct) =>
        Municipalities = await access.MunicipalitiesAsync(User, ct);

    /// <summary>Null when the published offering is found (then in <see cref="Offering"/>); otherwise the not-found answer.</summary>
    protected IActionResult? MissingOffering(string id)
    {
        if (views.Offering(search.Current, id) is not { } offering) return NotFound();
        Offering = offering;
        return null;
    }

    /// <summary>The empty form: null when the offering exists and the user may act for <see cref="Ags"/> (default: the first municipality).</summary>
    protected async Task<IActionResult?> RefuseFormAsync(string id, CancellationToken ct)
    {
        if (MissingOffering(id) is { } missing) return missing;
        await LoadMunicipalitiesAsync(ct);
        if (Municipalities.Count == 0) return Forbid();
        Ags ??= Municipalities[0];
        return Municipalities.Contains(Ags) ? null : NotFound();
    }

    /// <summary>Runs a change for <see cref="Ags"/> (the user's own municipality when none is chosen); refusals are shown on <paramref name="reshow"/>.</summary>
    protected async Task<IActionResult> ChangeAsync(Func<string, Task<IActionResult>> change, Func<IActionResult> reshow, CancellationToken ct)
    {
        await LoadMunicipalitiesAsync(ct);
        Ags = string.IsNullOrWhiteSpace(Ags) ? Municipalities.FirstOrDefault() : Ags;
        if (Ags is null) return Forbid();
        try
        {
            if (await access.RefusalAsync(User, Ags, ct) is { } refused) throw refused;
            return await change(Ags);
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
        catch (ForbiddenException e)
        {
            Problem = CodedProblems.Texts(HttpContext).Word(e);
        }
        catch (RequestValidationException e)
        {
            AddError(ModelState, e, CodedProblems.Texts(HttpContext));
        }
        return reshow();
    }

    /// <summary>The module names fields in camel case (API); the forms' fields are the page's properties.</summary>
    public static void AddError(ModelStateDictionary modelState, RequestValidationException e, IStringLocalizer texts)
    {
        foreach (var error in e.Errors)
            modelState.AddModelError(error.Field is { Length: > 0 } f ? char.ToUpperInvariant(f[0]) + f[1..] : "", texts.Word(error));
    }
}
