using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Abrechnung;

/// <summary>
/// Base of the municipality's billing pages: which municipality the page is about. Its own users see their own; a bundler
/// chooses among the municipalities that delegated invoice viewing to it (?ags=). Any other AGS answers 404.
/// </summary>
public abstract class MunicipalityBillingPage(TenantAccess access) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Ags { get; set; }

    /// <summary>Every municipality whose invoices the user may see; more than one for a bundler.</summary>
    public IReadOnlyList<string> Municipalities { get; private set; } = [];

    /// <summary>
    /// True for the municipality's own buyer-admins: its billing account (address, Leitweg-ID, payment channel) is its own
    /// business, changed by them and not by a delegate (as in the API).
    /// </summary>
    public bool ManagesAccount =>
        User.OrganisationKindOf() == OrganisationKinds.Municipality && User.AgsOf() == Ags && User.HasRole(Roles.BuyerAdmin);

    /// <summary>Settles <see cref="Ags"/>; false when the user may not see that municipality's invoices (answer 404).</summary>
    protected async Task<bool> ResolveAsync(CancellationToken ct)
    {
        Municipalities = await access.MunicipalitiesAsync(User, MunicipalityPermission.ViewInvoices, ct);
        Ags ??= Municipalities.FirstOrDefault();
        return Ags is not null && await access.CanActForMunicipalityAsync(User, Ags, MunicipalityPermission.ViewInvoices, ct);
    }
}
