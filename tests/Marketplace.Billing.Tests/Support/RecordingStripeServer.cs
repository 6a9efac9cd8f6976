using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Billing.Tests.Support;

/// <summary>One request as the fake Stripe API received it.</summary>
public sealed record StripeRequest(string Method, string Path, string? IdempotencyKey, IReadOnlyDictionary<string, string> Form);

/// <summary>
/// A stand-in for the Stripe API on a loopback port: records every request, answers with objects of the right shape, and
/// honours idempotency keys as Stripe does (a repeated key gets the first answer, nothing new is created). It is as strict as
/// Stripe where it matters here: an invoice item or credit-note line naming a tax rate it never created, a tax rate without
/// percentage, display name or inclusive flag, and a credit note on an unknown invoice are refused with 400. It can be told
/// to fail the next request to a path, to simulate a push that breaks off halfway.
/// </summary>
public sealed class RecordingStripeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _answers = new();
    private int _sequence;

    public ConcurrentQueue<StripeRequest> Requests { get; } = new();
    public ConcurrentBag<string> Created { get; } = [];
    public string? FailNextOn { get; set; }
    public string BaseUrl { get; }

    private RecordingStripeServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<RecordingStripeServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        RecordingStripeServer? server = null;
        app.Run(async ctx => await server!.HandleAsync(ctx));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new RecordingStripeServer(app, address);
        return server;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var form = ctx.Request.HasFormContentType
            ? (await ctx.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString())
            : new Dictionary<string, string>();
        var key = ctx.Request.Headers["Idempotency-Key"].FirstOrDefault();
        var path = ctx.Request.Path.Value!;
        Requests.Enqueue(new StripeRequest(ctx.Request.Method, path, key, form));
        ctx.Response.ContentType = "application/json";
        if (FailNextOn is not null && path == FailNextOn)
        {
            FailNextOn = null;
            ctx.Response.StatusCode = 400;
            await ctx.Response.WriteAsync("""{"error":{"type":"invalid_request_error","message":"simulated failure"}}""");
            return;
        }
        if (Refusal(path, form) is { } refusal)
        {
            ctx.Response.StatusCode = 400;
            await ctx.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new { error = new { type = "invalid_request_error", message = refusal } }));
            return;
        }
        var body = key is null ? Create(path, form) : _answers.GetOrAdd(key, _ => Create(path, form));
        await ctx.Response.WriteAsync(body);
    }

    private string? Refusal(string path, Dictionary<string, string> form)
    {
        var unknownRate = form.Where(f => f.Key.EndsWith("tax_rates[0]", StringComparison.Ordinal) && !Created.Contains(f.Value)).Select(f => f.Value).FirstOrDefault();
        if (unknownRate is not null) return $"No such tax rate: '{unknownRate}'";
        return path switch
        {
            "/v1/tax_rates" when !form.ContainsKey("percentage") || !form.ContainsKey("display_name") || !form.ContainsKey("inclusive") =>
                "Missing required param: percentage, display_name and inclusive.",
            "/v1/credit_notes" when !Created.Contains(form.GetValueOrDefault("invoice") ?? "") => "No such invoice.",
            "/v1/credit_notes" when !form.ContainsKey("lines[0][type]") => "A credit note needs lines or an amount.",
            _ => null,
        };
    }

    private string Create(string path, Dictionary<string, string> form)
    {
        var n = Interlocked.Increment(ref _sequence);
        string Object(string id, string type, string extra = "") { Created.Add(id); return $$"""{"id":"{{id}}","object":"{{type}}","livemode":false{{extra}}}"""; }
        return path switch
        {
            "/v1/customers" => Object($"cus_{n}", "customer"),
            "/v1/invoices" => Object($"in_{n}", "invoice", $$""","status":"draft","customer":"{{form.GetValueOrDefault("customer")}}" """),
            "/v1/invoiceitems" => Object($"ii_{n}", "invoiceitem", $$""","amount":{{form.GetValueOrDefault("amount", "0")}},"currency":"eur" """),
            "/v1/tax_rates" => Object($"txr_{n}", "tax_rate", $$""","percentage":{{form["percentage"]}},"inclusive":{{form["inclusive"]}},"active":true """),
            "/v1/credit_notes" => Object($"cn_{n}", "credit_note", $$""","invoice":"{{form["invoice"]}}","status":"issued" """),
            _ when path.EndsWith("/finalize", StringComparison.Ordinal) => $$"""{"id":"{{path.Split('/')[3]}}","object":"invoice","status":"open"}""",
            _ => """{"error":{"type":"invalid_request_error","message":"unknown path"}}""",
        };
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
