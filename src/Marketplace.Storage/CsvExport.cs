using System.Globalization;
using System.Text;

namespace Marketplace.Storage;

/// <summary>
/// The one way every export writes CSV: RFC 4180 quoting, CRLF, and a cell a spreadsheet would run as a formula
/// (=, +, -, @, tab or CR first) gets a leading apostrophe, since names, reasons and answers are typed by other tenants.
/// <see cref="Write"/> is CSV as German spreadsheets open it: UTF-8 with byte order mark and semicolons.
/// </summary>
public static class CsvExport
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static byte[] Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows) =>
        [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Text(header, rows))];

    /// <summary>The rows as text, without byte order mark.</summary>
    public static string Text(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows, char delimiter = ';')
    {
        var text = new StringBuilder();
        text.Append(Line(header, delimiter)).Append("\r\n");
        foreach (var row in rows) text.Append(Line(row, delimiter)).Append("\r\n");
        return text.ToString();
    }

    /// <summary>One record, without line end.</summary>
    public static string Line(IEnumerable<string?> cells, char delimiter) => string.Join(delimiter, cells.Select(c => Cell(c, delimiter)));

    /// <summary>One cell: neutralised if a spreadsheet would read it as a formula, quoted if it holds a separator, quote, line break or edge space.</summary>
    public static string Cell(string? value, char delimiter)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        var quote = value.IndexOfAny([delimiter, '"', '\r', '\n']) >= 0 || value[0] == ' ' || value[^1] == ' ';
        return quote ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    /// <summary>An amount in cents as German spreadsheets read a decimal: "1234,50".</summary>
    public static string Euros(long cents) => (cents / 100m).ToString("0.00", CultureInfo.GetCultureInfo("de-DE"));
}
