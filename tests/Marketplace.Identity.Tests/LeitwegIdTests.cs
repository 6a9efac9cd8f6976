using Marketplace.Identity.Organisations;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

public class LeitwegIdTests
{
    // KoSIT's own example (991-33333TEST-33), the corrected demo IDs of München and Köln, coarse addressing only, lower-case letters.
    [TestCase("991-33333TEST-33")]
    [TestCase("991-33333test-33")]
    [TestCase("09162000-0001-54")]
    [TestCase("05315000-0001-96")]
    [TestCase("01001000-24")]
    [TestCase("11-RECHNUNG-05")]
    public void A_Leitweg_ID_whose_check_digits_match_is_valid(string id) => Assert.That(LeitwegId.IsValid(id), Is.True);

    // The demo IDs as they were (wrong check digits), a swapped pair of digits, and the wrong shapes.
    [TestCase("09162000-0001-45")]
    [TestCase("05315000-0001-33")]
    [TestCase("09162000-0010-54")]
    [TestCase("991-33333TEST-34")]
    [TestCase("1-33333TEST-33")]
    [TestCase("1234567890123-54")]
    [TestCase("09162000-00 1-54")]
    [TestCase("09162000-0001-5")]
    [TestCase("09162000--54")]
    [TestCase("")]
    [TestCase(null)]
    public void A_Leitweg_ID_with_wrong_check_digits_or_shape_is_not(string? id) => Assert.That(LeitwegId.IsValid(id), Is.False);

    [Test]
    public void The_check_digits_are_98_minus_the_rest_of_the_number_times_100_modulo_97()
    {
        Assert.That(LeitwegId.CheckDigits("091620000001"), Is.EqualTo("54"));
        Assert.That(LeitwegId.CheckDigits("99133333TEST"), Is.EqualTo("33"));
    }
}
