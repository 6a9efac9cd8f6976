using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>
/// A host process killed with SIGKILL while orders arrive over HTTP: every order is either complete (order, subscription,
/// its provisioning row, billing history, timeline, job, audit entry) or absent, never half; after a restart the
/// buyer's retries with the same Idempotency-Keys end with exactly one subscription per ordered offering.
/// </summary>
[Category("Slow")]
public class OrderCrashTests
{
    private const string Muenchen = "09162000";

    [Test]
    public async Task An_order_is_complete_or_absent_when_the_host_is_killed_under_it()
    {
        TestDatabase.RequirePostgres();
        await using var world = await ProvisioningWorld.CreateAsync(DatabaseEngine.Postgres, b => b.LatencyMs = 200);
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var settings = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Testing", ["ASPNETCORE_ENVIRONMENT"] = "Testing", ["ASPNETCORE_URLS"] = url,
            ["Instance__Role"] = "Both", ["OutboundHttp__AllowPrivateNetworks"] = "true", ["Identity__SeedDemoData"] = "true", ["Identity__RequireHttps"] = "false",
            ["Identity__TokenRequestsPerMinute"] = "10000", ["Limits__ApiPerSecond"] = "100000", ["Limits__ApiBurst"] = "100000",
        };
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };

        // Offerings München may order without configuration: the orders of this test.
        List<(string Key, object Body)> orders;
        var first = await HostProcess.StartWorkerAsync(world.Database.ConnectionString, settings);
        var answered = new Dictionary<string, string>(); // key → order id, for every order the host confirmed
        var refused = new HashSet<string>(); // refused on their merits (e.g. not conformant): not orders of this test
        await using (first)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(http));
            orders = await OrderableAsync(world);
            var sent = 0;
            var inFlight = orders.Select(async (o, i) =>
            {
                await Task.Delay(i * 15);
                Interlocked.Increment(ref sent);
                try
                {
                    var response = await PostOrderAsync(http, o.Key, o.Body);
                    if ((int)response.StatusCode is >= 400 and < 500)
                        lock (answered) refused.Add(o.Key);
                    if (response.IsSuccessStatusCode)
                    {
                        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
                        lock (answered) answered[o.Key] = id;
                    }
                }
                catch (HttpRequestException) { } // the host died under this request
                catch (TaskCanceledException) { }
            }).ToList();
            while (Volatile.Read(ref sent) < orders.Count / 2) await Task.Delay(5);
            first.Kill();
            await Task.WhenAll(inFlight);
        }
        TestContext.Out.WriteLine($"{orders.Count} orders sent, {answered.Count} confirmed before the kill");
        Assert.That(answered.Count, Is.LessThan(orders.Count), "the kill came in the middle");

        await using (var c = await world.Database.OpenAsync())
        {
            var ids = (await c.QueryAsync<string>("SELECT id FROM orders")).ToList();
            Assert.That(ids, Is.SupersetOf(answered.Values), "every confirmed order is there");
            foreach (var id in ids)
            {
                var parts = await c.QueryFirstAsync<(long Subscriptions, long Periods, long Events, long Jobs, long Audit)>("""
                    SELECT (SELECT COUNT(*) FROM subscription_provisioning p WHERE p.order_id = @id),
                           (SELECT COUNT(*) FROM subscription_billing_periods b JOIN subscription_provisioning p ON p.subscription_id = b.subscription_id WHERE p.order_id = @id),
                           (SELECT COUNT(*) FROM subscription_events e JOIN subscription_provisioning p ON p.subscription_id = e.subscription_id WHERE p.order_id = @id),
                           (SELECT COUNT(*) FROM provisioning_jobs j JOIN subscription_provisioning p ON p.subscription_id = j.subscription_id WHERE p.order_id = @id),
                           (SELECT COUNT(*) FROM audit_log a WHERE a.object_id = @id)
                    """, new { id });
                Assert.That(parts.Subscriptions, Is.EqualTo(1), $"order {id}: its subscription");
                Assert.That(parts.Periods, Is.GreaterThanOrEqualTo(1), $"order {id}: billing history");
                Assert.That(parts.Events, Is.GreaterThanOrEqualTo(1), $"order {id}: timeline");
                Assert.That(parts.Jobs, Is.GreaterThanOrEqualTo(1), $"order {id}: its provisioning job");
                Assert.That(parts.Audit, Is.GreaterThanOrEqualTo(1), $"order {id}: audited");
            }
            Assert.That(await c.ExecuteScalarAsync<long>("""
                SELECT COUNT(*) FROM subscriptions s WHERE NOT EXISTS (SELECT 1 FROM subscription_provisioning p WHERE p.subscription_id = s.id)
                """), Is.Zero, "no subscription without its provisioning side");
        }

        // The buyer's system retries every order with its key: the confirmed ones come back unchanged, the lost ones are placed now.
        await using var second = await HostProcess.StartWorkerAsync(world.Database.ConnectionString, settings);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(http));
        orders = orders.Where(o => !refused.Contains(o.Key)).ToList();
        TestContext.Out.WriteLine($"{refused.Count} refused on their merits: {string.Join(", ", refused)}");
        foreach (var (key, body) in orders)
        {
            var response = await PostOrderAsync(http, key, body);
            Assert.That(response.IsSuccessStatusCode, Is.True, $"{key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
            if (answered.TryGetValue(key, out var before)) Assert.That(id, Is.EqualTo(before), $"{key}: the same order");
        }
        await using (var c = await world.Database.OpenAsync())
        {
            var perOffering = (await c.QueryAsync<long>("SELECT COUNT(*) FROM subscriptions WHERE municipality_ags = @Muenchen GROUP BY offering_id", new { Muenchen })).ToList();
            Assert.That(perOffering, Has.Count.EqualTo(orders.Count));
            Assert.That(perOffering, Has.All.EqualTo(1), "one subscription per ordered offering");
        }
        Assert.That((await world.Get<Audit.AuditTrail>().VerifyAsync()).Intact, Is.True);
    }

    private static async Task<List<(string Key, object Body)>> OrderableAsync(ProvisioningWorld world)
    {
        await using var c = await world.Database.OpenAsync();
        // Offerings whose tenant configuration requires no more than an authority and a contact address, first plan.
        var rows = await c.QueryAsync<(string Id, string Document)>("SELECT id AS Id, document_json AS Document FROM offerings ORDER BY id");
        var list = new List<(string, object)>();
        foreach (var (id, document) in rows)
        {
            var o = JsonNode.Parse(document)!;
            var required = (o["tenantConfigSchema"]?["required"] as JsonArray)?.Select(r => r!.GetValue<string>()) ?? [];
            if (required.Except(["behoerde", "kontaktEmail"]).Any()) continue;
            var laender = (o["laender"] as JsonArray)?.Select(l => l!.GetValue<string>()) ?? [];
            if (!laender.Contains("*") && !laender.Contains("09")) continue; // München is in Bayern
            var plan = o["plans"]?[0]?["id"]?.GetValue<string>();
            if (plan is null) continue;
            list.Add(($"crash-{id}", new { offeringId = id, planId = plan, addOnIds = Array.Empty<string>(),
                configuration = new { behoerde = "Bürgeramt", kontaktEmail = "buergeramt@muenchen.example" } }));
        }
        Assert.That(list, Has.Count.GreaterThanOrEqualTo(6), "enough offerings to order");
        return list;
    }

    private static Task<HttpResponseMessage> PostOrderAsync(HttpClient http, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/municipalities/{Muenchen}/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return http.SendAsync(request);
    }

    private static async Task<string> TokenAsync(HttpClient http)
    {
        // The worker announces itself before Kestrel listens: wait until the host answers. A probe that times out (a host
        // still compiling its first request on a busy machine) is one more that found it not ready.
        for (var i = 0; ; i++)
        {
            try
            {
                if ((await http.GetAsync("/health/live")).IsSuccessStatusCode) break;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && i < 300) { }
            await Task.Delay(100);
        }
        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "muenchen-system", ["client_secret"] = "muenchen-demo-secret-2026",
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
