using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Json.Schema.Keywords;

namespace Marketplace.Catalog.Descriptors;

/// <summary>
/// How a vendor's tenant configuration schema is built, at import and for every order form: its <c>pattern</c> and
/// <c>patternProperties</c> regular expressions run on .NET's non-backtracking engine, whose time grows linearly with the
/// input. JsonSchema.Net compiles them for the backtracking engine without a time limit, so a vendor's "^(a+)+$" let one
/// 30-character configuration value hold a server thread for seconds, and a few more characters for hours.
/// Patterns the linear engine cannot run (backreferences, lookarounds, atomic groups) are refused at import with the
/// reason. \d and \w keep ECMAScript's ASCII meaning (<see cref="AsciiClasses"/>).
/// </summary>
public static class LinearTimePatterns
{
    private const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    private static readonly IKeywordHandler[] Handlers = [new LinearPattern(), new LinearPatternProperties()];

    // Every dialect a schema may name with $schema gets the same handlers: naming draft-07 must not bring the old engine back.
    // The default (no $schema) is the last, 2020-12.
    private static readonly Dialect[] Dialects =
        [.. new[] { Dialect.Draft06, Dialect.Draft07, Dialect.Draft201909, Dialect.V1, Dialect.V1_2026, Dialect.Draft202012 }.Select(d => d.With(Handlers, d.Id, d.RefIgnoresSiblingKeywords, d.AllowUnknownKeywords))];

    /// <summary>Options for building one vendor schema: linear-time patterns, and a registry of its own (no $id resolves another's).</summary>
    public static BuildOptions BuildOptions()
    {
        var dialects = new DialectRegistry();
        foreach (var d in Dialects) dialects.Register(d);
        return new BuildOptions { SchemaRegistry = new SchemaRegistry(), DialectRegistry = dialects, Dialect = Dialects[^1] };
    }

    /// <summary>A pattern compiled for the linear engine; a construct it cannot run is a schema error that names the pattern.</summary>
    private static Regex Compile(string pattern)
    {
        try
        {
            return new Regex(AsciiClasses(pattern), Options);
        }
        catch (NotSupportedException e)
        {
            throw new JsonSchemaException($"pattern '{pattern}' uses a construct that cannot be matched in linear time (backreference, lookaround or atomic group): {e.Message}");
        }
    }

    /// <summary>
    /// \d and \w as ECMAScript (JSON Schema's regex dialect) means them, ASCII only: .NET's engine without its ECMAScript
    /// option, which the linear engine does not take, would let "٣" pass as a digit of a postcode. Inside a character class
    /// the range goes in without brackets; \D and \W inside a class are left to .NET's meaning (rare, and only wider).
    /// </summary>
    private static string AsciiClasses(string pattern)
    {
        var result = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[++i];
                result.Append((next, inClass) switch
                {
                    ('d', false) => "[0-9]", ('D', false) => "[^0-9]", ('w', false) => "[a-zA-Z0-9_]", ('W', false) => "[^a-zA-Z0-9_]",
                    ('d', true) => "0-9", ('w', true) => "a-zA-Z0-9_",
                    _ => "\\" + next,
                });
                continue;
            }
            if (c == '[' && !inClass) inClass = true;
            else if (c == ']' && inClass) inClass = false;
            result.Append(c);
        }
        return result.ToString();
    }

    private sealed class LinearPattern : PatternKeyword
    {
        public override object? ValidateKeywordValue(JsonElement value) =>
            value.ValueKind is JsonValueKind.String ? Compile(value.GetString()!) : base.ValidateKeywordValue(value);
    }

    private sealed class LinearPatternProperties : PatternPropertiesKeyword
    {
        public override object? ValidateKeywordValue(JsonElement value)
        {
            base.ValidateKeywordValue(value); // the library's checks of the keyword's shape
            return value.EnumerateObject().ToDictionary(p => p.Name, p => Compile(p.Name));
        }
    }
}
