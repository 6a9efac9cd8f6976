using System.Text;
using Marketplace.Storage;
using NUnit.Framework;

namespace Marketplace.Storage.Tests;

public class CsvExportTests
{
    private static string Text(byte[] bytes)
    {
        Assert.That(bytes[..3], Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "UTF-8 byte order mark for Excel");
        return Encoding.UTF8.GetString(bytes[3..]);
    }

    [Test]
    public void Cells_with_separators_quotes_and_line_breaks_are_quoted_as_RFC_4180_says()
    {
        var csv = Text(CsvExport.Write(["a", "b"], [["eins;zwei", "sagt \"hallo\""], ["Zeile\nzwei", "Grüße"], [null, "plain"]]));
        Assert.That(csv, Is.EqualTo("a;b\r\n\"eins;zwei\";\"sagt \"\"hallo\"\"\"\r\n\"Zeile\nzwei\";Grüße\r\n;plain\r\n"));
    }

    [TestCase("=HYPERLINK(\"http://x\")")]
    [TestCase("+49 30 1234")]
    [TestCase("-1+1")]
    [TestCase("@SUM(A1)")]
    [TestCase("\t=1+1")]
    [TestCase("\r=1+1")]
    public void A_cell_a_spreadsheet_would_run_as_a_formula_starts_with_an_apostrophe(string cell)
    {
        var line = Text(CsvExport.Write(["x"], [[cell]])).Split("\r\n")[1];
        Assert.That(line.TrimStart('"'), Does.StartWith("'" + cell[0]));
        Assert.That(line.Contains(';'), Is.False);
    }

    [Test]
    public void Amounts_are_written_with_a_decimal_comma() => Assert.That(CsvExport.Euros(123450), Is.EqualTo("1234,50"));
}
