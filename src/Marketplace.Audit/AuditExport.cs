using System.Text;
using System.Text.Json;
using Marketplace.Storage;

namespace Marketplace.Audit;

/// <summary>Exports the filtered audit log as CSV (RFC 4180, UTF-8) or JSON, oldest entry first, streaming without holding it all in memory.</summary>
public static class AuditExport
{
    private static readonly string[] Header =
        ["seq", "occurred_at", "actor_user_id", "actor_org_id", "action", "object_type", "object_id", "before_json", "after_json", "prev_hash", "hash"];

    public static async Task<long> WriteCsvAsync(AuditTrail trail, AuditQuery query, Stream output, CancellationToken ct = default)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(CsvExport.Line(Header, ','));
        long count = 0;
        await foreach (var r in trail.ReadAllAsync(query, ct))
        {
            await writer.WriteLineAsync(CsvExport.Line(new[]
            {
                r.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), r.OccurredAt, r.ActorUserId, r.ActorOrganisationId, r.Action,
                r.ObjectType, r.ObjectId, r.BeforeJson, r.AfterJson, r.PrevHash, r.Hash,
            }, ','));
            count++;
        }
        return count;
    }

    /// <summary>A JSON array of entries; before and after are embedded as JSON, not as strings, so the export reads as data.</summary>
    public static async Task<long> WriteJsonAsync(AuditTrail trail, AuditQuery query, Stream output, CancellationToken ct = default)
    {
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        json.WriteStartArray();
        long count = 0;
        await foreach (var r in trail.ReadAllAsync(query, ct))
        {
            json.WriteStartObject();
            json.WriteNumber("seq", r.Seq);
            json.WriteString("occurredAt", r.OccurredAt);
            json.WriteString("actorUserId", r.ActorUserId);
            json.WriteString("actorOrganisationId", r.ActorOrganisationId);
            json.WriteString("action", r.Action);
            json.WriteString("objectType", r.ObjectType);
            json.WriteString("objectId", r.ObjectId);
            WriteRaw(json, "before", r.BeforeJson);
            WriteRaw(json, "after", r.AfterJson);
            json.WriteString("prevHash", r.PrevHash);
            json.WriteString("hash", r.Hash);
            json.WriteEndObject();
            if (++count % 500 == 0) await json.FlushAsync(ct);
        }
        json.WriteEndArray();
        await json.FlushAsync(ct);
        return count;
    }

    private static void WriteRaw(Utf8JsonWriter json, string name, string? raw)
    {
        if (raw is null)
        {
            json.WriteNull(name);
            return;
        }
        try
        {
            using var _ = JsonDocument.Parse(raw);
        }
        catch (JsonException)
        {
            // A row someone edited by hand may hold anything; the export still shows it (verify names the entry).
            json.WriteString(name, raw);
            return;
        }
        json.WritePropertyName(name);
        json.WriteRawValue(raw, skipInputValidation: true);
    }
}
