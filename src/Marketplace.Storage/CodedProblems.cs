using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace Marketplace.Storage;

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
    public static IStringLocalizer Texts(HttpContext http) =>
        http.RequestServices.GetRequiredService<IStringLocalizerFactory>().Create("SharedResource", "Marketplace.Web");

    /// <summary>The code's text with its values, or <paramref name="fallback"/> when the code is unknown to the resources.</summary>
    public static string Word(IStringLocalizer texts, string? code, IReadOnlyList<object> args, string fallback) =>
        code is not null && texts["Problem." + code, args.ToArray()] is { ResourceNotFound: false } text ? text.Value : fallback;

    public static IResult Validation(IStringLocalizer texts, IEnumerable<CodedError> errors, int statusCode = StatusCodes.Status400BadRequest,
        string? detail = null, IDictionary<string, object?>? extensions = null)
    {
        var byField = errors.GroupBy(e => e.Field).ToList();
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>())
        {
            ["codes"] = byField.ToDictionary(g => g.Key, g => g.Select(e => e.Code).ToArray()),
        };
        return Results.ValidationProblem(byField.ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()), detail: detail,
            statusCode: statusCode, title: texts["Problem.Title"].Value, extensions: all);
    }
}
