using System.Globalization;

namespace Marketplace.Web.Pages;

/// <summary>Money and numbers formatted for the current culture (German: "1.234,50 €").</summary>
public static class Format
{
    public static string Money(long cents) => (cents / 100m).ToString("C", CultureInfo.CurrentCulture);

    public static string Number(decimal value) => value.ToString("N0", CultureInfo.CurrentCulture);

    public static string Percent(decimal value) => value.ToString("0.##", CultureInfo.CurrentCulture) + " %";

    /// <summary>A day in the culture's short form ("29.11.2026"), in German time: a check at 23:30 UTC happened the next day here.</summary>
    public static string Day(DateTimeOffset value) =>
        TimeZoneInfo.ConvertTime(value, Berlin).ToString("d", CultureInfo.CurrentCulture);

    private static readonly TimeZoneInfo Berlin =
        TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Berlin", out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>The English name where the UI is English and one exists, else the German one.</summary>
    public static string Name(string german, string? english) =>
        CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" && !string.IsNullOrWhiteSpace(english) ? english : german;
}
