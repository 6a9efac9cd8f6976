using Marketplace.Identity;
using Marketplace.Identity.Access;
using Marketplace.Identity.Api;
using Marketplace.Identity.Clients;
using Marketplace.Identity.Organisations;
using Marketplace.Identity.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Org = Marketplace.Identity.Organisations.Organisation;

namespace Marketplace.Web.Pages.Organisation;

/// <summary>
/// The signed-in user's organisation: its data, and for its admins the users and roles, invitations, API clients and
/// (municipalities) delegations. Bundlers see the municipalities they act for. Every change goes through the same
/// services as the API, so it is validated and audited alike.
/// </summary>
public sealed class IndexModel(OrganisationStore organisations, DelegationStore delegations, UserAdministration users, ApiClientStore clients,
    IOptions<IdentityModuleOptions> options) : PageModel
{
    public Org Organisation { get; private set; } = null!;
    public bool IsAdmin { get; private set; }
    public IReadOnlyList<OrganisationMember> Members { get; private set; } = [];
    public IReadOnlyList<Invitation> Invitations { get; private set; } = [];
    public IReadOnlyList<ApiClient> Clients { get; private set; } = [];
    public IReadOnlyList<Delegation> Delegations { get; private set; } = [];
    public IReadOnlyList<Org> Bundlers { get; private set; } = [];
    public IReadOnlyList<string> AssignableRoles { get; private set; } = [];
    /// <summary>The secret of a client just created: shown in this one answer, never again.</summary>
    public Identity.Api.IdentityApi.ClientCreatedResponse? NewClient { get; private set; }
    public string? Notice { get; private set; }

    [BindProperty] public string? InviteEmail { get; set; }
    [BindProperty] public string? InviteRole { get; set; }
    [BindProperty] public string? ClientName { get; set; }
    [BindProperty] public string? ClientRole { get; set; }
    [BindProperty] public string? BundlerId { get; set; }
    [BindProperty] public bool GrantOrder { get; set; }
    [BindProperty] public bool GrantConfigure { get; set; }
    [BindProperty] public bool GrantViewInvoices { get; set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public Task<IActionResult> OnPostInviteAsync() => AdminAsync(async actor =>
    {
        await users.InviteAsync(Organisation.Id, InviteEmail ?? "", InviteRole ?? "", actor, IdentityModule.InvitationBaseUrl(Request, options.Value));
        Notice = "Organisation.InvitationSent";
    }, ("email", nameof(InviteEmail)), ("role", nameof(InviteRole)));

    public Task<IActionResult> OnPostRevokeInvitationAsync(string invitationId) => AdminAsync(async actor =>
    {
        await users.RevokeInvitationAsync(Organisation.Id, invitationId, actor);
    });

    public Task<IActionResult> OnPostChangeRoleAsync(string userId, string role) => AdminAsync(async actor =>
    {
        await users.ChangeRoleAsync(Organisation.Id, userId, role, actor);
        Notice = "Organisation.RoleChanged";
    }, ("role", "role-" + userId));

    public Task<IActionResult> OnPostRemoveUserAsync(string userId) => AdminAsync(async actor =>
    {
        await users.RemoveAsync(Organisation.Id, userId, actor);
    }, ("userId", "remove-" + userId));

    public Task<IActionResult> OnPostCreateClientAsync() => AdminAsync(async actor =>
    {
        var (client, secret) = await clients.CreateAsync(Organisation.Id, ClientName ?? "", ClientRole ?? "", actor);
        NewClient = new IdentityApi.ClientCreatedResponse(client.ClientId, secret, client.DisplayName, client.Role);
    }, ("displayName", nameof(ClientName)), ("role", nameof(ClientRole)));

    public Task<IActionResult> OnPostDeleteClientAsync(string clientId) => AdminAsync(async actor =>
    {
        await clients.DeleteAsync(Organisation.Id, clientId, actor);
    });

    public Task<IActionResult> OnPostGrantAsync() => AdminAsync(async actor =>
    {
        await delegations.GrantAsync(Organisation, BundlerId ?? "", new DelegationGrant(GrantOrder, GrantConfigure, GrantViewInvoices), actor);
        Notice = "Organisation.DelegationGranted";
    }, ("bundlerOrganisationId", nameof(BundlerId)), ("municipality", nameof(BundlerId)));

    public Task<IActionResult> OnPostRevokeAsync(string delegationId) => AdminAsync(async actor =>
    {
        await delegations.RevokeAsync(Organisation.Id, delegationId, actor);
        Notice = "Organisation.DelegationRevoked";
    });

    /// <summary>Runs an admin's change, shows its validation errors at the named fields, and renders the page afresh.</summary>
    private async Task<IActionResult> AdminAsync(Func<Actor, Task> change, params (string Field, string Input)[] fields)
    {
        if (!await LoadAsync()) return NotFound();
        if (!IsAdmin) return Forbid();
        try
        {
            await change(Actor.Of(User));
        }
        catch (RequestValidationException e)
        {
            var texts = CodedProblems.Texts(HttpContext);
            foreach (var error in e.Errors)
                ModelState.AddModelError(fields.FirstOrDefault(f => f.Field == error.Field).Input ?? error.Field, texts.Word(error));
        }
        await LoadAsync();
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        if (User.OrganisationOf() is not { } id || await organisations.GetAsync(id) is not { } org) return false;
        Organisation = org;
        IsAdmin = TenantAccess.AdministersOrganisation(User, org.Id) && TenantAccess.BelongsTo(User, org.Id);
        AssignableRoles = Roles.For(org.Kind);
        if (org.IsMunicipality) Delegations = await delegations.ActiveOfMunicipalityAsync(org.Id);
        if (org.IsBundler) Delegations = await delegations.ActiveToBundlerAsync(org.Id);
        if (!IsAdmin) return true;
        Members = await users.MembersAsync(org.Id);
        Invitations = await users.OpenInvitationsAsync(org.Id);
        Clients = await clients.ListAsync(org.Id);
        if (org.IsMunicipality) Bundlers = await organisations.ListAsync(OrganisationKinds.Bundler);
        return true;
    }
}
