using System.Globalization;
using Marketplace.Storage;

namespace Marketplace.Web.Pages;

/// <summary>Money and numbers formatted for the current culture (German: "1.234,50 €").</summary>
public static class Format
{
    /// <summary>Euros in the current culture's number format ("1.234,50 €", "€1,234.50"); never the culture's own currency.</summary>
    public static string Money(long cents) => Billing.Pricing.Money.Display(cents, CultureInfo.CurrentCulture);

    public static string Number(decimal value) => value.ToString("N0", CultureInfo.CurrentCulture);

    public static string Percent(decimal value) => value.ToString("0.##", CultureInfo.CurrentCulture) + " %";

    /// <summary>An average rating with one decimal ("4,3").</summary>
    public static string Rating(double average) => average.ToString("0.0", CultureInfo.CurrentCulture);

    /// <summary>A day in the culture's short form ("29.11.2026"), in German time: a check at 23:30 UTC happened the next day here.</summary>
    public static string Day(DateTimeOffset value) =>
        TimeZoneInfo.ConvertTime(value, Berlin).ToString("d", CultureInfo.CurrentCulture);

    /// <summary>A stored day ("2026-09-30") in the culture's short form.</summary>
    public static string Date(string? isoDay) =>
        DateOnly.TryParseExact(isoDay, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d.ToString("d", CultureInfo.CurrentCulture) : isoDay ?? "";

    /// <summary>Date and time in the culture's form, in German time ("29.11.2026 10:15").</summary>
    public static string Time(DateTimeOffset value, bool seconds = false) =>
        TimeZoneInfo.ConvertTime(value, Berlin).ToString(seconds ? "G" : "g", CultureInfo.CurrentCulture);

    /// <summary>An audit entry's time (<c>AuditRecord.OccurredAt</c>, kept as the stored text the chain hashes) as <see cref="Time(DateTimeOffset, bool)"/> shows it.</summary>
    public static string AuditTime(string occurredAt) => Time(StoredTimestamp.Parse(occurredAt), seconds: true);

    /// <summary>A billing month ("2026-09") as the culture names it ("September 2026").</summary>
    public static string Month(string period) =>
        DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("MMMM yyyy", CultureInfo.CurrentCulture) : period;

    private static readonly TimeZoneInfo Berlin =
        TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Berlin", out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>lang="de" for catalogue text that exists only in German, when the page is in another language (WCAG 3.1.2); else none.</summary>
    public static string? GermanOnly => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "de" ? null : "de";

    /// <summary>True when the municipality itself pays the standard package ("Kommune (Eigenfinanzierung)"): then it is not free to it.</summary>
    public static bool SelfFunded(string funder) => funder.Contains("Eigenfinanzierung", StringComparison.OrdinalIgnoreCase);

    /// <summary>The English name where the UI is English and one exists, else the German one.</summary>
    public static string Name(string german, string? english) =>
        CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" && !string.IsNullOrWhiteSpace(english) ? english : german;
}
