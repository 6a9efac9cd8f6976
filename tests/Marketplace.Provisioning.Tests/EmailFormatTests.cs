using System.Text.Json.Nodes;
using Marketplace.Kernel;
using Marketplace.Provisioning.Configuration;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>
/// Contact addresses in tenant configurations are checked by the platform's own RFC 5321 rule, which reads no clock
/// (JsonSchema.Net's check gave up after 200 ms and called a valid address invalid on a busy machine).
/// </summary>
public class EmailFormatTests
{
    private static readonly TenantSchema Schema = TenantSchema.For(new JsonObject
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["kontaktEmail"] = new JsonObject { ["type"] = "string", ["format"] = "email" },
            ["postfach"] = new JsonObject { ["type"] = "string", ["format"] = "idn-email" },
        },
    });

    private static IReadOnlyList<FieldError> Check(string field, string address) => Schema.Validate(new JsonObject { [field] = address });

    [TestCase("buergeramt@muenchen.example")]
    [TestCase("vorname.nachname+fundbuero@stadt.kiel.de")]
    [TestCase("\"buergeramt mitte\"@example.org")]
    [TestCase("\"a@b\"@example.org")]
    [TestCase("post@[192.0.2.1]")]
    [TestCase("post@[IPv6:2001:db8::1]")]
    [TestCase("info@müller-verwaltung.de")]
    [TestCase("info@xn--mller-verwaltung-jlc.de")]
    public void A_valid_address_is_accepted(string address) =>
        Assert.That(Check("kontaktEmail", address), Is.Empty);

    [TestCase("keine-adresse")]
    [TestCase("@example.org")]
    [TestCase("buergeramt@")]
    [TestCase(".buergeramt@example.org")]
    [TestCase("buerger..amt@example.org")]
    [TestCase("buergeramt.@example.org")]
    [TestCase("buerger amt@example.org")]
    [TestCase("buergeramt@example")]
    [TestCase("buergeramt@-stadt.de")]
    [TestCase("buergeramt@stadt-.de")]
    [TestCase("buergeramt@example.org\n")]
    [TestCase("jürgen@example.org")]
    public void An_invalid_address_is_refused_in_German(string address)
    {
        var errors = Check("kontaktEmail", address);
        Assert.That(errors.Select(e => (e.Field, e.Message)), Is.EqualTo(new[] { ("/kontaktEmail", "keine gültige E-Mail-Adresse") }));
    }

    [Test]
    public void RFC_5321_limits_the_local_part_to_64_characters_and_the_domain_to_255()
    {
        Assert.That(Check("kontaktEmail", new string('a', 64) + "@example.org"), Is.Empty);
        Assert.That(Check("kontaktEmail", new string('a', 65) + "@example.org"), Is.Not.Empty);
        var label = new string('b', 63) + ".";
        Assert.That(Check("kontaktEmail", "a@" + string.Concat(Enumerable.Repeat(label, 3)) + "de"), Is.Empty);
        Assert.That(Check("kontaktEmail", "a@" + string.Concat(Enumerable.Repeat(label, 4)) + "de"), Is.Not.Empty);
    }

    [Test]
    public void An_international_address_may_carry_non_ASCII_letters_before_the_at_sign()
    {
        Assert.That(Check("postfach", "jürgen.müller@gemeinde-öhningen.de"), Is.Empty);
        Assert.That(Check("postfach", "\"Bürgeramt Mitte\"@example.org"), Is.Empty);
        Assert.That(Check("postfach", "jürgen..müller@example.org"), Is.Not.Empty);
    }
}
