using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Marketplace.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>
/// The OpenAPI document is complete enough to generate a client from: it validates, every operation says what it answers
/// on success, and it says which operations need a token exactly where the app asks for one.
/// </summary>
public partial class OpenApiDocumentTests
{
    private static async Task<(IdentityHost Host, OpenApiDocument Document, OpenApiDiagnostic Diagnostic)> ReadAsync()
    {
        var host = await SharedHosts.For(DatabaseEngine.Sqlite);
        using var browser = host.Browser();
        var json = await browser.GetStringAsync("/swagger/v1/swagger.json");
        var result = OpenApiDocument.Parse(json, OpenApiConstants.Json, new OpenApiReaderSettings());
        Assert.That(result.Document, Is.Not.Null, "the document does not parse");
        return (host, result.Document!, result.Diagnostic!);
    }

    private static IEnumerable<(string Method, string Path, OpenApiOperation Operation)> Operations(OpenApiDocument document) =>
        from path in document.Paths
        from operation in path.Value.Operations ?? []
        select (operation.Key.Method, path.Key, operation.Value);

    [Test]
    public async Task The_document_parses_and_validates_without_errors()
    {
        var (_, document, diagnostic) = await ReadAsync();
        Assert.That(diagnostic.Errors.Select(e => e.ToString()), Is.Empty, "errors reading the document");
        Assert.That(document.Validate(ValidationRuleSet.GetDefaultRuleSet()).Select(e => e.ToString()), Is.Empty, "the document is invalid");
        Assert.That(Operations(document).Count(), Is.GreaterThan(80));
    }

    /// <summary>Answers whose timestamps are DateTimeOffset in the model.</summary>
    private static readonly (string Schema, string Property)[] Timestamps =
    [
        ("OrderView", "orderedAt"), ("OrderView", "decidedAt"), ("SubscriptionView", "createdAt"), ("SubscriptionEvent", "occurredAt"),
        ("BindingView", "createdAt"), ("ReconciliationFinding", "foundAt"), ("DeadJobResponse", "createdAt"),
        ("DelegationResponse", "grantedAt"),
        ("NotificationView", "createdAt"), ("NotificationView", "readAt"), ("SavedSearch", "createdAt"),
        ("OfferingVersion", "createdAt"), ("OfferingVersion", "publishedAt"), ("Evidence", "uploadedAt"), ("ReviewItem", "submittedAt"),
        ("LastProbe", "probedAt"), ("SlaBreach", "flaggedAt"), ("SubProcessorChange", "publishedAt"),
        ("Invoice", "createdAt"), ("Invoice", "stripePushedAt"), ("CreditNote", "createdAt"), ("BillingRun", "startedAt"),
        ("VendorUsage", "lastReceivedAt"),
    ];

    [Test]
    public async Task Timestamps_are_documented_as_date_time()
    {
        var (_, document, _) = await ReadAsync();
        foreach (var (schema, property) in Timestamps)
            Assert.That(document.Components!.Schemas![schema].Properties![property].Format, Is.EqualTo("date-time"), $"{schema}.{property}");
    }

    [Test]
    public async Task Every_operation_declares_what_it_answers_on_success()
    {
        var (_, document, _) = await ReadAsync();
        var problems = new List<string>();
        foreach (var (method, path, operation) in Operations(document))
        {
            var success = (operation.Responses ?? []).Where(r => r.Key.StartsWith('2')).ToList();
            if (success.Count == 0) problems.Add($"{method} {path}: no success response");
            foreach (var (status, response) in success)
            {
                // 204 and 202 carry no body by definition here; every other success names its media type, and JSON its schema.
                if (status is "204" or "202") continue;
                var content = response.Content ?? new Dictionary<string, IOpenApiMediaType>();
                if (content.Count == 0) problems.Add($"{method} {path}: {status} without content");
                foreach (var (type, media) in content)
                    if (type.Contains("json") && media.Schema is null) problems.Add($"{method} {path}: {status} {type} without schema");
            }
        }
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task An_operation_requires_a_token_exactly_when_the_app_refuses_an_anonymous_call()
    {
        var (host, document, _) = await ReadAsync();
        using var anonymous = host.Browser();
        var problems = new List<string>();
        var protectedOperations = 0;
        foreach (var (method, path, operation) in Operations(document))
        {
            // Authorisation runs before the handler binds anything, so placeholder values are enough to see the refusal.
            var url = PathParameter().Replace(path, "1");
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            // A body of the media type the operation accepts, else routing answers 415 before authorisation is asked.
            if (operation.RequestBody?.Content?.Keys.FirstOrDefault() is { } mediaType)
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, mediaType);
            using var response = await anonymous.SendAsync(request);
            var refused = response.StatusCode == HttpStatusCode.Unauthorized;
            var secured = operation.Security is { Count: > 0 };
            if (refused) protectedOperations++;
            if (refused && !secured) problems.Add($"{method} {path} refuses an anonymous call but declares no security requirement");
            if (!refused && secured) problems.Add($"{method} {path} declares a security requirement but answered an anonymous call {(int)response.StatusCode}");
            if (refused && operation.Responses?.ContainsKey("401") != true) problems.Add($"{method} {path} documents no 401");
        }
        Assert.That(protectedOperations, Is.GreaterThan(50));
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task Every_documented_handler_declares_its_answers_in_its_return_type()
    {
        // A handler that returns IResult says nothing the document can read: its answers live in .Produces calls that
        // drift from the code. A typed result (Results<Ok<T>, ...>) is the declaration, so the document cannot be wrong.
        var host = await SharedHosts.For(DatabaseEngine.Sqlite);
        var untyped = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .Select(e => (Endpoint: e, Handler: e.Metadata.GetMetadata<MethodInfo>()))
            .Where(x => x.Handler is not null && Untyped(x.Handler.ReturnType))
            .Select(x => $"{string.Join(",", x.Endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])} {x.Endpoint.RoutePattern.RawText}: {x.Handler!.ReturnType.Name}")
            .ToList();
        Assert.That(untyped, Is.Empty);
    }

    private static bool Untyped(Type returned)
    {
        var type = returned.IsGenericType && (returned.GetGenericTypeDefinition() == typeof(Task<>) || returned.GetGenericTypeDefinition() == typeof(ValueTask<>))
            ? returned.GetGenericArguments()[0] : returned;
        return type == typeof(IResult) || type == typeof(object);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex PathParameter();
}
