using Marketplace.Identity.Access;
using Marketplace.Identity.Clients;
using Marketplace.Identity.Organisations;
using Marketplace.Identity.Users;
using Microsoft.AspNetCore.Identity;
using Marketplace.Identity.Stores;

namespace Marketplace.Identity;

/// <summary>
/// Development only: demo organisations (München and Köln, two catalogue vendors, a bundler, the platform), one user per
/// role with a known password, a delegation München → bundler and one API client each for a vendor and a municipality.
/// Idempotent: what exists already is left alone.
/// </summary>
public sealed class DemoSeeder(OrganisationStore organisations, DelegationStore delegations, UserAdministration users,
    UserManager<MarketplaceUser> userManager, ApiClientStore clients)
{
    public const string Password = "Marktplatz-Demo-2026!";

    public const string Muenchen = "municipality-09162000";
    public const string Koeln = "municipality-05315000";
    public const string Komuna = "vendor-komuna-digital";
    public const string Havelsoft = "vendor-havelsoft";
    public const string Bundler = "bundler-kommunale-it-bayern";
    public const string Platform = "platform-betrieb";

    /// <summary>The seeded machine clients: id and secret (development only).</summary>
    public static readonly (string ClientId, string Secret, string Organisation, string Role)[] Clients =
    [
        ("komuna-system", "komuna-demo-secret-2026", Komuna, Roles.VendorEditor),
        ("muenchen-system", "muenchen-demo-secret-2026", Muenchen, Roles.BuyerAdmin),
    ];

    /// <summary>One account per role (and a second municipality and vendor, for isolation checks).</summary>
    public static readonly DemoAccount[] Accounts =
    [
        new(Roles.BuyerAdmin, "einkauf@muenchen.example", "Petra Huber", Muenchen),
        new(Roles.BuyerViewer, "lesen@muenchen.example", "Jonas Maier", Muenchen),
        new(Roles.BuyerAdmin, "einkauf@koeln.example", "Sabine Schmitz", Koeln),
        new(Roles.VendorAdmin, "admin@komuna-digital.example", "Annika Lorenz", Komuna),
        new(Roles.VendorEditor, "redaktion@komuna-digital.example", "Felix Brandt", Komuna),
        new(Roles.VendorAdmin, "admin@havelsoft.example", "Malte Krüger", Havelsoft),
        new(Roles.BundlerAdmin, "admin@it-dienstleister.example", "Georg Wimmer", Bundler),
        new(Roles.Auditor, "pruefung@plattform.example", "Dr. Ines Wolf", Platform),
        new(Roles.PlatformAdmin, "betrieb@plattform.example", "Tobias Roth", Platform),
    ];

    public async Task<IReadOnlyList<DemoAccount>> SeedAsync(CancellationToken ct = default)
    {
        var system = Actor.System;
        await Ensure(Muenchen, () => organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Municipality, MunicipalityAgs: "09162000", Id: Muenchen,
            Billing: new BillingDetails("09162000-0001-54", "Landeshauptstadt München, IT-Referat", "Agnes-Pockels-Bogen 21", "80992", "München")), system, ct), ct);
        await Ensure(Koeln, () => organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Municipality, MunicipalityAgs: "05315000", Id: Koeln,
            Billing: new BillingDetails("05315000-0001-96", "Stadt Köln, Amt für Informationsverarbeitung", "Willy-Brandt-Platz 2", "50679", "Köln")), system, ct), ct);
        await Ensure(Komuna, () => organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Vendor, VendorId: "komuna-digital", Id: Komuna), system, ct), ct);
        await Ensure(Havelsoft, () => organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Vendor, VendorId: "havelsoft", Id: Havelsoft), system, ct), ct);
        await Ensure(Bundler, () => organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Bundler, "Kommunale IT Bayern (Demo)",
            LandCode: "09", BundlerType: "it-dienstleister", Id: Bundler), system, ct), ct);
        await Ensure(Platform, () => organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Platform, "Marktplatz-Betrieb", Id: Platform), system, ct), ct);

        foreach (var a in Accounts)
            if (await userManager.FindByEmailAsync(a.Email) is null)
                await users.CreateUserAsync(a.Organisation, a.Email, a.Name, a.Role, Password, null, system, ct);

        if ((await delegations.ActiveOfMunicipalityAsync(Muenchen, ct)).Count == 0)
            await delegations.GrantAsync((await organisations.GetAsync(Muenchen, ct))!, Bundler, new DelegationGrant(Order: true, Configure: true, ViewInvoices: false), system, ct);

        foreach (var (clientId, secret, org, role) in Clients)
            if (await clients.FindActiveAsync(clientId, ct) is null)
                await clients.CreateAsync(org, $"Demo-System {clientId}", role, system, clientId, secret, ct);
        return Accounts;
    }

    private async Task Ensure(string id, Func<Task<Organisation>> create, CancellationToken ct)
    {
        if (await organisations.GetAsync(id, ct) is null) await create();
    }
}

/// <summary>A seeded demo account.</summary>
public sealed record DemoAccount(string Role, string Email, string Name, string Organisation);
