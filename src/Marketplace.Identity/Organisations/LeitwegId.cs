using System.Text.RegularExpressions;

namespace Marketplace.Identity.Organisations;

/// <summary>
/// The Leitweg-ID (KoSIT specification 2.0): Grobadressierung of 2 to 12 digits, an optional Feinadressierung of up to 30
/// letters and digits, and two check digits by ISO/IEC 7064 MOD 97-10 over the two parts without hyphens, letters counted
/// A = 10 to Z = 35. A receiver's routing fails on a wrong check digit, so an ID that does not check out is refused at input.
/// </summary>
public static partial class LeitwegId
{
    public static bool IsValid(string? id)
    {
        var m = Shape().Match(id ?? "");
        return m.Success && CheckDigits(m.Groups["coarse"].Value + m.Groups["fine"].Value) == m.Groups["check"].Value;
    }

    /// <summary>The two check digits for the digits and letters before them: 98 minus (value × 100) mod 97.</summary>
    public static string CheckDigits(string addressing)
    {
        var remainder = 0;
        foreach (var ch in addressing.ToUpperInvariant() + "00")
        {
            if (char.IsAsciiDigit(ch)) remainder = (remainder * 10 + (ch - '0')) % 97;
            else if (char.IsAsciiLetterUpper(ch)) remainder = (remainder * 100 + (ch - 'A' + 10)) % 97;
            else throw new ArgumentException($"A Leitweg-ID has digits and letters only, not '{ch}'.", nameof(addressing));
        }
        return (98 - remainder).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^(?<coarse>\d{2,12})(?:-(?<fine>[A-Za-z0-9]{1,30}))?-(?<check>\d{2})$")]
    private static partial Regex Shape();
}
