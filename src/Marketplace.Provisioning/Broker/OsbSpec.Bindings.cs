using System.Text.Json.Nodes;

namespace Marketplace.Provisioning.Broker;

// The binding rows of the specification's orphan-mitigation table: a binding answered 201 or 202 with a malformed body,
// any other 2xx, a 5xx or a timeout may have left a binding behind, which is deleted; 200 malformed, 408 and other 4xx
// did not create one. A failed asynchronous bind is mitigated as well.
public static partial class OsbSpec
{
    public static BrokerAnswer Bind(OsbResponse r)
    {
        if (r.Transport == OsbTransport.TimedOut) return new(AnswerKind.OrphanMitigation, $"binding timed out: {r.TransportError}");
        if (r.Transport == OsbTransport.NotSent) return new(AnswerKind.RetryLater, $"broker not reachable: {r.TransportError}");
        return r.Status switch
        {
            200 => WellFormedBinding(r) ? new(AnswerKind.Succeeded, "bound") : new(AnswerKind.Rejected, "broker answered 200 with a malformed body"),
            201 => WellFormedBinding(r) ? new(AnswerKind.Succeeded, "bound") : new(AnswerKind.OrphanMitigation, "broker answered 201 with a malformed body"),
            202 => WellFormedBinding(r) ? Accepted(r) : new(AnswerKind.OrphanMitigation, "broker answered 202 with a malformed body"),
            >= 200 and < 300 => new(AnswerKind.OrphanMitigation, $"broker answered {r.Status}, which binding does not define"),
            >= 300 and < 400 => Redirect(r),
            408 => new(AnswerKind.RetryLater, "broker did not receive the request in time (408)"),
            409 => new(AnswerKind.Rejected, Reason("a binding with this id but different attributes exists (409)", r)),
            422 => Unprocessable(r),
            429 => new(AnswerKind.RetryLater, "broker asks to slow down (429)"),
            >= 400 and < 500 => new(AnswerKind.Rejected, Reason($"broker rejected the binding ({r.Status})", r)),
            _ => new(AnswerKind.OrphanMitigation, Reason($"broker error ({r.Status})", r)),
        };
    }

    /// <summary>Unbinding, also as orphan mitigation: only 200 and 410 confirm that the binding is gone.</summary>
    public static BrokerAnswer Unbind(OsbResponse r)
    {
        if (r.Transport == OsbTransport.TimedOut) return new(AnswerKind.RetryLater, $"unbinding timed out: {r.TransportError}");
        if (r.Transport == OsbTransport.NotSent) return new(AnswerKind.RetryLater, $"broker not reachable: {r.TransportError}");
        return r.Status switch
        {
            200 => r.BodyIsJsonObject ? new(AnswerKind.Succeeded, "unbound") : new(AnswerKind.RetryLater, "broker answered 200 with a malformed body"),
            410 => new(AnswerKind.Succeeded, "binding does not exist at the broker (410)"),
            202 => WellFormedBinding(r) ? Accepted(r) : new(AnswerKind.RetryLater, "broker answered 202 with a malformed body"),
            422 => Unprocessable(r),
            >= 400 and < 500 and not 408 and not 429 => new(AnswerKind.Rejected, Reason($"broker rejected the unbinding ({r.Status})", r)),
            _ => new(AnswerKind.RetryLater, Reason($"broker answered {r}", r)),
        };
    }

    /// <summary>
    /// GET of a binding after its asynchronous creation succeeded: 200 with credentials ends it; 404 (not available yet)
    /// and anything else mean "ask again" until the maximum polling duration.
    /// </summary>
    public static BrokerAnswer FetchBinding(OsbResponse r) =>
        r.Transport == OsbTransport.Answered && r.Status == 200 && WellFormedBinding(r) && r.Body?["credentials"] is JsonObject
            ? new(AnswerKind.Succeeded, "binding fetched")
            : new(AnswerKind.Invalid, $"binding not fetched: {r}");

    /// <summary>The parts of a binding answer the platform keeps: credentials and endpoints (nothing else is stored).</summary>
    public static JsonObject BindingSecrets(OsbResponse r)
    {
        var kept = new JsonObject();
        if (r.Body?["credentials"] is JsonObject credentials) kept["credentials"] = credentials.DeepClone();
        if (r.Body?["endpoints"] is JsonArray endpoints) kept["endpoints"] = endpoints.DeepClone();
        return kept;
    }

    /// <summary>A JSON object whose credentials (object), endpoints (array) and operation (string), where present, have their declared types.</summary>
    private static bool WellFormedBinding(OsbResponse r) =>
        r.Body is { } body && OptionalString(body, "operation")
        && (!body.TryGetPropertyValue("credentials", out var c) || c is null or JsonObject)
        && (!body.TryGetPropertyValue("endpoints", out var e) || e is null or JsonArray);
}
