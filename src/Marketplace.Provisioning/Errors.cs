namespace Marketplace.Provisioning;

// The service layer's refusals; the endpoints map each to one problem-details status.

/// <summary>The object does not exist for the acting tenant (endpoints answer 404: another tenant's object is not found either).</summary>
public sealed class NotFoundException(string kind, string id) : Exception($"{kind} {id} not found")
{
    public string Kind { get; } = kind;
    public string Id { get; } = id;
}

/// <summary>The actor may not do this (403).</summary>
public sealed class ForbiddenException(string message) : Exception(message);

/// <summary>The object's state does not allow the action (409).</summary>
public sealed class StateConflictException(string message) : Exception(message);

/// <summary>The same Idempotency-Key came with a different request body (422).</summary>
public sealed class IdempotencyKeyReusedException(string key)
    : Exception($"Idempotency-Key '{key}' was already used for a different request")
{
    public string Key { get; } = key;
}

/// <summary>One invalid field of a request: a dotted request path ("configuration/fitConnect/umgebung", "planId") and why.</summary>
public sealed record FieldError(string Field, string Message)
{
    /// <summary>
    /// The stable code ("fachverfahren.unknown-area"): the API and the pages word it from the resource "Problem.&lt;code&gt;" in
    /// the request's language; <see cref="Message"/> stays the service's German wording for logs and service callers.
    /// </summary>
    public string? Code { get; init; }

    /// <summary>The values the code's text names ({0}, {1}).</summary>
    public IReadOnlyList<object> Args { get; init; } = [];

    public static FieldError Coded(string field, string code, string german, params object[] args) => new(field, german) { Code = code, Args = args };

    public static FieldError Required(string field) => Coded(field, "required", "erforderlich");
    public static FieldError TooLong(string field, int max) => Coded(field, "max-length", $"höchstens {max} Zeichen", max);
    public static FieldError TooMany(string field, int max) => Coded(field, "max-items", $"höchstens {max} Einträge", max);

    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>The request is invalid (400 validation problem); every error names its field.</summary>
public sealed class RequestValidationException(IReadOnlyList<FieldError> errors)
    : Exception("request invalid: " + string.Join("; ", errors))
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;

    public IDictionary<string, string[]> ToDictionary() =>
        Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());

    /// <summary>The errors in the request's language (<paramref name="texts"/>), each with its code.</summary>
    public IEnumerable<Marketplace.Storage.CodedError> Worded(Microsoft.Extensions.Localization.IStringLocalizer texts) =>
        Errors.Select(e => new Marketplace.Storage.CodedError(e.Field, e.Code, Marketplace.Storage.CodedProblems.Word(texts, e.Code, e.Args, e.Message)));
}
