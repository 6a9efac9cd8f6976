using System.Text.Json.Nodes;

namespace Marketplace.Provisioning.Broker;

/// <summary>What the platform makes of a broker answer.</summary>
public enum AnswerKind
{
    /// <summary>Done (provisioned, updated, deleted).</summary>
    Succeeded,
    /// <summary>202: the broker works on it; poll last_operation.</summary>
    Accepted,
    /// <summary>last_operation: still in progress.</summary>
    InProgress,
    /// <summary>last_operation: the asynchronous operation failed.</summary>
    OperationFailed,
    /// <summary>A transient refusal that did not change anything at the broker: try the same call again later.</summary>
    RetryLater,
    /// <summary>A definitive refusal: retrying the same call would not help; nothing was created.</summary>
    Rejected,
    /// <summary>A failure after which the broker may hold an instance the platform does not know: delete it.</summary>
    OrphanMitigation,
    /// <summary>last_operation answer that is not valid: keep polling until the maximum polling duration.</summary>
    Invalid,
}

/// <summary>An interpreted broker answer: its kind, a reason for the timeline, and what the broker sent along.</summary>
public sealed record BrokerAnswer(AnswerKind Kind, string Reason, string? DashboardUrl = null, string? Operation = null, TimeSpan? RetryAfter = null);

/// <summary>
/// The Open Service Broker API 2.17 rules for service-instance answers, including its orphan-mitigation table:
/// provisioning answers 201 malformed, other 2xx, 5xx and timeouts need orphan mitigation; 200 malformed, 408 and
/// other 4xx do not; updates never do; a failed asynchronous provision or deprovision does. Pure functions, so every
/// row of the table is tested without a network.
/// </summary>
public static partial class OsbSpec
{
    public static BrokerAnswer Provision(OsbResponse r)
    {
        if (r.Transport == OsbTransport.TimedOut) return new(AnswerKind.OrphanMitigation, $"provisioning timed out: {r.TransportError}");
        if (r.Transport == OsbTransport.NotSent) return new(AnswerKind.RetryLater, $"broker not reachable: {r.TransportError}");
        return r.Status switch
        {
            200 => WellFormedInstance(r) ? Success(r) : new(AnswerKind.Rejected, "broker answered 200 with a malformed body"),
            201 => WellFormedInstance(r) ? Success(r) : new(AnswerKind.OrphanMitigation, "broker answered 201 with a malformed body"),
            // A 202 whose body cannot be read leaves the platform unable to follow an operation that may create an
            // instance: handled like the 201 case of the table.
            202 => WellFormedInstance(r) ? Accepted(r) : new(AnswerKind.OrphanMitigation, "broker answered 202 with a malformed body"),
            >= 200 and < 300 => new(AnswerKind.OrphanMitigation, $"broker answered {r.Status}, which provisioning does not define"),
            >= 300 and < 400 => Redirect(r),
            408 => new(AnswerKind.RetryLater, "broker did not receive the request in time (408)"),
            409 => new(AnswerKind.Rejected, Reason("an instance with this id but different attributes exists (409)", r)),
            422 => Unprocessable(r),
            429 => new(AnswerKind.RetryLater, "broker asks to slow down (429)"),
            >= 400 and < 500 => new(AnswerKind.Rejected, Reason($"broker rejected the request ({r.Status})", r)),
            >= 500 => new(AnswerKind.OrphanMitigation, Reason($"broker error ({r.Status})", r)),
            _ => new(AnswerKind.OrphanMitigation, $"unexpected status {r.Status}"),
        };
    }

    public static BrokerAnswer Update(OsbResponse r)
    {
        // Updating never needs orphan mitigation: the instance exists either way.
        if (r.Transport == OsbTransport.TimedOut) return new(AnswerKind.RetryLater, $"update timed out: {r.TransportError}");
        if (r.Transport == OsbTransport.NotSent) return new(AnswerKind.RetryLater, $"broker not reachable: {r.TransportError}");
        return r.Status switch
        {
            200 => r.BodyIsJsonObject ? new(AnswerKind.Succeeded, "updated") : new(AnswerKind.Rejected, "broker answered 200 with a malformed body"),
            202 => WellFormedInstance(r) ? Accepted(r) : new(AnswerKind.RetryLater, "broker answered 202 with a malformed body"),
            >= 200 and < 300 => new(AnswerKind.Rejected, $"broker answered {r.Status}, which updating does not define"),
            >= 300 and < 400 => Redirect(r),
            408 => new(AnswerKind.RetryLater, "broker did not receive the request in time (408)"),
            422 => Unprocessable(r),
            429 => new(AnswerKind.RetryLater, "broker asks to slow down (429)"),
            >= 400 and < 500 => new(AnswerKind.Rejected, Reason($"broker rejected the change ({r.Status})", r)),
            >= 500 => new(AnswerKind.RetryLater, Reason($"broker error ({r.Status})", r)),
            _ => new(AnswerKind.Rejected, $"unexpected status {r.Status}"),
        };
    }

    /// <summary>Deprovisioning, also as orphan mitigation: anything but a clear success or refusal means "delete again later".</summary>
    public static BrokerAnswer Deprovision(OsbResponse r)
    {
        if (r.Transport == OsbTransport.TimedOut) return new(AnswerKind.RetryLater, $"deprovisioning timed out: {r.TransportError}");
        if (r.Transport == OsbTransport.NotSent) return new(AnswerKind.RetryLater, $"broker not reachable: {r.TransportError}");
        return r.Status switch
        {
            200 => r.BodyIsJsonObject ? new(AnswerKind.Succeeded, "deleted") : new(AnswerKind.RetryLater, "broker answered 200 with a malformed body"),
            410 => new(AnswerKind.Succeeded, "instance does not exist at the broker (410)"),
            202 => WellFormedInstance(r) ? Accepted(r) : new(AnswerKind.RetryLater, "broker answered 202 with a malformed body"),
            >= 200 and < 300 => new(AnswerKind.RetryLater, $"broker answered {r.Status}, which deprovisioning does not define"),
            408 => new(AnswerKind.RetryLater, "broker did not receive the request in time (408)"),
            422 => Unprocessable(r),
            429 => new(AnswerKind.RetryLater, "broker asks to slow down (429)"),
            >= 400 and < 500 => new(AnswerKind.Rejected, Reason($"broker rejected the deletion ({r.Status})", r)),
            _ => new(AnswerKind.RetryLater, Reason($"broker error ({r.Status})", r)),
        };
    }

    /// <summary>GET last_operation. 410 means success only while deleting; anything unreadable means "keep polling".</summary>
    public static BrokerAnswer LastOperation(OsbResponse r, bool deleting)
    {
        if (r.Transport != OsbTransport.Answered) return new(AnswerKind.Invalid, r.ToString());
        if (r.Status == 410)
            return deleting ? new(AnswerKind.Succeeded, "instance gone (410)") : new(AnswerKind.Invalid, "410 while not deleting");
        if (r.Status != 200) return new(AnswerKind.Invalid, Reason($"last_operation answered {r.Status}", r));
        if (r.Body?["state"] is not JsonValue v || !v.TryGetValue<string>(out var state)) return new(AnswerKind.Invalid, "last_operation without state");
        var description = r.Description ?? state;
        return state switch
        {
            "in progress" => new(AnswerKind.InProgress, description, RetryAfter: r.RetryAfter),
            "succeeded" => new(AnswerKind.Succeeded, description),
            "failed" => new(AnswerKind.OperationFailed, r.Description ?? "the broker reports the operation failed"),
            _ => new(AnswerKind.Invalid, $"last_operation state '{state}' is not defined"),
        };
    }

    /// <summary>
    /// Redirects are never followed (the outbound policy): a broker that answers with one has not acted on the request,
    /// and sending the request elsewhere would hand the municipality's configuration to a service the vendor names.
    /// </summary>
    private static BrokerAnswer Redirect(OsbResponse r) =>
        new(AnswerKind.Rejected, $"broker answered with a redirect ({r.Status}); the platform does not follow redirects");

    private static BrokerAnswer Unprocessable(OsbResponse r) => r.ErrorCode switch
    {
        "ConcurrencyError" => new(AnswerKind.RetryLater, Reason("another operation is in progress (422 ConcurrencyError)", r)),
        _ => new(AnswerKind.Rejected, Reason($"broker cannot process the request (422{(r.ErrorCode is { } e ? " " + e : "")})", r)),
    };

    private static BrokerAnswer Success(OsbResponse r) => new(AnswerKind.Succeeded, "provisioned", DashboardUrl: StringField(r, "dashboard_url"));

    private static BrokerAnswer Accepted(OsbResponse r) =>
        new(AnswerKind.Accepted, "accepted", StringField(r, "dashboard_url"), StringField(r, "operation"), r.RetryAfter);

    /// <summary>A JSON object whose dashboard_url and operation, where present, are strings or null.</summary>
    private static bool WellFormedInstance(OsbResponse r) =>
        r.Body is { } body && OptionalString(body, "dashboard_url") && OptionalString(body, "operation");

    private static bool OptionalString(JsonObject body, string name) =>
        !body.TryGetPropertyValue(name, out var node) || node is null || node is JsonValue v && v.TryGetValue<string>(out _);

    private static string? StringField(OsbResponse r, string name) =>
        r.Body?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The broker's own description, cut short: it is stored and shown, and a broker must not fill either.</summary>
    private static string Reason(string what, OsbResponse r) =>
        r.Description is { Length: > 0 } d ? $"{what}: {Cut(d)}" : r.ErrorCode is { } e ? $"{what}: {Cut(e)}" : what;

    private static string Cut(string text) => text.Length <= 300 ? text : text[..299] + "…";
}
