using System.Globalization;
using Marketplace.Audit;
using Microsoft.AspNetCore.Http;

namespace Marketplace.Conformance.Api;

/// <summary>
/// The audit trail's filters from a query string (API and audit page alike): objectType, objectId, userId, organisationId,
/// action, from and to (a day, inclusive, or an instant), limit (1–500) and offset.
/// </summary>
public static class AuditFilter
{
    public const int MaxLimit = 500;

    public static AuditQuery Parse(IQueryCollection q)
    {
        var limit = Int(q, "limit", 100);
        if (limit is < 1 or > MaxLimit) throw ConformanceException.Invalid("limit", "page.limit", $"zwischen 1 und {MaxLimit}", MaxLimit);
        var offset = Int(q, "offset", 0);
        if (offset < 0) throw ConformanceException.Invalid("offset", "page.offset", "nicht negativ");
        return new AuditQuery(Text(q, "objectType"), Text(q, "objectId"), Text(q, "userId"), Text(q, "organisationId"), Text(q, "action"),
            Instant(q, "from", endOfDay: false), Instant(q, "to", endOfDay: true), limit, offset);
    }

    private static string? Text(IQueryCollection q, string name) => q[name].ToString() is { Length: > 0 } v ? v.Trim() : null;

    private static int Int(IQueryCollection q, string name, int fallback) =>
        Text(q, name) is not { } v ? fallback
        : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw ConformanceException.Invalid(name, "not-integer", "keine ganze Zahl");

    /// <summary>A day means its start (from) or the start of the next day (to, which the query treats as exclusive).</summary>
    private static DateTimeOffset? Instant(IQueryCollection q, string name, bool endOfDay)
    {
        if (Text(q, name) is not { } v) return null;
        if (DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new DateTimeOffset((endOfDay ? day.AddDays(1) : day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return t;
        throw ConformanceException.Invalid(name, "audit.instant", "Datum (JJJJ-MM-TT) oder Zeitpunkt (ISO 8601).");
    }
}
