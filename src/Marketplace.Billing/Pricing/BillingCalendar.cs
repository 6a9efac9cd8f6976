using System.Globalization;

namespace Marketplace.Billing.Pricing;

/// <summary>A billing month, "YYYY-MM": a calendar month in the billing time zone.</summary>
public readonly record struct BillingMonth(int Year, int Month) : IComparable<BillingMonth>
{
    public string Period => $"{Year:D4}-{Month:D2}";
    public DateOnly FirstDay => new(Year, Month, 1);
    public DateOnly LastDay => FirstDay.AddMonths(1).AddDays(-1);
    /// <summary>The first day after the month: the exclusive end of its days.</summary>
    public DateOnly EndDay => FirstDay.AddMonths(1);
    public int Days => DateTime.DaysInMonth(Year, Month);
    public int DaysInYear => DateTime.IsLeapYear(Year) ? 366 : 365;
    public BillingMonth Next => Of(FirstDay.AddMonths(1));
    public BillingMonth Previous => Of(FirstDay.AddMonths(-1));

    public static BillingMonth Of(DateOnly day) => new(day.Year, day.Month);

    public static bool TryParse(string? period, out BillingMonth month)
    {
        month = default;
        if (period is null || !DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return false;
        month = Of(day);
        return true;
    }

    public static BillingMonth Parse(string period) =>
        TryParse(period, out var month) ? month : throw new FormatException($"'{period}' is not a billing period (YYYY-MM).");

    public int CompareTo(BillingMonth other) => (Year * 12 + Month).CompareTo(other.Year * 12 + other.Month);
    public static bool operator <(BillingMonth a, BillingMonth b) => a.CompareTo(b) < 0;
    public static bool operator >(BillingMonth a, BillingMonth b) => a.CompareTo(b) > 0;
    public static bool operator <=(BillingMonth a, BillingMonth b) => a.CompareTo(b) <= 0;
    public static bool operator >=(BillingMonth a, BillingMonth b) => a.CompareTo(b) >= 0;
    public override string ToString() => Period;
}

/// <summary>
/// Days and months as the municipality lives them: in the billing time zone (Europe/Berlin), so that a month starts at
/// local midnight and a day is a calendar day whether it has 23, 24 or 25 hours. Instants in the database are UTC.
/// </summary>
public sealed class BillingCalendar(TimeZoneInfo zone)
{
    public static BillingCalendar Berlin { get; } = new(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));

    public TimeZoneInfo Zone { get; } = zone;

    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    public BillingMonth MonthOf(DateTimeOffset instant) => BillingMonth.Of(LocalDate(instant));

    /// <summary>The instant a local day begins (midnight; the first valid local time where a switch skips midnight).</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>
    /// The days of <paramref name="month"/> on which a state valid from <paramref name="from"/> until <paramref name="to"/>
    /// (open when null) is charged: a day belongs to the state in force when it began or the state that began on it, so the
    /// start day counts and the end day does not (a plan change on the 10th charges the old plan to the 9th, the new from
    /// the 10th; a start and a cancellation on the same day charge nothing).
    /// </summary>
    public int ChargedDays(BillingMonth month, DateTimeOffset from, DateTimeOffset? to)
    {
        var first = Max(LocalDate(from), month.FirstDay);
        var end = to is { } t ? Min(LocalDate(t), month.EndDay) : month.EndDay;
        return Math.Max(0, end.DayNumber - first.DayNumber);
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
