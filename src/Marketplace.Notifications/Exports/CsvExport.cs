using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Marketplace.Notifications.Exports;

/// <summary>
/// CSV as German spreadsheets open it: UTF-8 with byte order mark, semicolons, RFC 4180 quoting, CRLF. A cell a spreadsheet
/// would run as a formula (=, +, -, @, tab or CR first) gets a leading apostrophe: names and answers are typed by other tenants.
/// </summary>
public static class CsvExport
{
    public const string ContentType = "text/csv; charset=utf-8";

    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture)
    {
        Delimiter = ";", NewLine = "\r\n", InjectionOptions = InjectionOptions.Escape, InjectionEscapeCharacter = '\'',
        // RFC 4180: a bare line feed inside a cell needs quotes too (CsvHelper only looks for its configured newline).
        ShouldQuote = args => args.Field is { Length: > 0 } f && (f.IndexOfAny([';', '"', '\r', '\n']) >= 0 || f[0] == ' ' || f[^1] == ' '),
    };

    public static byte[] Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, Configuration))
        {
            foreach (var h in header) csv.WriteField(h);
            csv.NextRecord();
            foreach (var row in rows)
            {
                foreach (var cell in row) csv.WriteField(cell ?? "");
                csv.NextRecord();
            }
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    /// <summary>An amount in cents as German spreadsheets read a decimal: "1234,50".</summary>
    public static string Euros(long cents) => (cents / 100m).ToString("0.00", CultureInfo.GetCultureInfo("de-DE"));
}
