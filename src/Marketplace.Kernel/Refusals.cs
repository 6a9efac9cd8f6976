namespace Marketplace.Kernel;

// The domain's refusals; RefusalProblems answers each with one problem-details status, worded by its code.

/// <summary>
/// A request the domain refuses. <see cref="Code"/> ("objection.no-change") names the refusal stably: the API and the
/// pages word it from the resource "Problem.&lt;code&gt;" in the request's language; <see cref="Exception.Message"/> stays the
/// service's own wording for logs and for refusals without a code yet.
/// </summary>
public abstract class RefusalException(string message) : Exception(message)
{
    public string? Code { get; init; }

    /// <summary>The values the code's text names ({0}, {1}).</summary>
    public IReadOnlyList<object> Args { get; init; } = [];
}

/// <summary>
/// A value a coded text names that is itself a word of the resources (a subscription state "active" as "State.active"):
/// worded in the text's language, <see cref="Value"/> where the resources lack it.
/// </summary>
public sealed record ResourceWord(string Key, string Value)
{
    public static ResourceWord State(string state) => new("State." + state, state);

    public override string ToString() => Value;
}

/// <summary>The object does not exist for the caller (404: another tenant's object is not found either).</summary>
public sealed class NotFoundException : RefusalException
{
    public NotFoundException(string message) : base(message) { }

    public NotFoundException(string kind, string id) : base($"{kind} {id} not found")
    {
        (Kind, Id) = (kind, id);
        Code = "not-found";
    }

    public string? Kind { get; }
    public string? Id { get; }
}

/// <summary>The caller may not do this (403).</summary>
public sealed class ForbiddenException(string message) : RefusalException(message);

/// <summary>The object's state does not allow the action (409).</summary>
public class ConflictException(string message) : RefusalException(message);

/// <summary>One invalid field of a request: a request path ("configuration/fitConnect/umgebung", "planId"), or a JSON Pointer within a configuration ("/fitConnect/umgebung"), and why.</summary>
public sealed record FieldError(string Field, string Message)
{
    /// <summary>The stable code ("fachverfahren.unknown-area"), worded from "Problem.&lt;code&gt;"; <see cref="Message"/> is the German fallback.</summary>
    public string? Code { get; init; }

    /// <summary>The values the code's text names ({0}, {1}).</summary>
    public IReadOnlyList<object> Args { get; init; } = [];

    public static FieldError Coded(string field, string code, string german, params object[] args) => new(field, german) { Code = code, Args = args };

    /// <summary>The error under a parent field: a configuration's "/behoerde" under "configuration" is "configuration/behoerde".</summary>
    public FieldError At(string parent) => this with { Field = parent + Field };

    public static FieldError Required(string field) => Coded(field, "required", "erforderlich");
    public static FieldError TooLong(string field, int max) => Coded(field, "max-length", $"höchstens {max} Zeichen", max);
    public static FieldError TooMany(string field, int max) => Coded(field, "max-items", $"höchstens {max} Einträge", max);

    // The values by content, so the same error reported twice (a shared field of several offerings) is one.
    public bool Equals(FieldError? other) =>
        other is not null && (Field, Message, Code) == (other.Field, other.Message, other.Code) && Args.SequenceEqual(other.Args);

    public override int GetHashCode() => HashCode.Combine(Field, Message, Code);

    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>The request is invalid (a 400 validation problem unless <see cref="StatusCode"/> says otherwise); every error names its field.</summary>
public class RequestValidationException(IReadOnlyList<FieldError> errors, string? message = null)
    : RefusalException(message ?? "request invalid: " + string.Join("; ", errors))
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;

    /// <summary>The status of the problem: 400, or 422 where the request is well-formed but cannot be taken as it stands.</summary>
    public int StatusCode { get; init; } = 400;

    /// <summary>Further members of the problem (a descriptor's "problems" with their lines).</summary>
    public IReadOnlyDictionary<string, object?> Extensions { get; init; } = new Dictionary<string, object?>();

    /// <summary>The field of the first error (most refusals name one).</summary>
    public string Field => Errors.Count > 0 ? Errors[0].Field : "";

    public static RequestValidationException For(string field, string message) => new([new FieldError(field, message)], message);

    public static RequestValidationException Coded(string field, string code, string german, params object[] args) =>
        new([FieldError.Coded(field, code, german, args)]);

    /// <summary>Uncoded messages by field, as a validator collects them.</summary>
    public static RequestValidationException From(IDictionary<string, string[]> errors) =>
        new(errors.SelectMany(e => e.Value.Select(m => new FieldError(e.Key, m))).ToList());

    public IDictionary<string, string[]> ToDictionary() =>
        Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
}
