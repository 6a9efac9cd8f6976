using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Identity.Stores;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.DenialMatrix;

namespace Marketplace.Identity.Tests;

/// <summary>
/// Walks the app's OpenAPI document and sends every operation, as a caller its denial-matrix row lets through,
/// malformed, wrongly typed, null, oversized, deeply nested and unicode-edge bodies and parameters. Fails on any 5xx,
/// on a host that stops answering, and on any row written by a request that was refused (4xx). The host runs as a web
/// instance (no background workers), so every row that changes was written by the request just sent.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[Category("Slow")]
public class OpenApiFuzzTests(DatabaseEngine engine)
{
    private IdentityHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() =>
        _host = await IdentityHost.StartAsync(engine, new Dictionary<string, string?> { [InstanceRoles.Key] = "Web", ["Limits:ApiBurst"] = "1000000" });

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private const int MiB = 1 << 20;
    private static readonly string Mega = new('x', MiB);

    /// <summary>Raw (already URL-encoded) path values. No %00: Kestrel refuses a NUL in the path before the app sees it
    /// (the in-memory server throws in the client instead), so the query carries it.</summary>
    private static readonly string[] HostilePathValues =
    [
        "2147483648", "-2147483649", "-1", "0", "9223372036854775808", "99999999999999999999999", "1e309", "NaN", "abc", "%09", "%0D%0A",
        "%ED%A0%80", "%F0%9F%90%95", "%25", "..%2F..%2F", "'%3B--", new string('9', 400), Uri.EscapeDataString(new string('ä', 10_000)),
    ];

    private static readonly string[] HostileParameters = [.. HostilePathValues, "%00", "%FF%FE"];

    /// <summary>Whole bodies that are no valid request of any operation.</summary>
    private static readonly string[] HostileBodies =
    [
        "null", "", "{", "[]", "\"text\"", "1", "true", "{}", "{\"a\":", "[[[[", "\"\\ud800\"", "{\"\\ud800\":1}", "{\"a\":\"\\u0000\"}",
        new string('[', 10_000) + new string(']', 10_000),
        string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000),
        new string('[', 60) + new string(']', 60),
        "[" + string.Join(",", Enumerable.Repeat("0", 200_000)) + "]",
        "\"" + Mega + "\"",
    ];

    /// <summary>Values a single property is set to, as JSON.</summary>
    private static readonly string[] HostileValues =
    [
        "null", "1", "-1", "2147483648", "-9223372036854775809", "1e400", "1.5", "true", "\"text\"", "[]", "{}", "\"\"", "\"\\t\\r\\n\"",
        "\"\\ud800\"", "\"\\u0000\"", "\"" + Mega + "\"", new string('[', 50) + new string(']', 50), "\"2026-13-45\"", "[null]", "[{}]", "{\"a\":null}",
    ];

    [Test]
    public async Task No_operation_answers_5xx_or_writes_a_row_when_it_refuses_hostile_input()
    {
        var document = JsonNode.Parse(await _host.Browser().GetStringAsync("/swagger/v1/swagger.json"))!;
        var rows = Rows.GroupBy(r => (r.Method, r.Pattern)).ToDictionary(g => g.Key, g => g.First());
        var viewer = await _host.Services.CreateScope().ServiceProvider.GetRequiredService<UserManager<MarketplaceUser>>().FindByEmailAsync(MuenchenViewer);
        var failures = new List<string>();
        var tried = 0;
        var watch = Stopwatch.StartNew();
        await using var connection = await _host.Services.GetRequiredService<Database>().OpenAsync();
        var countAll = await CountQueryAsync(connection);

        foreach (var (path, item) in document["paths"]!.AsObject())
        foreach (var (method, operationNode) in item!.AsObject())
        {
            var verb = method.ToUpperInvariant();
            if (path == "/api/v1/billing/stripe/webhook") continue; // refuses everything without Stripe's signature; covered by its own tests
            var operation = operationNode!.AsObject();
            rows.TryGetValue((verb, path), out var row);
            var principal = row is null ? PlatformAdmin : Caller(row);
            var client = principal == Anonymous ? _host.Browser() : await _host.SignedInAsync(principal);
            var url = row?.Url.Replace("{viewer}", viewer!.Id) ?? FillPath(path);
            if (row?.Prepare is not null) url = await row.Prepare(_host, url);
            long[]? known = null; // the rows as the last refused request left them: a web instance writes nothing between requests
            var validBody = row?.Body?.Invoke() is { } b and not HttpContent ? JsonSerializer.Serialize(b, JsonSerializerOptions.Web) : null;
            var jsonBody = operation["requestBody"]?["content"]?["application/json"] is not null;

            foreach (var input in Inputs(document, operation, path, url, validBody, jsonBody))
            {
                tried++;
                var before = known ?? await countAll(null);
                known = null;
                var request = new HttpRequestMessage(new HttpMethod(verb), input.Url);
                if (input.Body is not null) request.Content = new StringContent(input.Body, Encoding.UTF8, input.ContentType);
                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(request);
                }
                catch (Exception e) when (e is HttpRequestException or InvalidOperationException or IOException)
                {
                    failures.Add($"{verb} {path} [{input.What}]: {e.GetType().Name}: {e.Message}");
                    continue;
                }
                var status = (int)response.StatusCode;
                if (status >= 500)
                    failures.Add($"{verb} {path} [{input.What}] → {status}: {Cut(await response.Content.ReadAsStringAsync())}");
                else if (status >= 400 && (known = await countAll(before)) is var after && !after.SequenceEqual(before))
                    failures.Add($"{verb} {path} [{input.What}] → {status} but wrote rows: {Changed(before, after)}");
            }
        }

        TestContext.Progress.WriteLine($"OpenAPI fuzz on {engine}: {tried} inputs in {watch.Elapsed.TotalSeconds:F0} s, {failures.Count} failures");
        foreach (var failure in failures) TestContext.Out.WriteLine(failure);
        Assert.That((await _host.Browser().GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the host still answers");
        Assert.That(tried, Is.GreaterThan(1000));
        Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(80)));
    }

    private sealed record Input(string What, string Url, string? Body, string ContentType = "application/json");

    /// <summary>The principal that the matrix lets furthest: a success first, then a validation refusal, then a not-found.</summary>
    private static string Caller(Row row)
    {
        foreach (var wanted in new Func<int, bool>[] { s => s is >= 200 and < 300, s => s == BadRequest, s => s == NotFound })
        {
            if (row.Expected.FirstOrDefault(e => wanted(e.Value)) is { Key: { } who }) return who;
            if (wanted(row.Otherwise)) return PlatformAdmin;
        }
        return PlatformAdmin;
    }

    private static string FillPath(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, "\\{[^}]+\\}", m => m.Value switch
        {
            "{id}" when pattern.StartsWith("/api/v1/offerings", StringComparison.Ordinal) => "meldeportal-komuna",
            "{key}" => "10439",
            _ => "no-such-thing",
        });

    private static IEnumerable<Input> Inputs(JsonNode document, JsonObject operation, string pattern, string url, string? validBody, bool jsonBody)
    {
        var (path, query) = url.IndexOf('?') is var q and >= 0 ? (url[..q], url[q..]) : (url, "");
        var body = jsonBody ? validBody ?? "{}" : null;
        var parameters = operation["parameters"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [];

        // Path parameters: each segment that is a parameter in the pattern gets every hostile value.
        var patternSegments = pattern.Split('/');
        var segments = path.Split('/');
        for (var i = 0; i < patternSegments.Length && i < segments.Length; i++)
        {
            if (!patternSegments[i].StartsWith('{')) continue;
            foreach (var value in HostilePathValues)
            {
                var copy = (string[])segments.Clone();
                copy[i] = value;
                yield return new($"path {patternSegments[i]}={Cut(value)}", string.Join('/', copy) + query, body);
            }
        }

        // Query parameters: one at a time, then every integer one at its maximum together (paging overflow).
        var queryNames = parameters.Where(p => (string?)p["in"] == "query").Select(p => (string)p["name"]!).ToList();
        foreach (var name in queryNames)
        foreach (var value in HostileParameters.Append(Uri.EscapeDataString(Mega)).Append("2147483647"))
            yield return new($"query {name}={Cut(value)}", path + Join(query, $"{Uri.EscapeDataString(name)}={value}"), body);
        var integers = parameters.Where(p => (string?)p["in"] == "query" && (string?)p["schema"]?["type"] == "integer").Select(p => (string)p["name"]!).ToList();
        if (integers.Count > 1)
            yield return new("query integers at their maximum", path + Join(query, string.Join('&', integers.Select(n => $"{n}=2147483647"))), body);

        if (!jsonBody) yield break;
        // Whole bodies, the right body as the wrong type, and every property set to every hostile value.
        foreach (var hostile in HostileBodies) yield return new($"body {Cut(hostile)}", url, hostile);
        yield return new("body as text/plain", url, body, "text/plain");
        yield return new("body with a wrong JSON content type", url, body, "application/json-patch+json");
        var properties = Properties(document, operation["requestBody"]!["content"]!["application/json"]!["schema"]);
        if (validBody is not null && JsonNode.Parse(validBody) is JsonObject valid)
            properties = properties.Union(valid.Select(p => p.Key)).ToList();
        foreach (var property in properties)
        foreach (var value in HostileValues)
        {
            var node = validBody is not null ? JsonNode.Parse(validBody) as JsonObject ?? [] : [];
            node[property] = JsonNode.Parse("0"); // placeholder replaced textually, so raw escapes and overflowing numbers survive
            var text = node.ToJsonString().Replace($"\"{property}\":0", $"\"{property}\":{value}");
            yield return new($"{property}={Cut(value)}", url, text);
        }
    }

    private static string Join(string query, string pair) => query.Length == 0 ? "?" + pair : query + "&" + pair;

    /// <summary>The top-level property names of a request body schema, following one $ref.</summary>
    private static List<string> Properties(JsonNode document, JsonNode? schema)
    {
        if (schema?["$ref"]?.GetValue<string>() is { } reference)
            schema = document["components"]?["schemas"]?[reference.Split('/')[^1]];
        return schema?["properties"]?.AsObject().Select(p => p.Key).ToList() ?? [];
    }

    /// <summary>
    /// One statement counting the rows of every table, so a snapshot costs one round trip. Given the previous snapshot it
    /// is reused while the database shows no write since that snapshot was counted, which is what most refusals leave
    /// behind. The sign of a write is read before counting, so a write in between makes the next probe count again; it may
    /// show a write that left no row (a rollback), never hide one.
    /// </summary>
    private async Task<Func<long[]?, Task<long[]>>> CountQueryAsync(DbConnection connection)
    {
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = engine == DatabaseEngine.Sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                : "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        _tables = tables;
        var writes = engine == DatabaseEngine.Sqlite ? SqliteWritesQuery : await CountPostgresWritesAsync(connection, tables);
        var sql = string.Join(" UNION ALL ", tables.Select((t, i) => $"SELECT {i}, COUNT(*) FROM \"{t}\""));
        long? writesAtCount = null;
        return async previous =>
        {
            var written = await ScalarAsync(connection, writes);
            if (previous is not null && written == writesAtCount) return previous;
            writesAtCount = written;
            var counts = new long[tables.Count];
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) counts[reader.GetInt32(0)] = reader.GetInt64(1);
            return counts;
        };
    }

    private List<string> _tables = [];

    /// <summary>Changes whenever another connection commits to the database file.</summary>
    private const string SqliteWritesQuery = "PRAGMA data_version";

    /// <summary>
    /// PostgreSQL has no per-database commit counter that is exact at once (its statistics are flushed late), so this
    /// fixture's own copy of the database gets one: every statement that writes to a table takes a number from a sequence.
    /// A sequence is not transactional, so the number moves at the statement, committed or not.
    /// </summary>
    private static async Task<string> CountPostgresWritesAsync(DbConnection connection, IEnumerable<string> tables)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE SEQUENCE fuzz_writes;\n"
            + "CREATE FUNCTION fuzz_count_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('fuzz_writes'); RETURN NULL; END $$;\n"
            + string.Concat(tables.Select(t =>
                $"CREATE TRIGGER fuzz_write AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON \"{t}\" FOR EACH STATEMENT EXECUTE FUNCTION fuzz_count_write();\n"));
        await command.ExecuteNonQueryAsync();
        return "SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM fuzz_writes";
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private string Changed(long[] before, long[] after) =>
        string.Join(", ", before.Select((n, i) => (n, i)).Where(x => after[x.i] != x.n).Select(x => $"{_tables[x.i]} {x.n}→{after[x.i]}"));

    private static string Cut(string s) => s.Length <= 60 ? s : s[..60] + $"…({s.Length})";
}
