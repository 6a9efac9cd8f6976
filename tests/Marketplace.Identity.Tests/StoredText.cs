using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Dapper;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>Every text value of every table, for tests that prove a secret is stored nowhere in the clear.</summary>
internal static class StoredText
{
    public static async Task<List<string>> AllAsync(Database database, DatabaseEngine engine, string mustHaveTable)
    {
        await using var c = await database.OpenAsync();
        var tables = (await c.QueryAsync<string>(engine == DatabaseEngine.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")).ToList();
        Assert.That(tables, Does.Contain(mustHaveTable));
        var texts = new List<string>();
        foreach (var table in tables)
            foreach (IDictionary<string, object?> row in await c.QueryAsync($"SELECT * FROM \"{table}\""))
                texts.AddRange(row.Values.Select(v => v switch { string s => s, byte[] b => Encoding.UTF8.GetString(b), _ => null }).OfType<string>());
        return texts;
    }
}

/// <summary>Keeps every log line the host writes, message and exception, so the test can search them.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void Dispose() { }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            capture.Lines.Enqueue($"{category}: {formatter(state, exception)} {values} {exception}");
        }
    }
}

/// <summary>Signed-in browser clients of a host built with extra services (WithWebHostBuilder), one per demo account.</summary>
internal sealed class SignedInClients(WebApplicationFactory<Program> host) : IDisposable
{
    private readonly Dictionary<string, HttpClient> _clients = [];

    public async Task<HttpClient> As(string email)
    {
        if (_clients.TryGetValue(email, out var cached)) return cached;
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = IdentityHost.BaseAddress, AllowAutoRedirect = false, HandleCookies = true });
        var response = await IdentityHost.PostFormAsync(client, "/konto/anmelden", new() { ["Email"] = email, ["Password"] = DemoSeeder.Password });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), $"login of {email}");
        return _clients[email] = client;
    }

    public void Dispose()
    {
        foreach (var c in _clients.Values) c.Dispose();
    }

    /// <summary>The answer's body after asserting its status (the body is in the message when it differs).</summary>
    public static async Task<string> BodyAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {body}");
        return body;
    }
}
