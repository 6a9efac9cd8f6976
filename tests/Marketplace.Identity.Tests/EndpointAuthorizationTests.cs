using Marketplace.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>Every endpoint of the app declares who may call it; anonymous access is limited to an explicit allow-list.</summary>
public class EndpointAuthorizationTests
{
    /// <summary>Route patterns (API, OpenID Connect, health) and page routes that anyone may reach.</summary>
    public static readonly string[] AnonymousAllowList =
    [
        // Public catalogue reads
        "/api/v1/offerings", "/api/v1/offerings/{id}", "/api/v1/offerings/{offeringId}/sub-processors", "/api/v1/leistungen", "/api/v1/leistungen/{key}", "/api/v1/vendors/{vendorId}/logo",
        // The public search as CSV (notifications module)
        "/api/v1/offerings/export.csv",
        // Public community reads of published offerings: ratings, requests, recommendations, reliability facts, measured availability
        "/api/v1/offerings/{id}/ratings", "/api/v1/offerings/{id}/requests", "/api/v1/requests/{requestId}",
        "/api/v1/offerings/{id}/recommendations", "/api/v1/offerings/{id}/reliability", "/api/v1/offerings/{id}/availability",
        // Operations (the benchmark endpoint, mapped only when configured, is anonymous too; /metrics needs a platform admin
        // outside Development unless Hosting:Metrics says Anonymous)
        "/health/live", "/health/ready",
        // OpenID Connect: the endpoints authenticate the client or redirect to sign-in themselves
        "/connect/authorize", "/connect/token", "/connect/logout", "/connect/userinfo",
        // Stripe calls in without a user; the handler verifies the Stripe signature and refuses everything else
        "/api/v1/billing/stripe/webhook",
        // Verb routes renamed to nouns, for one release: a 308 to the new route, which authorises (RenamedRoutesTests)
        "/api/v1/vendors/{vendorId}/offerings/{offeringId}/versions/{version}/submit", "/api/v1/vendors/{vendorId}/offerings/{offeringId}/versions/{version}/publish",
        "/api/v1/billing/periods/{period}/finalize", "/api/v1/billing/invoices/{invoiceId}/finalize", "/api/v1/billing/invoices/{invoiceId}/void",
        "/api/v1/municipalities/{ags}/subscriptions/{id}/retry", "/api/v1/rollouts/{id}/retry", "/api/v1/admin/jobs/{jobId}/retry",
        // Vendor pages moved into the Anbieterportal, for one release: a 308 to the page there, which authorises
        "/anbieter/abgleich", "/anbieter/aufgaben", "/anbieter/bestellungen",
        // Public pages and the sign-in steps
        "", "Index", "Fehler", "Sprache", "angebote", "angebote/{id}", "leistungen", "leistungen/{key}",
        "konto/anmelden", "konto/zweiter-faktor", "konto/einladung", "konto/extern", "konto/kein-zugriff",
    ];

    internal static IReadOnlyList<RouteEndpoint> Endpoints(IdentityHost host) =>
        host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    internal static string Pattern(RouteEndpoint e) => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/');

    [Test]
    public async Task Every_endpoint_has_an_authorisation_policy_or_is_allow_listed_as_anonymous()
    {
        var host = await SharedHosts.For(DatabaseEngine.Sqlite);
        var endpoints = Endpoints(host);
        Assert.That(endpoints, Has.Count.GreaterThan(20));
        var allowed = AnonymousAllowList.Select(a => "/" + a.TrimStart('/')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        foreach (var e in endpoints)
        {
            var pattern = Pattern(e);
            var anonymous = e.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policies = e.Metadata.GetOrderedMetadata<IAuthorizeData>();
            if (anonymous && !allowed.Contains(pattern)) problems.Add($"{pattern} ({e.DisplayName}) allows anonymous access but is not on the allow-list");
            if (!anonymous && !policies.Any(p => p.Policy is not null)) problems.Add($"{pattern} ({e.DisplayName}) names no authorisation policy");
        }
        // The list stays honest: an entry that matches no endpoint any more is removed.
        var patterns = endpoints.Select(Pattern).ToHashSet(StringComparer.OrdinalIgnoreCase);
        problems.AddRange(allowed.Where(a => !patterns.Contains(a)).Select(a => $"{a} is allow-listed but no such endpoint exists"));
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task The_OpenAPI_document_declares_the_token_schemes_and_every_protected_operation_requires_one()
    {
        var host = await SharedHosts.For(DatabaseEngine.Sqlite);
        using var browser = host.Browser();
        var document = System.Text.Json.Nodes.JsonNode.Parse(await browser.GetStringAsync("/swagger/v1/swagger.json"))!;
        var schemes = document["components"]!["securitySchemes"]!;
        Assert.That((string?)schemes["bearer"]!["type"], Is.EqualTo("http"));
        Assert.That((string?)schemes["bearer"]!["scheme"], Is.EqualTo("bearer"));
        Assert.That((string?)schemes["oidc"]!["type"], Is.EqualTo("openIdConnect"));
        // The discovery URL is absolute (generated clients need it so) and is this host's real discovery document.
        var discoveryUrl = new Uri((string)schemes["oidc"]!["openIdConnectUrl"]!, UriKind.Absolute);
        var discovery = System.Text.Json.Nodes.JsonNode.Parse(await browser.GetStringAsync(discoveryUrl.PathAndQuery))!;
        Assert.That((string?)discovery["token_endpoint"], Does.EndWith("/connect/token"));

        // Which (method, route) the app lets anyone call, read from the endpoints themselves; route constraints dropped as in the document.
        var anonymous = Endpoints(host).Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m =>
                $"{m} {System.Text.RegularExpressions.Regex.Replace(Pattern(e), @"\{([^}:=?]+)[^}]*\}", "{$1}")}"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.That(anonymous, Does.Contain("GET /api/v1/offerings/{id}"));
        var problems = new List<string>();
        var protectedOperations = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
            {
                var required = operation!["security"]?.AsArray().SelectMany(r => r!.AsObject().Select(p => p.Key)).ToHashSet() ?? [];
                if (anonymous.Contains($"{method} {path}"))
                {
                    if (required.Count > 0) problems.Add($"{method} {path} is public but requires {string.Join(", ", required)}");
                    continue;
                }
                protectedOperations++;
                if (!required.SetEquals(["oidc", "bearer"])) problems.Add($"{method} {path} requires [{string.Join(", ", required)}], not oidc or bearer");
                if (operation["responses"]?["401"] is null) problems.Add($"{method} {path} documents no 401");
            }
        Assert.That(protectedOperations, Is.GreaterThan(50));
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task Anonymous_access_fails_the_check_when_an_endpoint_is_not_on_the_list()
    {
        // The check itself can fail: the organisation page is protected and not allow-listed.
        var host = await SharedHosts.For(DatabaseEngine.Sqlite);
        var page = Endpoints(host).Single(e => Pattern(e) == "/organisation");
        Assert.That(page.Metadata.GetMetadata<IAllowAnonymous>(), Is.Null);
        Assert.That(page.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(p => p.Policy), Does.Contain(Access.Policies.Authenticated));
        Assert.That(AnonymousAllowList, Does.Not.Contain("organisation"));
    }
}
