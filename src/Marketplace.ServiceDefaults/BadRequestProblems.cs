using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Marketplace.ServiceDefaults;

/// <summary>
/// A request the API's binding refuses (a body that is not the JSON the endpoint takes, a value of the wrong type, a
/// missing or unparsable parameter) answers a 400 problem naming the field, in the request's language, instead of a bare
/// "Bad Request". Minimal APIs throw these (RouteHandlerOptions.ThrowOnBadRequest) so they arrive here in one place.
/// </summary>
public sealed partial class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext ctx, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad || ctx.Response.HasStarted) return false;
        var texts = CodedProblems.Texts(ctx);
        var (field, reason) = bad.InnerException switch
        {
            JsonException json => (Field(json.Path), "Input.Invalid.Json"),
            _ when ParameterPattern().Match(bad.Message) is { Success: true } m => (m.Groups[1].Value, "Input.Invalid.Parameter"),
            _ => ("body", "Input.Invalid.Json"),
        };
        var status = bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest;
        ctx.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = ctx,
            ProblemDetails = new Microsoft.AspNetCore.Http.HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [texts[reason].Value] })
            {
                Status = status, Title = texts["Input.Invalid.Title"].Value,
            },
            Exception = exception,
        });
    }

    /// <summary>"$.selections[0].ozgId" → "selections/0/ozgId"; the whole body when the path is the root or unknown.</summary>
    private static string Field(string? path)
    {
        var p = (path ?? "$").TrimStart('$').Replace("['", ".").Replace("']", "").Replace("[", ".").Replace("]", "").Trim('.');
        return p.Length == 0 ? "body" : p.Replace('.', '/');
    }

    // "Failed to bind parameter "int page" from "abc"." / "Required parameter "string q" was not provided from query string."
    [GeneratedRegex("parameter \"[^\"]*? ([A-Za-z0-9_]+)\"")]
    private static partial Regex ParameterPattern();
}
