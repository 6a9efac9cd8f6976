using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Web.Tests;

/// <summary>
/// A descriptor built to overflow the stack or to expand into gigabytes, posted by a vendor's API client to the host
/// running as a child process: a stack overflow cannot be caught, so only a separate process shows that the host lives on.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable]
[Category("Slow")]
public partial class HostileDescriptorProcessTests(DatabaseEngine engine)
{
    private const string Offerings = "/api/v1/vendors/komuna-digital/offerings";
    private TestDatabase _database = null!;
    private Process _host = null!;
    private readonly ConcurrentQueue<string> _output = new();
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _database = await TestDatabase.CreateAsync(engine, migrate: false);
        var web = Path.Combine(RepoPaths.Root, "src", "Marketplace.Web");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(web, "bin", configuration, "net10.0", "Marketplace.Web.dll");
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = web, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (key, value) in _database.HostSettings()) info.Environment[key.Replace(":", "__")] = value;
        foreach (var (key, value) in ServerCertificates.EnvironmentVariables) info.Environment[key] = value;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        info.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        info.Environment["Identity__SeedDemoData"] = "true";
        info.Environment["Identity__RequireHttps"] = "false";
        info.Environment["Conformance__RunDailyJob"] = "false";
        info.Environment["Availability__ProbeEnabled"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _host = Process.Start(info)!;
        void Line(string? line)
        {
            if (line is null) return;
            _output.Enqueue(line);
            if (line.Contains("Now listening on", StringComparison.Ordinal) && Address().Match(line) is { Success: true } m) listening.TrySetResult(m.Value);
        }
        _host.OutputDataReceived += (_, e) => Line(e.Data);
        _host.ErrorDataReceived += (_, e) => Line(e.Data);
        _host.BeginOutputReadLine();
        _host.BeginErrorReadLine();
        var started = await Task.WhenAny(listening.Task, _host.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(120)));
        if (started != listening.Task) Assert.Fail($"host did not start:\n{Output}");
        _http = new HttpClient { BaseAddress = new Uri(await listening.Task), Timeout = TimeSpan.FromSeconds(60) };
        var token = await _http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "komuna-system", ["client_secret"] = "komuna-demo-secret-2026", ["scope"] = "marketplace",
        }));
        var body = await token.Content.ReadAsStringAsync();
        Assert.That(token.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonNode.Parse(body)!["access_token"]!.GetValue<string>());
        // The first descriptor loads the schemas and compiles the path: paid here, not inside a timed refusal.
        var warm = await _http.PostAsync(Offerings, new StringContent("id: warm-up\n", Encoding.UTF8, "application/yaml"));
        Assert.That(warm.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await warm.Content.ReadAsStringAsync());
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http?.Dispose();
        if (_host is { HasExited: false })
        {
            _host.Kill(entireProcessTree: true);
            await _host.WaitForExitAsync();
        }
        _host?.Dispose();
        if (_database is not null) await _database.DisposeAsync();
    }

    private string Output => string.Join(Environment.NewLine, _output);

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex Address();

    private async Task AssertRefusedQuicklyAndAlive(HttpMethod method, string url, string descriptor, string expected)
    {
        var watch = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(new HttpRequestMessage(method, url) { Content = new StringContent(descriptor, Encoding.UTF8, "application/yaml") });
        }
        catch (HttpRequestException e)
        {
            await Task.Delay(500);
            Assert.Fail($"no answer ({e.Message}); host exited: {_host.HasExited}\n{Output}");
            return;
        }
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(body, Does.Contain(expected));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "refused in milliseconds, not seconds");
        Assert.That(_host.HasExited, Is.False, Output);
        Assert.That((await _http.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the host still answers");
    }

    /// <summary>40 KB: a flow sequence nested 20,000 deep.</summary>
    private static string DeepDescriptor() => new string('[', 20_000) + new string(']', 20_000);

    /// <summary>About 330 bytes that an alias-expanding reader grows to a billion nodes.</summary>
    private static string AliasBomb() =>
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        + string.Concat(Enumerable.Range(0, 8).Select(i => $"{(char)('b' + i)}: &{(char)('b' + i)} [{string.Join(",", Enumerable.Repeat("*" + (char)('a' + i), 9))}]\n"));

    [Test]
    public async Task A_descriptor_nested_twenty_thousand_deep_is_refused_and_the_host_lives_on()
    {
        await AssertRefusedQuicklyAndAlive(HttpMethod.Post, Offerings, DeepDescriptor(), "deeper than");
        await AssertRefusedQuicklyAndAlive(HttpMethod.Put, Offerings + "/gewerbe-service-komuna/draft", DeepDescriptor(), "deeper than");
    }

    [Test]
    public async Task An_alias_bomb_is_refused_in_milliseconds_and_the_host_lives_on()
    {
        await AssertRefusedQuicklyAndAlive(HttpMethod.Post, Offerings, AliasBomb(), "aliases");
    }

    [Test]
    public async Task A_descriptor_with_a_list_as_a_key_is_refused_naming_the_line()
    {
        await AssertRefusedQuicklyAndAlive(HttpMethod.Post, Offerings, "id: x\n? [a, b]\n: value\n", "Zeile 2");
    }
}
