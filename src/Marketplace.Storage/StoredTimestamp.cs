using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Storage;

/// <summary>
/// The one text form of a timestamp in the database, the audit trail and the API ("2026-11-29T10:15:00.0000000Z"):
/// fixed width and UTC, so that text columns (SQLite compares timestamps as text) sort and range-compare by time on every engine.
/// </summary>
public static class StoredTimestamp
{
    public const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Format(DateTimeOffset t) => t.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>Any ISO 8601 form; without an offset it is UTC.</summary>
    public static DateTimeOffset Parse(string s) =>
        DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();

    /// <summary>
    /// Writes JSON timestamps in the stored form, as they were while models held the stored text (System.Text.Json alone
    /// writes "+00:00" and drops trailing zeros); reads any ISO 8601 form.
    /// </summary>
    public sealed class JsonConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Format(value));
    }
}
