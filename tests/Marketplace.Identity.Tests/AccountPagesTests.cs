using Marketplace.Kernel;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>The account pages as a person uses them: invitation by e-mail, sign-in, second factor, the organisation page.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public partial class AccountPagesTests(DatabaseEngine engine)
{
    private IdentityHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() => _host = await SharedHosts.For(engine);

    private static Dictionary<string, string> Login(string email, string password) => new() { ["Email"] = email, ["Password"] = password };

    [Test]
    public async Task An_invited_person_accepts_by_the_mailed_link_and_signs_in_with_the_invited_role()
    {
        var email = $"neu-{Guid.NewGuid():N}"[..12] + "@koeln.example";
        var admin = await _host.SignedInAsync(DenialMatrix.KoelnAdmin);
        var invited = await admin.PostAsJsonAsync("/api/v1/organisations/municipality-05315000/invitations", new { email, role = "buyer-viewer" });
        Assert.That(invited.StatusCode, Is.EqualTo(HttpStatusCode.Created), await invited.Content.ReadAsStringAsync());

        var mail = Directory.GetFiles(_host.MailFolder, "*.eml").Select(File.ReadAllText).Single(m => m.Contains(email));
        var link = new Uri(InvitationLink().Match(mail.Replace("=\r\n", "").Replace("=3D", "=")).Value);

        var browser = _host.Browser();
        var page = await browser.GetAsync(link.PathAndQuery);
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var token = System.Web.HttpUtility.ParseQueryString(link.Query)["token"]!;
        var accepted = await IdentityHost.PostFormAsync(browser, link.PathAndQuery, new()
        {
            ["Token"] = token, ["DisplayName"] = "Karla Neu", ["Password"] = "Sehr-geheim-2026!", ["PasswordRepeat"] = "Sehr-geheim-2026!",
        });
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await accepted.Content.ReadAsStringAsync());
        var me = await browser.GetStringAsync("/api/v1/organisations/me");
        Assert.That(me, Does.Contain("buyer-viewer").And.Contain("05315000"));

        // The link works once.
        Assert.That((await _host.Browser().GetAsync(link.PathAndQuery)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var again = _host.Browser();
        Assert.That((await IdentityHost.PostFormAsync(again, "/konto/anmelden", Login(email, "Sehr-geheim-2026!"))).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
    }

    [Test]
    public async Task A_form_post_without_antiforgery_token_is_refused()
    {
        var response = await _host.Browser().PostAsync("/konto/anmelden", new FormUrlEncodedContent(Login(DenialMatrix.MuenchenAdmin, DemoSeeder.Password)));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task The_sign_in_cookie_is_secure_http_only_and_same_site()
    {
        var response = await IdentityHost.PostFormAsync(_host.Browser(), "/konto/anmelden", Login(DenialMatrix.Auditor, DemoSeeder.Password));
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("marktplatz.anmeldung=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.That(cookie, Does.Contain("secure").And.Contain("httponly").And.Contain("samesite=lax"));
    }

    [Test]
    public async Task A_wrong_password_is_refused_and_five_lock_the_account()
    {
        var email = $"sperre-{Guid.NewGuid():N}"[..12] + "@koeln.example";
        await CreateUserAsync(email, "Richtig-Passwort-1!");
        for (var i = 0; i < 5; i++)
        {
            var wrong = await IdentityHost.PostFormAsync(_host.Browser(), "/konto/anmelden", Login(email, "falsch"));
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the form again, with an error");
        }
        var locked = await IdentityHost.PostFormAsync(_host.Browser(), "/konto/anmelden", Login(email, "Richtig-Passwort-1!"));
        Assert.That(locked.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the right password does not get in while locked");
        // Said like a wrong password: another text would tell a guesser that the address has an account.
        Assert.That(await locked.Content.ReadAsStringAsync(), Does.Contain("E-Mail-Adresse oder Passwort ist falsch.").And.Not.Contain("gesperrt"));
    }

    [Test]
    public async Task A_user_turns_on_the_second_factor_and_then_signs_in_with_a_code()
    {
        var email = $"totp-{Guid.NewGuid():N}"[..12] + "@koeln.example";
        await CreateUserAsync(email, "Richtig-Passwort-1!");
        var browser = _host.Browser();
        Assert.That((await IdentityHost.PostFormAsync(browser, "/konto/anmelden", Login(email, "Richtig-Passwort-1!"))).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));

        var setup = await IdentityHost.PostFormAsync(browser, "/konto/profil", [], "Setup");
        var html = await setup.Content.ReadAsStringAsync();
        var secret = SecretInUri().Match(html).Groups[1].Value;
        Assert.That(secret, Is.Not.Empty, html);
        var enabled = await IdentityHost.PostFormAsync(browser, "/konto/profil", new() { ["Code"] = Totp(secret) }, "Enable");
        Assert.That(await enabled.Content.ReadAsStringAsync(), Does.Contain("Wiederherstellungscodes"));

        var next = _host.Browser();
        var first = await IdentityHost.PostFormAsync(next, "/konto/anmelden", Login(email, "Richtig-Passwort-1!"));
        Assert.That(first.Headers.Location!.ToString(), Does.Contain("/konto/zweiter-faktor"));
        Assert.That((await next.GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "not signed in after the password alone");
        var wrong = await IdentityHost.PostFormAsync(next, "/konto/zweiter-faktor", new() { ["Code"] = "000000" });
        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var second = await IdentityHost.PostFormAsync(next, "/konto/zweiter-faktor", new() { ["Code"] = Totp(secret) });
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await second.Content.ReadAsStringAsync());
        Assert.That((await next.GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var audit = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Audit.AuditTrail>(_host.Services);
        var entries = await audit.QueryAsync(new Audit.AuditQuery(ObjectType: "user", Action: "user.second-factor-enabled"));
        Assert.That(entries, Has.Count.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task The_organisation_page_shows_an_admin_the_users_clients_and_delegations_and_grants_a_delegation()
    {
        var admin = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var html = await admin.GetStringAsync("/organisation");
        Assert.That(html, Does.Contain("lesen@muenchen.example").And.Contain("muenchen-system").And.Contain("Kommunale IT Bayern (Demo)")
            .And.Contain("09162000-0001-54"));
        var granted = await IdentityHost.PostFormAsync(admin, "/organisation", new()
        {
            ["BundlerId"] = DemoSeeder.Bundler, ["GrantOrder"] = "true", ["GrantViewInvoices"] = "true",
        }, "Grant");
        Assert.That(granted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await granted.Content.ReadAsStringAsync(), Does.Contain("Die Delegation wurde erteilt."));

        // A read-only member sees the organisation, not its administration.
        var viewer = await (await _host.SignedInAsync(DenialMatrix.MuenchenViewer)).GetStringAsync("/organisation");
        Assert.That(viewer, Does.Contain("Landeshauptstadt München").And.Not.Contain("muenchen-system"));
        var forbidden = await IdentityHost.PostFormAsync(await _host.SignedInAsync(DenialMatrix.MuenchenViewer), "/organisation",
            new() { ["InviteEmail"] = "x@muenchen.example", ["InviteRole"] = "buyer-admin" }, "Invite");
        Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(forbidden.Headers.Location!.ToString(), Does.Contain("/konto/kein-zugriff"));
    }

    [TestCase("de-DE", "Eine gültige E-Mail-Adresse ist erforderlich.")]
    [TestCase("en-GB", "A valid e-mail address is required.")]
    public async Task The_organisation_page_words_a_refused_invitation_in_its_language(string language, string notAnEmail)
    {
        var admin = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var refused = await IdentityHost.PostFormAsync(admin, "/organisation?culture=" + language,
            new() { ["InviteEmail"] = "keine-adresse", ["InviteRole"] = "buyer-admin" }, "Invite");
        var html = System.Net.WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Contain(notAnEmail));
    }

    private async Task CreateUserAsync(string email, string password)
    {
        using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(_host.Services);
        var users = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Users.UserAdministration>(scope.ServiceProvider);
        await users.CreateUserAsync(DemoSeeder.Koeln, email, "Testperson", "buyer-viewer", password, null, Marketplace.Kernel.Actor.System);
    }

    /// <summary>RFC 6238 with the authenticator defaults: HMAC-SHA1, 30-second steps, six digits.</summary>
    private static string Totp(string base32Secret)
    {
        var key = Base32(base32Secret);
        var step = BitConverter.GetBytes(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30);
        if (BitConverter.IsLittleEndian) Array.Reverse(step);
        var hash = HMACSHA1.HashData(key, step);
        var offset = hash[^1] & 0x0f;
        var value = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (value % 1_000_000).ToString("D6");
    }

    private static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = string.Concat(text.TrimEnd('=').ToUpperInvariant().Select(c => Convert.ToString(alphabet.IndexOf(c), 2).PadLeft(5, '0')));
        return Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
    }

    [GeneratedRegex(@"https://localhost/konto/einladung\?token=[0-9a-f]+")]
    private static partial Regex InvitationLink();

    [GeneratedRegex(@"secret=([A-Z2-7]+)")]
    private static partial Regex SecretInUri();
}
