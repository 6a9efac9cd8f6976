using System.Security.Claims;
using Marketplace.Identity.External;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>External users are linked by an invitation or a configured claim rule, never by their e-mail address alone.</summary>
public class ExternalLinkingTests
{
    private static ExternalProviderOptions Provider(params ExternalLinkRule[] rules) =>
        new() { DisplayName = "Keycloak München", Authority = "https://idp.muenchen.example/realms/stadt", ClientId = "marktplatz", Rules = [.. rules] };

    private static ClaimsPrincipal External(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "external"));

    [Test]
    public void A_group_rule_links_to_its_organisation_and_role()
    {
        var provider = Provider(new ExternalLinkRule { Claim = "groups", Value = "marktplatz-einkauf", Organisation = DemoSeeder.Muenchen, Role = "buyer-admin" });
        Assert.That(ExternalLinking.Validate("muenchen", provider), Is.Empty);
        var rule = ExternalLinking.Match(provider, External(("sub", "1"), ("groups", "alle"), ("groups", "marktplatz-einkauf")));
        Assert.That(rule?.Organisation, Is.EqualTo(DemoSeeder.Muenchen));
        Assert.That(rule?.Role, Is.EqualTo("buyer-admin"));
    }

    [Test]
    public void Nobody_is_linked_without_a_matching_rule_even_with_an_address_of_the_municipality()
    {
        var provider = Provider(new ExternalLinkRule { Claim = "groups", Value = "marktplatz-einkauf", Organisation = DemoSeeder.Muenchen, Role = "buyer-admin" });
        Assert.That(ExternalLinking.Match(provider, External(("sub", "2"), ("email", "chefin@muenchen.example"), ("groups", "Marktplatz-Einkauf"))), Is.Null);
    }

    [TestCase("email")]
    [TestCase("preferred_username")]
    [TestCase(ClaimTypes.Email)]
    public void A_rule_on_an_e_mail_claim_is_refused_at_start_up(string claim)
    {
        var provider = Provider(new ExternalLinkRule { Claim = claim, Value = "@muenchen.example", Organisation = DemoSeeder.Muenchen, Role = "buyer-admin" });
        Assert.That(ExternalLinking.Validate("muenchen", provider), Has.Some.Contains("e-mail"));
        Assert.That(ExternalLinking.Match(provider, External((claim, "@muenchen.example"))), Is.Null);
    }

    [Test]
    public void A_rule_with_an_unknown_role_is_refused()
    {
        var provider = Provider(new ExternalLinkRule { Claim = "groups", Value = "x", Organisation = DemoSeeder.Muenchen, Role = "superuser" });
        Assert.That(ExternalLinking.Validate("muenchen", provider), Has.Some.Contains("unknown role"));
    }
}
