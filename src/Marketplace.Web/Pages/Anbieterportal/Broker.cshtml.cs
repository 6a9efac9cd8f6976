using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Broker.Connections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Anbieterportal;

/// <summary>
/// The vendor's broker connections: the list with each last check, and for the vendor's admins the form to create or change
/// one (secrets write-only), "Verbindung prüfen" with every finding and its reason, and deletion confirmed on a second step.
/// </summary>
[Authorize(Policy = Policies.VendorUser)]
public sealed class BrokerModel(BrokerConnections connections) : PageModel
{
    public IReadOnlyList<BrokerConnectionView> Connections { get; private set; } = [];
    /// <summary>The connection being edited; null on the list with the create form.</summary>
    public BrokerConnectionView? Current { get; private set; }
    public bool CanManage { get; private set; }
    [FromQuery] public string? Notice { get; set; }
    [FromQuery] public string? Confirm { get; set; }
    [BindProperty] public BrokerInput Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(string? id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (Current is { } c) Input = BrokerInput.Of(c);
        return Page();
    }

    public Task<IActionResult> OnPostSaveAsync(string? id, CancellationToken ct) => ChangeAsync(id, async (vendor, user) =>
    {
        var saved = id is null
            ? await connections.CreateAsync(vendor, user, Input.ToInput(), ct)
            : await connections.UpdateAsync(vendor, id, user, Input.ToInput(), ct);
        return (saved.Id, id is null ? "created" : "saved");
    }, ct);

    public Task<IActionResult> OnPostCheckAsync(string id, CancellationToken ct) => ChangeAsync(id, async (vendor, user) =>
    {
        var check = await connections.CheckAsync(vendor, id, user, ct);
        return (id, check.Passed ? "check-passed" : "check-failed");
    }, ct);

    public async Task<IActionResult> OnPostDeleteAsync(string id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (!CanManage) return Forbid();
        await connections.DeleteAsync(TenantAccess.VendorOf(User)!, id, User.SubjectOf()!, ct);
        return RedirectToPage(new { id = (string?)null, notice = "deleted" });
    }

    /// <summary>Runs a change as the signed-in vendor admin: on success back to the connection with a notice, else the form with each error at its field.</summary>
    private async Task<IActionResult> ChangeAsync(string? id, Func<string, string, Task<(string Id, string Notice)>> change, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (!CanManage) return Forbid();
        try
        {
            var (savedId, notice) = await change(TenantAccess.VendorOf(User)!, User.SubjectOf()!);
            return RedirectToPage(new { id = savedId, notice });
        }
        catch (RequestValidationException e)
        {
            var texts = CodedProblems.Texts(HttpContext);
            foreach (var error in e.Errors) ModelState.AddModelError("Input." + char.ToUpperInvariant(error.Field[0]) + error.Field[1..], texts.Word(error));
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
        return Page();
    }

    private async Task<bool> LoadAsync(string? id, CancellationToken ct)
    {
        if (TenantAccess.VendorOf(User) is not { } vendor) return false;
        CanManage = User.HasRole(Roles.VendorAdmin);
        Connections = await connections.ListAsync(vendor, ct);
        if (id is null) return true;
        Current = Connections.FirstOrDefault(c => c.Id == id);
        return Current is not null;
    }
}

/// <summary>The connection form; secrets are never filled in, an empty secret field leaves the stored secret as it is.</summary>
public sealed class BrokerInput
{
    public string? Name { get; set; }
    public string? BrokerUrl { get; set; }
    public string? AuthKind { get; set; } = "basic";
    public string? Username { get; set; }
    public string? Secret { get; set; }
    public string? NextSecret { get; set; }
    public string? TokenUrl { get; set; }
    public string? Scope { get; set; }
    public bool DiscardNextSecret { get; set; }
    public string? StatusUrl { get; set; }

    public static BrokerInput Of(BrokerConnectionView c) => new()
    {
        Name = c.Name, BrokerUrl = c.BrokerUrl, AuthKind = c.AuthKind, Username = c.Username, TokenUrl = c.TokenUrl, Scope = c.Scope, StatusUrl = c.StatusUrl,
    };

    public BrokerConnectionInput ToInput() => new(Name, BrokerUrl, AuthKind, Username, Empty(Secret), Empty(NextSecret), TokenUrl, Scope, DiscardNextSecret, StatusUrl);

    private static string? Empty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
