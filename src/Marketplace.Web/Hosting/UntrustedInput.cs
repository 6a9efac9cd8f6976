using System.Text.Json;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Hosting;

/// <summary>
/// The edge every request passes: text that no field may hold (NUL, a lone surrogate) is refused here as a 400 problem
/// naming the field, on every engine, before a module or the database sees it (PostgreSQL rejects NUL in text; SQLite
/// stored it, so the same request behaved differently per engine). Query strings, JSON bodies and plain forms are read;
/// multipart uploads are not (their files are binary, and their endpoints set their own size limits).
/// </summary>
public static class UntrustedInput
{
    /// <summary>JSON nested deeper than this is left to the endpoint's own reader, which refuses it (System.Text.Json's limit is 64).</summary>
    private const int MaxJsonDepth = 64;

    public static IApplicationBuilder UseUntrustedInputGuard(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        if (await FindAsync(ctx.Request) is not { } fault)
        {
            await next();
            return;
        }
        var texts = ctx.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        var problem = Results.ValidationProblem(
            new Dictionary<string, string[]> { [fault.Field] = [texts[fault.Reason].Value] }, title: texts["Input.Invalid.Title"].Value);
        await problem.ExecuteAsync(ctx);
    });

    private static async Task<(string Field, string Reason)?> FindAsync(HttpRequest request)
    {
        foreach (var (key, values) in request.Query)
            if (Fault(key, values) is { } reason)
                return (key, reason);
        if (request.HasJsonContentType() && request.ContentLength is not 0)
        {
            request.EnableBuffering();
            try
            {
                using var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = MaxJsonDepth }, request.HttpContext.RequestAborted);
                return Walk(document.RootElement, "");
            }
            catch (JsonException)
            {
                return null; // not JSON at all: the endpoint's binding refuses it with its own problem
            }
            finally
            {
                request.Body.Position = 0;
            }
        }
        if (request.HasFormContentType && request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            }
            catch (InvalidDataException)
            {
                return ("form", "Input.Invalid.Form"); // ASP.NET's form reader refuses NUL itself, but as an exception (a 500)
            }
            foreach (var (key, values) in form)
                if (Fault(key, values) is { } reason)
                    return (key, reason);
        }
        return null;
    }

    /// <summary>Depth-first over an explicit stack, so a deep document costs no stack; the field is a JSON Pointer.</summary>
    private static (string Field, string Reason)? Walk(JsonElement root, string rootPointer)
    {
        var pending = new Stack<(JsonElement Element, string Pointer)>();
        pending.Push((root, rootPointer));
        while (pending.TryPop(out var item))
        {
            var (element, pointer) = item;
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    if ((Text(element, out var value) ?? Fault(value)) is { } reason) return (Field(pointer), reason);
                    break;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        var child = pointer + "/" + property.Name.Replace("~", "~0").Replace("/", "~1");
                        if (Fault(property.Name) is { } bad) return (Field(child), bad);
                        pending.Push((property.Value, child));
                    }
                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    foreach (var entry in element.EnumerateArray()) pending.Push((entry, $"{pointer}/{i++}"));
                    break;
            }
        }
        return null;
    }

    /// <summary>The problem's field: the JSON property path without the leading slash ("items/0/name"), or "body" for the whole body.</summary>
    private static string Field(string pointer) => pointer.Length == 0 ? "body" : pointer[1..];

    private static string? Text(JsonElement element, out string? value)
    {
        try
        {
            value = element.GetString();
            return null;
        }
        catch (InvalidOperationException)
        {
            value = null;
            return "Input.Invalid.Surrogate";
        }
    }

    private static string? Fault(string key, Microsoft.Extensions.Primitives.StringValues values) =>
        Fault(key) ?? values.Select(Fault).FirstOrDefault(f => f is not null);

    private static string? Fault(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (value.Contains('\0')) return "Input.Invalid.Nul";
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (char.IsSurrogate(value[i])) return "Input.Invalid.Surrogate";
        }
        return null;
    }
}
