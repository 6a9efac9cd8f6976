using System.Text.Json.Nodes;
using Marketplace.Provisioning.Broker;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>
/// The outbound HTTP policy on broker calls: redirects are not followed, non-public addresses are refused when the
/// guard is on (as in production), answers are bounded, and the token URL is under the same policy.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class OutboundHttpTests(DatabaseEngine engine)
{
    private ProvisioningWorld _world = null!;

    [SetUp]
    public async Task SetUp() => _world = await ProvisioningWorld.CreateAsync(engine);

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    private static readonly OriginatingIdentity Identity = new("ozg-marketplace", "user-test");

    private static ProvisionRequest Request() =>
        new("svc", "plan", new JsonObject { ["behoerde"] = "Fundbüro Kiel" }, new JsonObject { ["platform"] = "ozg-marketplace" }, "org", "space");

    /// <summary>A loopback web server answering every request with <paramref name="answer"/>, counting what it received.</summary>
    private sealed class TinyServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public List<string> Received { get; } = [];
        public Uri BaseAddress { get; }

        private TinyServer(WebApplication app, Uri baseAddress) => (_app, BaseAddress) = (app, baseAddress);

        public static async Task<TinyServer> StartAsync(Func<HttpContext, Task> answer)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            TinyServer? server = null;
            app.Run(async ctx =>
            {
                using var reader = new StreamReader(ctx.Request.Body);
                var body = await reader.ReadToEndAsync();
                lock (server!.Received) server.Received.Add($"{ctx.Request.Method} {ctx.Request.Path} {body}");
                await answer(ctx);
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server = new TinyServer(app, new Uri(address + "/"));
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Test]
    public async Task A_307_redirect_from_a_broker_to_another_service_is_not_followed()
    {
        await using var other = await TinyServer.StartAsync(ctx => { ctx.Response.StatusCode = 400; return ctx.Response.WriteAsync("{\"description\":\"internal secret of the other service\"}"); });
        await using var broker = await TinyServer.StartAsync(ctx =>
        {
            ctx.Response.StatusCode = 307;
            ctx.Response.Headers.Location = new Uri(other.BaseAddress, "v2/service_instances/x").ToString();
            return Task.CompletedTask;
        });
        var osb = _world.Get<OsbClient>();

        var response = await osb.ProvisionAsync(new BrokerEndpoint("v", broker.BaseAddress, BrokerAuth.Anonymous), "i-1", Request(), Identity, CancellationToken.None);

        Assert.That(response.Status, Is.EqualTo(307));
        Assert.That(broker.Received, Has.Count.EqualTo(1));
        Assert.That(other.Received, Is.Empty, "the municipality's configuration never reached the other service");
        var answer = OsbSpec.Provision(response);
        Assert.That(answer.Kind, Is.EqualTo(AnswerKind.Rejected), "a redirect is a refusal; nothing was created");
        Assert.That(answer.Reason, Does.Contain("redirect").And.Not.Contain("internal secret"));
    }

    [Test]
    public async Task A_loopback_broker_and_token_url_are_refused_when_the_guard_is_on()
    {
        await using var services = ProvisioningWorld.BuildServices(_world.Database, new() { ["OutboundHttp:AllowPrivateNetworks"] = "false" }, null);
        var osb = services.GetRequiredService<OsbClient>();
        // The sample broker reads the catalogue folder on its first catalogue request: once, before the timed calls.
        using (var warm = new HttpClient { BaseAddress = _world.Broker.BaseAddress, Timeout = TimeSpan.FromMinutes(1) })
        {
            warm.DefaultRequestHeaders.Add("X-Broker-API-Version", "2.17");
            warm.DefaultRequestHeaders.Add("X-Broker-API-Request-Identity", "warm-up");
            (await warm.GetAsync("v2/catalog")).EnsureSuccessStatusCode();
        }

        var catalog = await osb.CatalogAsync(new BrokerEndpoint("v", _world.Broker.BaseAddress, BrokerAuth.Anonymous), Identity, CancellationToken.None);
        Assert.That(catalog.Transport, Is.EqualTo(OsbTransport.NotSent), "refused before anything was sent: no orphan mitigation needed");
        Assert.That(catalog.TransportError, Does.Contain("non-public"));

        var oauth = new BrokerAuth(BrokerAuth.OAuthClientCredentials, "client", "secret-value", new Uri(_world.Broker.BaseAddress, "oauth/token").ToString());
        var provision = await osb.ProvisionAsync(new BrokerEndpoint("v", new Uri("https://broker.example/"), oauth), "i-2", Request(), Identity, CancellationToken.None);
        Assert.That(provision.Transport, Is.EqualTo(OsbTransport.NotSent));
        Assert.That(provision.TransportError, Does.Contain("non-public").And.Not.Contain("secret-value"));

        // The same call with the guard off (development, tests) reaches the broker: the refusal above is the guard's.
        var allowed = await _world.Get<OsbClient>().CatalogAsync(new BrokerEndpoint("v", _world.Broker.BaseAddress, BrokerAuth.Anonymous), Identity, CancellationToken.None);
        Assert.That(allowed.Status, Is.EqualTo(200), allowed.ToString());
    }

    [Test]
    public async Task An_oversized_broker_answer_is_not_read_into_memory()
    {
        await using var broker = await TinyServer.StartAsync(async ctx =>
        {
            ctx.Response.StatusCode = 201;
            ctx.Response.ContentType = "application/json";
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)' ');
            for (var i = 0; i < 40; i++) await ctx.Response.Body.WriteAsync(chunk); // 2.5 MB, above the 1 MiB limit
        });
        var response = await _world.Get<OsbClient>().ProvisionAsync(new BrokerEndpoint("v", broker.BaseAddress, BrokerAuth.Anonymous), "i-3", Request(), Identity, CancellationToken.None);
        // The request went out and the broker may have acted: handled like a timeout (orphan mitigation).
        Assert.That(response.Transport, Is.EqualTo(OsbTransport.TimedOut));
        Assert.That(OsbSpec.Provision(response).Kind, Is.EqualTo(AnswerKind.OrphanMitigation));
    }
}
