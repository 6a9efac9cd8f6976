using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Audit;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Marketplace.Audit.Tests;

/// <summary>CSV and JSON export of the filtered audit log.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class AuditExportTests(DatabaseEngine engine)
{
    private TestDatabase _db = null!;
    private AuditTrail _trail = null!;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _db = await TestDatabase.CreateAsync(engine);
        _trail = new AuditTrail(_db.Database, Options.Create(new AuditOptions { ChainKey = "test-key" }), TimeProvider.System);
        await _trail.AppendAsync(new AuditEntry("auditor-1", "platform", "offering.rejected", "offering", "abfall",
            JsonNode.Parse("""{"state":"submitted"}"""), JsonNode.Parse("""{"state":"rejected","reason":"Preis fehlt, bitte \"Tarif\" ergänzen;\nDanke"}""")));
        await _trail.AppendAsync(new AuditEntry("=HYPERLINK(\"http://evil\")", null, "offering.created", "offering", "kita", null, JsonNode.Parse("{}")));
        for (var i = 0; i < 3; i++)
            await _trail.AppendAsync(new AuditEntry("vendor-1", "nordlicht", "evidence.uploaded", "evidence", $"e{i}", null, JsonNode.Parse($$"""{"n":{{i}}}""")));
    }

    [OneTimeTearDown]
    public async Task TearDown() => await _db.DisposeAsync();

    [Test]
    public async Task The_CSV_export_has_a_header_every_matching_entry_oldest_first_and_quotes_what_needs_quoting()
    {
        using var stream = new MemoryStream();
        var count = await AuditExport.WriteCsvAsync(_trail, new AuditQuery(ObjectType: "offering"), stream);
        var csv = Encoding.UTF8.GetString(stream.ToArray());

        Assert.That(count, Is.EqualTo(2));
        Assert.That(csv, Does.StartWith("seq,occurred_at,actor_user_id,actor_org_id,action,object_type,object_id,before_json,after_json,prev_hash,hash\r\n"));
        // JSON cells hold commas and quotes: quoted, quotes doubled, content exactly as stored (and hashed).
        var stored = (await _trail.QueryAsync(new AuditQuery(ObjectId: "abfall"))).Single();
        Assert.That(csv, Does.Contain($",offering.rejected,offering,abfall,\"{stored.BeforeJson!.Replace("\"", "\"\"")}\",\"{stored.AfterJson!.Replace("\"", "\"\"")}\","));
        // A spreadsheet must not run what a user typed as a formula.
        Assert.That(csv, Does.Contain(",\"'=HYPERLINK(\"\"http://evil\"\")\",,offering.created,"));
        Assert.That(csv.IndexOf("abfall", StringComparison.Ordinal), Is.LessThan(csv.IndexOf("kita", StringComparison.Ordinal)));
        Assert.That(csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3));
    }

    [Test]
    public async Task The_JSON_export_embeds_before_and_after_as_JSON_and_honours_the_filter()
    {
        using var stream = new MemoryStream();
        var count = await AuditExport.WriteJsonAsync(_trail, new AuditQuery(OrganisationId: "nordlicht", Limit: 1), stream);
        var entries = JsonDocument.Parse(stream.ToArray()).RootElement.EnumerateArray().ToList();

        Assert.That(count, Is.EqualTo(3), "an export takes every matching entry, not one page");
        Assert.That(entries.Select(e => e.GetProperty("objectId").GetString()), Is.EqualTo(new[] { "e0", "e1", "e2" }));
        Assert.That(entries[2].GetProperty("after").GetProperty("n").GetInt32(), Is.EqualTo(2));
        Assert.That(entries[0].GetProperty("before").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(entries[0].GetProperty("hash").GetString(), Has.Length.EqualTo(64));
    }

    [Test]
    public async Task An_export_of_nothing_is_an_empty_list()
    {
        using var stream = new MemoryStream();
        Assert.That(await AuditExport.WriteJsonAsync(_trail, new AuditQuery(UserId: "nobody"), stream), Is.Zero);
        Assert.That(Encoding.UTF8.GetString(stream.ToArray()), Is.EqualTo("[]"));
    }
}
