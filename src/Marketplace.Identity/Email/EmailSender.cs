using System.Net;
using System.Net.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Identity.Email;

/// <summary>Configuration section "Email": SMTP server, or a pickup folder (development) where each mail is written as an .eml file.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public string From { get; set; } = "marktplatz@localhost";
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public bool SmtpEnableSsl { get; set; } = true;
    public string? SmtpUserName { get; set; }
    public string? SmtpPassword { get; set; }
    /// <summary>When set, mail is written to this folder instead of being sent (development, tests).</summary>
    public string? PickupDirectory { get; set; }
    /// <summary>Also log the whole message (development only: it contains invitation links).</summary>
    public bool LogMessages { get; set; }
}

/// <summary>Sends the marketplace's mails (invitations).</summary>
public interface IEmailSender
{
    Task SendAsync(string to, string subject, string body, CancellationToken ct = default);
}

/// <summary>Sends through SMTP, or drops the mail into the pickup folder, as configured.</summary>
public sealed class SmtpEmailSender(IOptions<EmailOptions> options, ILogger<SmtpEmailSender> logger) : IEmailSender
{
    public async Task SendAsync(string to, string subject, string body, CancellationToken ct = default)
    {
        var o = options.Value;
        // Quoted-printable keeps the pickup files readable (links included); UTF-8 for the umlauts.
        subject = HeaderSafe(subject);
        using var message = new MailMessage(o.From, to, subject, body)
        {
            BodyEncoding = System.Text.Encoding.UTF8, SubjectEncoding = System.Text.Encoding.UTF8, BodyTransferEncoding = System.Net.Mime.TransferEncoding.QuotedPrintable,
        };
        using var client = new SmtpClient();
        if (o.PickupDirectory is { Length: > 0 } folder)
        {
            client.DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory;
            client.PickupDirectoryLocation = Directory.CreateDirectory(Path.GetFullPath(folder)).FullName;
        }
        else if (o.SmtpHost is { Length: > 0 } host)
        {
            client.Host = host;
            client.Port = o.SmtpPort;
            client.EnableSsl = o.SmtpEnableSsl;
            if (o.SmtpUserName is { Length: > 0 }) client.Credentials = new NetworkCredential(o.SmtpUserName, o.SmtpPassword);
        }
        else
        {
            throw new InvalidOperationException("Email: neither SmtpHost nor PickupDirectory is configured; the mail cannot be delivered.");
        }
        await client.SendMailAsync(message, ct);
        if (o.LogMessages) logger.LogInformation("Mail an {To}: {Subject}\n{Body}", to, subject, body);
        else logger.LogInformation("Mail an {To}: {Subject}", to, subject);
    }

    /// <summary>
    /// A subject on one line: names in it are typed by vendors and tenants, and a CR or LF would either start a header of
    /// its own or make MailMessage refuse the mail, which silently stopped that offering's notifications.
    /// </summary>
    public static string HeaderSafe(string subject) =>
        System.Text.RegularExpressions.Regex.Replace(subject, @"[\p{Cc}\u2028\u2029]+", " ").Trim();
}
