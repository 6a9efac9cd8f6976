using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Gemeinden;

/// <summary>
/// A page about one municipality's orders or subscriptions (route value "ags"): its own users and active delegates
/// only; another municipality's page is not found, a missing permission is forbidden. Service refusals become field
/// errors, conflicts a notice.
/// </summary>
public abstract class MunicipalityPage(TenantAccess access) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Ags { get; set; } = "";
    public MunicipalityPermission Permissions { get; private set; }
    public string? Problem { get; protected set; }

    public bool Can(MunicipalityPermission p) => (Permissions & p) == p;

    /// <summary>The site's texts in the request's language.</summary>
    protected Microsoft.Extensions.Localization.IStringLocalizer Texts =>
        HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<SharedResource>>();

    /// <summary>Null when the user may do <paramref name="needed"/> here; else the answer (404 or 403).</summary>
    protected async Task<IActionResult?> RefusedAsync(MunicipalityPermission needed, CancellationToken ct)
    {
        Permissions = await access.PermissionsForMunicipalityAsync(User, Ags, ct);
        if (Permissions == MunicipalityPermission.None) return NotFound();
        return Can(needed) ? null : Forbid();
    }

    /// <summary>Runs a change; the module's refusals are shown on the page instead of an error page.</summary>
    protected async Task<IActionResult> ChangeAsync(MunicipalityPermission needed, Func<Task<IActionResult>> change, Func<Task<IActionResult>> reshow,
        CancellationToken ct)
    {
        if (await RefusedAsync(needed, ct) is { } refused) return refused;
        try
        {
            return await change();
        }
        catch (RequestValidationException e)
        {
            OrderingPages.AddErrors(ModelState, e.Errors, Texts);
        }
        catch (ConflictException e)
        {
            Problem = Texts.Word(e);
        }
        catch (ForbiddenException e)
        {
            Problem = Texts.Word(e);
        }
        return await reshow();
    }

    public static bool OwnBuyerAdmin(System.Security.Claims.ClaimsPrincipal user, string ags) => ProvisioningAccess.OwnMunicipality(user, ags);
}
