using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Marketplace.Provisioning.Configuration;

/// <summary>
/// The "email" and "idn-email" formats of tenant configuration schemas: an RFC 5321 mailbox (dot-atom or quoted local
/// part, at most 64 characters; a host name of at most 255 or an address literal), the domain in IDNA form first.
/// JsonSchema.Net's own check matches with 200 and 250 ms timeouts and calls an address invalid when one runs out, so
/// on a busy server a valid contact address was refused now and then (a CI run saw it); this check has no clock.
/// Its expressions run without backtracking, in time linear in the input.
/// </summary>
public static partial class EmailFormat
{
    private const int MaxLocalPart = 64;
    private const int MaxDomain = 255;

    /// <summary>The two formats, for the evaluation options: looked up there before the library's own.</summary>
    public static FormatRegistry Registry { get; } = Create();

    private static FormatRegistry Create()
    {
        var registry = new FormatRegistry();
        registry.Register(new PredicateFormat("email", e => e.ValueKind != JsonValueKind.String || IsValid(e.GetString()!, international: false)));
        registry.Register(new PredicateFormat("idn-email", e => e.ValueKind != JsonValueKind.String || IsValid(e.GetString()!, international: true)));
        return registry;
    }

    /// <param name="international">RFC 6531: the local part may hold characters beyond ASCII.</param>
    public static bool IsValid(string address, bool international)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1) return false;
        var local = address[..at];
        string domain;
        try
        {
            domain = address[(at + 1)..] is var d && d.StartsWith('[') ? d : new IdnMapping().GetAscii(d);
        }
        catch (ArgumentException)
        {
            return false;
        }
        return local.Length <= MaxLocalPart && domain.Length <= MaxDomain && Domain().IsMatch(domain)
            && (international ? InternationalLocalPart() : LocalPart()).IsMatch(local);
    }

    // RFC 5321 §4.1.2: a Dot-string (atoms of atext joined by single dots) or a Quoted-string (printable ASCII, \ escapes).
    [GeneratedRegex("""^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*|"(?:[\x20\x21\x23-\x5B\x5D-\x7E]|\\[\x20-\x7E])*")\z""",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex LocalPart();

    // The same with UTF-8 beyond ASCII in atoms and quoted strings (RFC 6531 §3.3).
    [GeneratedRegex("""^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+)*|"(?:[\x20\x21\x23-\x5B\x5D-\x7E\u0080-\uFFFF]|\\[\x20-\x7E])*")\z""",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex InternationalLocalPart();

    // Host names of letter-digit-hyphen labels (no hyphen at either end, at most 63 characters) with a top-level label of
    // letters (IDNA's xn-- too), or an address literal: [IPv4] or [IPv6:...].
    [GeneratedRegex("""^(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})|\[(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[Ii][Pp][Vv]6:[0-9A-Fa-f:.]+)\])\z""",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Domain();
}
