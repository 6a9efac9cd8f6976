using Marketplace.Notifications;
using NUnit.Framework;

namespace Marketplace.Identity.Tests.Notifications;

/// <summary>The invoice notification names month and due date as the reader's language does, never as ISO text.</summary>
public class InvoiceNotificationTextTests
{
    private const string Params = """{"number":"MP-202611-000004","period":"2026-11","gross":297500,"dueDate":"2027-01-05"}""";

    [Test]
    public void The_German_notification_says_November_2026_and_5_Januar_2027()
    {
        var (title, body) = NotificationTexts.Render(NotificationTexts.Kinds.InvoiceFinalized, Params, english: false);
        Assert.That(title, Is.EqualTo("Neue Rechnung MP-202611-000004"));
        Assert.That(body, Is.EqualTo("Die Rechnung MP-202611-000004 über 2.975,00\u00a0€ für November 2026 ist ausgestellt, fällig am 5. Januar 2027."));
    }

    [Test]
    public void The_English_notification_says_November_2026_and_5_January_2027()
    {
        var (_, body) = NotificationTexts.Render(NotificationTexts.Kinds.InvoiceFinalized, Params, english: true);
        Assert.That(body, Does.Contain("covering November 2026").And.Contain("due on 5 January 2027").And.Not.Contain("2027-01-05").And.Not.Contain("2026-11"));
    }
}
