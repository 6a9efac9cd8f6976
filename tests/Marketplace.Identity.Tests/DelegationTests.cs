using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Audit;
using Marketplace.Identity.Access;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>A bundling organisation acts for a municipality that delegated to it, and not after the delegation is revoked.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class DelegationTests(DatabaseEngine engine)
{
    [Test]
    public async Task A_bundler_acts_for_a_delegating_municipality_and_gets_404_after_revocation()
    {
        var host = await SharedHosts.For(engine);
        var koeln = await host.SignedInAsync(DenialMatrix.KoelnAdmin);
        var bundler = await host.SignedInAsync(DenialMatrix.BundlerAdmin);
        const string koelnData = "/api/v1/municipalities/05315000/organisation";

        Assert.That((await bundler.GetAsync(koelnData)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "no delegation yet");

        var granted = await koeln.PostAsJsonAsync("/api/v1/municipalities/05315000/delegations",
            new { bundlerOrganisationId = DemoSeeder.Bundler, order = true, configure = false, viewInvoices = true });
        Assert.That(granted.StatusCode, Is.EqualTo(HttpStatusCode.Created), await granted.Content.ReadAsStringAsync());
        var delegationId = (await granted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var seen = await bundler.GetAsync(koelnData);
        Assert.That(seen.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await seen.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leitwegId").GetString(), Is.EqualTo("05315000-0001-96"));
        var received = await bundler.GetFromJsonAsync<JsonElement>("/api/v1/delegations/received");
        Assert.That(received.EnumerateArray().Select(d => d.GetProperty("municipalityAgs").GetString()), Does.Contain("05315000"));

        // What the delegate may do is exactly what was granted.
        var access = host.Services.GetRequiredService<TenantAccess>();
        var principal = await PrincipalOf(host, DenialMatrix.BundlerAdmin);
        Assert.That(await access.PermissionsForMunicipalityAsync(principal, "05315000"),
            Is.EqualTo(MunicipalityPermission.View | MunicipalityPermission.Order | MunicipalityPermission.ViewInvoices));
        Assert.That(await access.CanActForMunicipalityAsync(principal, "05315000", MunicipalityPermission.Configure), Is.False);

        Assert.That((await koeln.DeleteAsync($"/api/v1/municipalities/05315000/delegations/{delegationId}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await bundler.GetAsync(koelnData)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "revocation is immediate");
        Assert.That(await access.PermissionsForMunicipalityAsync(principal, "05315000"), Is.EqualTo(MunicipalityPermission.None));
        Assert.That((await koeln.DeleteAsync($"/api/v1/municipalities/05315000/delegations/{delegationId}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        var audit = host.Services.GetRequiredService<AuditTrail>();
        var entries = await audit.QueryAsync(new AuditQuery(ObjectType: "delegation", ObjectId: delegationId));
        Assert.That(entries.Select(e => e.Action), Is.EquivalentTo(new[] { "delegation.granted", "delegation.revoked" }));
        Assert.That((await audit.VerifyAsync()).Intact, Is.True);
    }

    [Test]
    public async Task The_grant_time_is_answered_stored_and_audited_in_the_one_fixed_form()
    {
        var host = await SharedHosts.For(engine);
        var koeln = await host.SignedInAsync(DenialMatrix.KoelnAdmin);
        var granted = await koeln.PostAsJsonAsync("/api/v1/municipalities/05315000/delegations",
            new { bundlerOrganisationId = DemoSeeder.Bundler, order = false, configure = false, viewInvoices = false });
        var answer = await granted.Content.ReadFromJsonAsync<JsonElement>();
        var id = answer.GetProperty("id").GetString()!;
        var answered = answer.GetProperty("grantedAt").GetString()!;

        await using var c = await host.Services.GetRequiredService<Database>().OpenAsync();
        var stored = await Dapper.SqlMapper.QuerySingleAsync<string>(c, "SELECT granted_at FROM delegations WHERE id = @id", new { id });
        var audited = (await host.Services.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery(ObjectType: "delegation", ObjectId: id))).Single();
        Assert.That(answered, Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$"));
        Assert.That(stored, Is.EqualTo(answered));
        Assert.That(JsonDocument.Parse(audited.AfterJson!).RootElement.GetProperty("GrantedAt").GetString(), Is.EqualTo(answered));
        Assert.That((await koeln.DeleteAsync($"/api/v1/municipalities/05315000/delegations/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Only_a_bundling_organisation_can_be_a_delegate()
    {
        var host = await SharedHosts.For(engine);
        var koeln = await host.SignedInAsync(DenialMatrix.KoelnAdmin);
        var response = await koeln.PostAsJsonAsync("/api/v1/municipalities/05315000/delegations",
            new { bundlerOrganisationId = DemoSeeder.Komuna, order = true, configure = true, viewInvoices = true });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").TryGetProperty("bundlerOrganisationId", out _), Is.True);
    }

    /// <summary>The claims principal the host builds for a demo account, as TenantAccess sees it on a request.</summary>
    internal static async Task<System.Security.Claims.ClaimsPrincipal> PrincipalOf(IdentityHost host, string email)
    {
        using var scope = host.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Stores.MarketplaceUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.IUserClaimsPrincipalFactory<Stores.MarketplaceUser>>();
        return await factory.CreateAsync((await users.FindByEmailAsync(email))!);
    }
}
