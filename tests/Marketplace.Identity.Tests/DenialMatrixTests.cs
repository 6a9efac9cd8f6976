using System.Net;
using System.Net.Http.Json;
using Marketplace.Identity.Stores;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.DenialMatrix;

namespace Marketplace.Identity.Tests;

/// <summary>
/// Who may call what: every principal (anonymous and one demo account per role, plus a second municipality and vendor)
/// against every state-changing or tenant-scoped endpoint. A row per endpoint; later issues add their endpoints as rows,
/// and a test fails while a protected API endpoint has none.
/// </summary>
public static partial class DenialMatrix
{
    public const string Anonymous = "anonymous";
    public const string MuenchenAdmin = "einkauf@muenchen.example";
    public const string MuenchenViewer = "lesen@muenchen.example";
    public const string KoelnAdmin = "einkauf@koeln.example";
    public const string KomunaAdmin = "admin@komuna-digital.example";
    public const string KomunaEditor = "redaktion@komuna-digital.example";
    public const string HavelsoftAdmin = "admin@havelsoft.example";
    public const string BundlerAdmin = "admin@it-dienstleister.example";
    public const string Auditor = "pruefung@plattform.example";
    public const string PlatformAdmin = "betrieb@plattform.example";

    public static readonly string[] Principals =
        [Anonymous, MuenchenAdmin, MuenchenViewer, KoelnAdmin, KomunaAdmin, KomunaEditor, HavelsoftAdmin, BundlerAdmin, Auditor, PlatformAdmin];

    public const int Ok = 200, Created = 201, NoContent = 204, Unauthorized = 401, Forbidden = 403, NotFound = 404;

    /// <summary>
    /// One endpoint: method, route pattern (as registered, for the completeness check), the concrete URL, a body
    /// (fresh per call, so creating twice does not collide), and the expected status per principal; principals not named
    /// get <paramref name="Otherwise"/>. Anonymous is always 401. A body that is already <see cref="HttpContent"/> (a YAML file,
    /// a multipart form) is sent as it is; <paramref name="Prepare"/> creates what the row needs on the host and returns the concrete URL.
    /// </summary>
    public sealed record Row(string Method, string Pattern, string Url, Func<object?>? Body, int Otherwise, Dictionary<string, int> Expected,
        Func<IdentityHost, string, Task<string>>? Prepare = null)
    {
        public int ExpectedFor(string principal) => principal == Anonymous ? Unauthorized : Expected.GetValueOrDefault(principal, Otherwise);
        public override string ToString() => $"{Method} {Url}";
    }

    internal static Dictionary<string, int> Map(params (string[] Who, int Status)[] entries) =>
        entries.SelectMany(e => e.Who.Select(w => (w, e.Status))).ToDictionary(x => x.w, x => x.Status);

    internal static readonly string[] Everyone = Principals[1..];
    internal static readonly string[] Platform = [Auditor, PlatformAdmin];
    internal static readonly string[] Muenchen = [MuenchenAdmin, MuenchenViewer];
    internal static readonly string[] Komuna = [KomunaAdmin, KomunaEditor];
    internal static readonly string[] OtherAdmins = [KoelnAdmin, KomunaAdmin, HavelsoftAdmin, BundlerAdmin];

    internal static string Unique() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>Every row: identity's here, each module's in its own DenialMatrix.&lt;Module&gt;.cs file.</summary>
    public static readonly Row[] Rows = [.. IdentityRows, .. ProvisioningRows, .. ConformanceRows, .. BillingRows, .. NotificationsRows, .. CommunityRows, .. BrokerConnectionRows, .. ReconciliationRows, .. BindingRows, .. ResidencyRows, .. BackOfficeRows];

    // Properties, not fields: static fields in partial files initialise in no defined order.
    private static Row[] IdentityRows =>
    [
        new("GET", "/api/v1/organisations/me", "/api/v1/organisations/me", null, Ok, []),
        new("GET", "/api/v1/organisations", "/api/v1/organisations", null, Forbidden, Map((Platform, Ok))),
        new("POST", "/api/v1/organisations", "/api/v1/organisations",
            () => new { kind = "bundler", name = "Zweckverband " + Unique(), bundlerType = "it-dienstleister" }, Forbidden, Map(([PlatformAdmin], Created))),
        new("GET", "/api/v1/organisations/{id}", "/api/v1/organisations/municipality-09162000", null, NotFound, Map((Muenchen, Ok), (Platform, Ok))),
        new("GET", "/api/v1/organisations/{id}/users", "/api/v1/organisations/municipality-09162000/users", null, Forbidden,
            Map(([MuenchenAdmin, PlatformAdmin], Ok), (OtherAdmins, NotFound))),
        new("PUT", "/api/v1/organisations/{id}/users/{userId}/role", "/api/v1/organisations/municipality-09162000/users/{viewer}/role",
            () => new { role = "buyer-viewer" }, Forbidden, Map(([MuenchenAdmin, PlatformAdmin], NoContent), (OtherAdmins, NotFound))),
        new("DELETE", "/api/v1/organisations/{id}/users/{userId}", "/api/v1/organisations/municipality-09162000/users/no-such-user", null, Forbidden,
            Map(([MuenchenAdmin, PlatformAdmin], NotFound), (OtherAdmins, NotFound))),
        new("GET", "/api/v1/organisations/{id}/invitations", "/api/v1/organisations/municipality-09162000/invitations", null, Forbidden,
            Map(([MuenchenAdmin, PlatformAdmin], Ok), (OtherAdmins, NotFound))),
        new("POST", "/api/v1/organisations/{id}/invitations", "/api/v1/organisations/municipality-09162000/invitations",
            () => new { email = $"neu-{Unique()}@muenchen.example", role = "buyer-viewer" }, Forbidden,
            Map(([MuenchenAdmin, PlatformAdmin], Created), (OtherAdmins, NotFound))),
        new("DELETE", "/api/v1/organisations/{id}/invitations/{invitationId}", "/api/v1/organisations/municipality-09162000/invitations/no-such-invitation",
            null, Forbidden, Map(([MuenchenAdmin, PlatformAdmin], NotFound), (OtherAdmins, NotFound))),
        new("GET", "/api/v1/organisations/{id}/clients", "/api/v1/organisations/vendor-komuna-digital/clients", null, Forbidden,
            Map(([KomunaAdmin, PlatformAdmin], Ok), ([MuenchenAdmin, KoelnAdmin, HavelsoftAdmin, BundlerAdmin], NotFound))),
        new("POST", "/api/v1/organisations/{id}/clients", "/api/v1/organisations/vendor-komuna-digital/clients",
            () => new { displayName = "Redaktionssystem " + Unique(), role = "vendor-editor" }, Forbidden,
            Map(([KomunaAdmin, PlatformAdmin], Created), ([MuenchenAdmin, KoelnAdmin, HavelsoftAdmin, BundlerAdmin], NotFound))),
        new("DELETE", "/api/v1/organisations/{id}/clients/{clientId}", "/api/v1/organisations/vendor-komuna-digital/clients/no-such-client", null, Forbidden,
            Map(([KomunaAdmin, PlatformAdmin], NotFound), ([MuenchenAdmin, KoelnAdmin, HavelsoftAdmin, BundlerAdmin], NotFound))),
        new("GET", "/api/v1/municipalities/{ags}/organisation", "/api/v1/municipalities/09162000/organisation", null, NotFound,
            Map((Muenchen, Ok), (Platform, Ok), ([BundlerAdmin], Ok))),
        new("PUT", "/api/v1/municipalities/{ags}/billing", "/api/v1/municipalities/09162000/billing",
            () => new { leitwegId = "09162000-0001-54", recipient = "Landeshauptstadt München", street = "Marienplatz 8", postalCode = "80331", city = "München" },
            Forbidden, Map(([MuenchenAdmin], Ok), ([KoelnAdmin], NotFound))),
        new("GET", "/api/v1/municipalities/{ags}/delegations", "/api/v1/municipalities/09162000/delegations", null, NotFound,
            Map((Muenchen, Ok), (Platform, Ok))),
        new("POST", "/api/v1/municipalities/{ags}/delegations", "/api/v1/municipalities/09162000/delegations",
            () => new { bundlerOrganisationId = DemoSeeder.Bundler, order = true, configure = true, viewInvoices = false }, Forbidden,
            Map(([MuenchenAdmin], Created), ([KoelnAdmin], NotFound))),
        new("DELETE", "/api/v1/municipalities/{ags}/delegations/{delegationId}", "/api/v1/municipalities/09162000/delegations/no-such-delegation", null,
            Forbidden, Map(([MuenchenAdmin], NotFound), ([KoelnAdmin], NotFound))),
        new("GET", "/api/v1/delegations/received", "/api/v1/delegations/received", null, Forbidden, Map(([BundlerAdmin], Ok))),
        new("GET", "/api/v1/vendors/{vendorId}/organisation", "/api/v1/vendors/komuna-digital/organisation", null, NotFound,
            Map((Komuna, Ok), (Platform, Ok))),
        new("PUT", "/api/v1/vendors/{vendorId}/organisation", "/api/v1/vendors/komuna-digital/organisation",
            () => new { legalName = "Komuna Digital GmbH", vatId = "DE814302761", contacts = new[] { new { role = "support", name = "Service-Desk", email = "support@komuna-digital.example" } } },
            Forbidden, Map(([KomunaAdmin], Ok), ([HavelsoftAdmin], NotFound))),
    ];

    /// <summary>A case per row: its principals share the host and their sign-ins, so a case per pair only repeats set-up.</summary>
    public static IEnumerable<TestCaseData> Cases() => Rows.Select(row => new TestCaseData(row).SetName(row.ToString()));
}

/// <summary>
/// The matrix on a host of its own per engine: its writes (a Land's designation, München's settings) stay away from the
/// fixtures of <see cref="SharedHosts"/>, so it runs beside them.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class DenialMatrixTests(DatabaseEngine engine)
{
    private IdentityHost _host = null!;
    private string _viewerId = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IdentityHost.StartAsync(engine);
        using var scope = _host.Services.CreateScope();
        _viewerId = (await scope.ServiceProvider.GetRequiredService<UserManager<MarketplaceUser>>().FindByEmailAsync(MuenchenViewer))!.Id;
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    /// <summary>Every principal in turn, each as its own request with a fresh body and preparation; a failure names each principal that got another status.</summary>
    [TestCaseSource(typeof(DenialMatrix), nameof(Cases))]
    public async Task Answers_as_the_matrix_says(Row row) => await Assert.MultipleAsync(async () =>
    {
        foreach (var principal in Principals)
        {
            var client = principal == Anonymous ? _host.Browser() : await _host.SignedInAsync(principal);
            var url = row.Url.Replace("{viewer}", _viewerId);
            if (row.Prepare is not null) url = await row.Prepare(_host, url);
            var request = new HttpRequestMessage(new HttpMethod(row.Method), url);
            if (row.Body?.Invoke() is { } body) request.Content = body as HttpContent ?? JsonContent.Create(body);
            var response = await client.SendAsync(request);
            Assert.That((int)response.StatusCode, Is.EqualTo(row.ExpectedFor(principal)), $"{row} as {principal}: {await response.Content.ReadAsStringAsync()}");
        }
    });

    [Test]
    public void Every_protected_API_endpoint_has_a_row()
    {
        var inMatrix = Rows.Select(r => (r.Method, r.Pattern)).ToHashSet();
        var missing = EndpointAuthorizationTests.Endpoints(_host)
            .Where(e => EndpointAuthorizationTests.Pattern(e).StartsWith("/api/", StringComparison.Ordinal) && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => (Method: m, Pattern: EndpointAuthorizationTests.Pattern(e))))
            .Where(x => !inMatrix.Contains(x))
            .Select(x => $"{x.Method} {x.Pattern}").ToList();
        Assert.That(missing, Is.Empty, "add a row to DenialMatrix.Rows for each");
    }

    [Test]
    public async Task Pages_of_the_account_area_send_anonymous_visitors_to_sign_in()
    {
        foreach (var page in new[] { "/organisation", "/konto/profil" })
        {
            var response = await _host.Browser().GetAsync(page);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), page);
            Assert.That(response.Headers.Location!.ToString(), Does.Contain("/konto/anmelden"), page);
            Assert.That((await (await _host.SignedInAsync(MuenchenViewer)).GetAsync(page)).StatusCode, Is.EqualTo(HttpStatusCode.OK), page);
        }
    }
}
