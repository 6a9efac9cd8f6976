using Marketplace.Identity.Email;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Marketplace.Identity.Tests.Notifications;

/// <summary>Subjects carry names vendors typed: a line break in one must neither inject a header nor stop the mail.</summary>
public class EmailSubjectTests
{
    [Test]
    public async Task A_subject_with_a_line_break_is_sent_on_one_line_without_an_injected_header()
    {
        var folder = Directory.CreateTempSubdirectory("mail-").FullName;
        try
        {
            var sender = new SmtpEmailSender(Options.Create(new EmailOptions { PickupDirectory = folder }), NullLogger<SmtpEmailSender>.Instance);
            await sender.SendAsync("kaemmerei@gemeinde.example", "Bauantrag\r\nBcc: alle@evil.example: Abonnement aktiv", "Text");

            var mail = await File.ReadAllTextAsync(Directory.GetFiles(folder).Single());
            var headers = mail[..mail.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n");
            Assert.That(headers.Any(h => h.StartsWith("Bcc:", StringComparison.OrdinalIgnoreCase)), Is.False, mail);
            Assert.That(mail, Does.Not.Contain("alle@evil.example>"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestCase("Bauantrag\r\nBcc: x", "Bauantrag Bcc: x")]
    [TestCase("a\tb\u2028c\0", "a b c")]
    [TestCase("Hundesteuer: Abonnement aktiv", "Hundesteuer: Abonnement aktiv")]
    public void A_subject_keeps_its_words_and_loses_its_control_characters(string subject, string expected) =>
        Assert.That(SmtpEmailSender.HeaderSafe(subject), Is.EqualTo(expected));
}
