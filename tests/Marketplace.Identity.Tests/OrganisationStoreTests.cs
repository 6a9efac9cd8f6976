using Marketplace.Kernel;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Queries;
using Marketplace.Identity.Access;
using Marketplace.Identity.Organisations;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>Organisations and delegations on each engine: what each kind requires, and an audit entry with every change.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class OrganisationStoreTests(DatabaseEngine engine)
{
    private TestDatabase _db = null!;
    private AuditTrail _audit = null!;
    private OrganisationStore _organisations = null!;
    private DelegationStore _delegations = null!;
    private static readonly Actor Admin = new("user-1", "platform-1");

    [OneTimeSetUp]
    public async Task Create()
    {
        _db = await TestDatabase.CreateAsync(engine);
        await using (var c = await _db.Database.OpenAsync())
        {
            await c.ExecuteAsync("INSERT INTO laender (code, abbreviation, name, name_en, content_hash) VALUES ('09', 'BY', 'Bayern', 'Bavaria', 'x')");
            await c.ExecuteAsync("""
                INSERT INTO municipalities (ags, ars, name, land_code, kreis_key, population, postal_code)
                VALUES ('09162000', '091620000000', 'München, Landeshauptstadt', '09', '09162', 1484226, '80313'),
                       ('09184119', '091840119119', 'Unterschleißheim', '09', '09184', 29000, '85716')
                """);
        }
        _audit = new AuditTrail(_db.Database, Options.Create(new AuditOptions()), TimeProvider.System);
        _organisations = new OrganisationStore(_db.Database, _audit, new MunicipalityDirectory(_db.Database), new CatalogRepository(_db.Database), TimeProvider.System);
        _delegations = new DelegationStore(_db.Database, _audit, TimeProvider.System);
    }

    [OneTimeTearDown]
    public async Task Drop() => await _db.DisposeAsync();

    [Test]
    public async Task A_municipality_takes_name_and_Land_from_its_AGS_and_is_audited()
    {
        var org = await _organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Municipality, MunicipalityAgs: "09162000",
            Billing: new BillingDetails("09162000-0001-54", "LHM", "Marienplatz 8", "80331", "München")), Admin);
        Assert.That(org.Id, Is.EqualTo("municipality-09162000"));
        Assert.That(org.Name, Is.EqualTo("München, Landeshauptstadt"));
        Assert.That(org.LandCode, Is.EqualTo("09"));
        var entries = await _audit.QueryAsync(new AuditQuery(ObjectType: "organisation", ObjectId: org.Id));
        Assert.That(entries.Single().Action, Is.EqualTo("organisation.created"));
        Assert.That(entries.Single().ActorUserId, Is.EqualTo("user-1"));

        var twice = await Assert.ThrowsAsync<RequestValidationException>(() =>
            _organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Municipality, MunicipalityAgs: "09162000"), Admin));
        Assert.That(twice!.ToDictionary().Keys, Does.Contain("municipalityAgs"));
    }

    [TestCase("99999999", "09162000-0001-54", "municipalityAgs")]
    [TestCase("09184119", "keine-leitweg-id", "leitwegId")]
    [TestCase("09184119", "09184119-0001-45", "leitwegId")]
    public async Task Invalid_municipality_data_names_the_field_at_fault(string ags, string leitwegId, string field)
    {
        var e = await Assert.ThrowsAsync<RequestValidationException>(() => _organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Municipality,
            MunicipalityAgs: ags, Billing: new BillingDetails(leitwegId, "Gemeinde", "Rathausplatz 1", "85716", "Unterschleißheim")), Admin));
        Assert.That(e!.ToDictionary().Keys, Does.Contain(field));
    }

    [Test]
    public async Task A_vendor_must_exist_in_the_catalogue_and_a_bundler_must_say_what_it_is()
    {
        var vendor = await Assert.ThrowsAsync<RequestValidationException>(() =>
            _organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Vendor, VendorId: "no-such-vendor"), Admin));
        Assert.That(vendor!.ToDictionary().Keys, Does.Contain("vendorId"));
        var bundler = await Assert.ThrowsAsync<RequestValidationException>(() =>
            _organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Bundler, "Zweckverband", BundlerType: "verein"), Admin));
        Assert.That(bundler!.ToDictionary().Keys, Does.Contain("bundlerType"));
    }

    [Test]
    public async Task Granting_twice_changes_the_permissions_of_the_one_active_delegation_and_revoking_ends_it()
    {
        var municipality = await _organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Municipality, MunicipalityAgs: "09184119"), Admin);
        var bundler = await _organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Bundler, "Land Bayern", LandCode: "09", BundlerType: "land"), Admin);
        var first = await _delegations.GrantAsync(municipality, bundler.Id, new DelegationGrant(true, false, false), Admin);
        var second = await _delegations.GrantAsync(municipality, bundler.Id, new DelegationGrant(false, true, true), Admin);
        Assert.That(second.Id, Is.EqualTo(first.Id));
        var active = await _delegations.ActiveToBundlerAsync(bundler.Id);
        Assert.That(active.Single().Permissions, Is.EqualTo(MunicipalityPermission.View | MunicipalityPermission.Configure | MunicipalityPermission.ViewInvoices));

        Assert.That(await _delegations.RevokeAsync("municipality-09162000", first.Id, Admin), Is.False, "another municipality cannot revoke it");
        Assert.That(await _delegations.RevokeAsync(municipality.Id, first.Id, Admin), Is.True);
        Assert.That(await _delegations.ActiveToBundlerAsync(bundler.Id), Is.Empty);
        var actions = (await _audit.QueryAsync(new AuditQuery(ObjectType: "delegation", ObjectId: first.Id))).Select(e => e.Action);
        Assert.That(actions, Is.EquivalentTo(new[] { "delegation.granted", "delegation.changed", "delegation.revoked" }));
        Assert.That((await _audit.VerifyAsync()).Intact, Is.True);
    }
}
