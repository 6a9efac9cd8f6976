using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Marketplace.Catalog.Descriptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Conformance.Tests;

/// <summary>
/// A minimal Open Service Broker on loopback (a real Kestrel app): GET /{name}/v2/catalog answers with whatever body and
/// status the test set for that name, so one broker serves a correct catalogue, wrong plan ids and invalid JSON side by side.
/// </summary>
public sealed class FakeBroker : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (int Status, string Body)> _answers = new();

    private FakeBroker(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>The X-Broker-API-Version header of the last catalogue request.</summary>
    public string? LastApiVersion { get; private set; }

    public static async Task<FakeBroker> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeBroker? broker = null;
        app.MapGet("/{name}/v2/catalog", (string name, HttpContext http) =>
        {
            broker!.LastApiVersion = http.Request.Headers["X-Broker-API-Version"];
            return broker._answers.TryGetValue(name, out var answer)
                ? Results.Text(answer.Body, "application/json", statusCode: answer.Status)
                : Results.NotFound();
        });
        // Any other page, e.g. an accessibility statement: the registered answer, as HTML.
        app.MapGet("/{name}/page", (string name) => broker!._answers.TryGetValue(name, out var answer)
            ? Results.Text(answer.Body, "text/html", statusCode: answer.Status)
            : Results.NotFound());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        broker = new FakeBroker(app, address.TrimEnd('/'));
        return broker;
    }

    /// <summary>The broker URL for an offering descriptor whose answers are registered under <paramref name="name"/>.</summary>
    public string Url(string name) => $"{BaseUrl}/{name}/";

    public void Answer(string name, string body, int status = 200) => _answers[name] = (status, body);

    /// <summary>The catalogue a correct broker returns for an offering: its service, its plan ids, its configuration schema per plan.</summary>
    public static JsonObject CatalogFor(OfferingDescriptor o) => new()
    {
        ["services"] = new JsonArray(new JsonObject
        {
            ["id"] = o.Provisioning.ServiceId,
            ["name"] = o.Id,
            ["description"] = o.Summary,
            ["bindable"] = false,
            ["plans"] = new JsonArray(o.Plans.Select(p => (JsonNode)new JsonObject
            {
                ["id"] = o.Provisioning.PlanIds![p.Id],
                ["name"] = p.Id,
                ["description"] = p.Name,
                ["schemas"] = new JsonObject
                {
                    ["service_instance"] = new JsonObject { ["create"] = new JsonObject { ["parameters"] = o.TenantConfigSchema.DeepClone() } },
                },
            }).ToArray()),
        }),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
