using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace Marketplace.Kernel;

/// <summary>One invalid field of a request for a problem: where, the stable code (null when the error has none yet) and the message worded in the request's language.</summary>
public readonly record struct CodedError(string Field, string? Code, string Message);

/// <summary>
/// Validation problems whose errors carry stable codes: "errors" holds each field's messages in the request's language
/// (worded from the resources "Problem.&lt;code&gt;"), "codes" the codes in the same order, so a client can act on the code and
/// show the text. The texts are the host's shared resources (the modules know them by name, as the host reads them).
/// </summary>
public static class CodedProblems
{
    /// <summary>The host's texts in the request's culture.</summary>
    public static IStringLocalizer Texts(HttpContext http) => Texts(http.RequestServices);

    /// <summary>The host's texts in the current culture.</summary>
    public static IStringLocalizer Texts(IServiceProvider services) => Texts(services.GetRequiredService<IStringLocalizerFactory>());

    /// <summary>The host's texts in the current culture, for a service that words what it answers.</summary>
    public static IStringLocalizer Texts(IStringLocalizerFactory localizers) => localizers.Create("SharedResource", "Marketplace.Web");

    /// <summary>The code's text with its values (words of the resources worded, a list of them joined), or <paramref name="fallback"/> when the code is unknown to the resources.</summary>
    public static string Word(IStringLocalizer texts, string? code, IReadOnlyList<object> args, string fallback) =>
        code is not null && texts["Problem." + code, args.Select(a => a switch
        {
            ResourceWord t => Word(texts, t),
            IEnumerable<ResourceWord> ts => string.Join(", ", ts.Select(t => Word(texts, t))),
            _ => a,
        }).ToArray()] is { ResourceNotFound: false } text
            ? text.Value : fallback;

    private static string Word(IStringLocalizer texts, ResourceWord term) => texts[term.Key] is { ResourceNotFound: false } text ? text.Value : term.Value;

    /// <summary>The field error in the language of <paramref name="texts"/>: its code's text, or its message when it has no code.</summary>
    public static string Word(this IStringLocalizer texts, FieldError error) => Word(texts, error.Code, error.Args, error.Message);

    /// <summary>The refusal in the language of <paramref name="texts"/>: its code's text, or its message when it has no code.</summary>
    public static string Word(this IStringLocalizer texts, RefusalException refusal) => Word(texts, refusal.Code, refusal.Args, refusal.Message);

    /// <summary>The errors of a refused request in the language of <paramref name="texts"/>, each with its code.</summary>
    public static IEnumerable<CodedError> Worded(this RequestValidationException e, IStringLocalizer texts) =>
        e.Errors.Select(x => new CodedError(x.Field, x.Code, texts.Word(x)));

    public static IResult Validation(IStringLocalizer texts, IEnumerable<CodedError> errors, int statusCode = StatusCodes.Status400BadRequest,
        string? detail = null, IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        var byField = errors.GroupBy(e => e.Field).ToList();
        var all = new Dictionary<string, object?>(extensions ?? [])
        {
            ["codes"] = byField.ToDictionary(g => g.Key, g => g.Select(e => e.Code).ToArray()),
        };
        return Results.ValidationProblem(byField.ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()), detail: detail,
            statusCode: statusCode, title: texts["Problem.Title"].Value, extensions: all);
    }

    /// <summary>The problem a refusal answers (status by <see cref="StatusOf"/>): titled in the request's language, or a validation problem naming each field.</summary>
    public static IResult For(RefusalException refusal, IStringLocalizer texts) => refusal is RequestValidationException e
        ? Validation(texts, e.Worded(texts), e.StatusCode, detail: e.Code is null ? null : texts.Word(e), extensions: e.Extensions)
        : Results.Problem(statusCode: Answer(refusal).Status, title: texts[Answer(refusal).Title].Value, detail: texts.Word(refusal));

    /// <summary>The refusal as an endpoint's result, worded when it executes, in the request's language.</summary>
    public static RefusedHttpResult Refused(RefusalException refusal) => new(refusal);

    /// <summary>A 404 that names nothing: the object does not exist or is another tenant's.</summary>
    public static RefusedHttpResult NotFound() => Refused(new NotFoundException("not found") { Code = "not-found" });

    /// <summary>The status a refusal answers with, known before it is worded: pages turn a refused 403 into their own answer.</summary>
    public static int StatusOf(RefusalException refusal) => Answer(refusal).Status;

    // The one mapping of refusals to a status and the resource of the problem's title.
    private static (int Status, string Title) Answer(RefusalException refusal) => refusal switch
    {
        RequestValidationException e => (e.StatusCode, "Problem.Title"),
        NotFoundException => (StatusCodes.Status404NotFound, "Problem.NotFound"),
        ForbiddenException => (StatusCodes.Status403Forbidden, "Problem.Forbidden"),
        _ => (StatusCodes.Status409Conflict, "Problem.Conflict"),
    };
}

/// <summary>A refusal as a typed endpoint result (<c>Results&lt;Ok&lt;T&gt;, RefusedHttpResult&gt;</c>); its problem is declared where the endpoint is mapped.</summary>
public sealed class RefusedHttpResult(RefusalException refusal) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => CodedProblems.StatusOf(refusal);

    public Task ExecuteAsync(HttpContext http) => CodedProblems.For(refusal, CodedProblems.Texts(http)).ExecuteAsync(http);
}
