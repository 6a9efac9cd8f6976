using System.Text.Json;

namespace Marketplace.ServiceDefaults;

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

    /// <summary>The largest JSON body any API takes (a rollout's CSV overrides of 2 MiB, escaped, fit); more answers 413.</summary>
    public const int MaxJsonBytes = 4 * 1024 * 1024;

    /// <summary>Values, arrays, objects and property names together: a 1,000-event usage batch has about 10,000; more answers 413.</summary>
    public const int MaxJsonNodes = 50_000;

    public static IApplicationBuilder UseUntrustedInputGuard(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        if (await FindAsync(ctx.Request) is not { } fault)
        {
            await next();
            return;
        }
        var texts = CodedProblems.Texts(ctx);
        var problem = Results.ValidationProblem(
            new Dictionary<string, string[]> { [fault.Field] = [texts[fault.Reason].Value] }, title: texts["Input.Invalid.Title"].Value,
            statusCode: fault.Reason == TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest);
        await problem.ExecuteAsync(ctx);
    });

    private const string TooLarge = "Input.Invalid.TooLarge";

    private static async Task<(string Field, string Reason)?> FindAsync(HttpRequest request)
    {
        if (request.HasJsonContentType() && request.ContentLength > MaxJsonBytes) return ("body", TooLarge);
        foreach (var (key, values) in request.Query)
            if (Fault(key, values) is { } reason)
                return (key, reason);
        if (request.HasJsonContentType() && request.ContentLength is not 0)
        {
            request.EnableBuffering();
            try
            {
                // Read at most one byte over the limit (a body without Content-Length included), then parse from memory.
                var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
                {
                    buffer.Write(chunk, 0, read);
                    if (buffer.Length > MaxJsonBytes) return ("body", TooLarge);
                }
                using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
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
        var nodes = 0;
        while (pending.TryPop(out var item))
        {
            if (++nodes > MaxJsonNodes) return ("body", TooLarge);
            var (element, pointer) = item;
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    if ((Text(element, out var value) ?? Fault(value)) is { } reason) return (Field(pointer), reason);
                    break;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (Name(property) is not { } name) return (Field(pointer + "/?"), "Input.Invalid.Surrogate");
                        var child = pointer + "/" + name.Replace("~", "~0").Replace("/", "~1");
                        if (Fault(name) is { } bad) return (Field(child), bad);
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

    /// <summary>A property's name, or null when it holds an escaped lone surrogate (which no .NET string may be made of).</summary>
    private static string? Name(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

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
