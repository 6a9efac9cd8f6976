using System.Text;
using System.Text.RegularExpressions;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Infra.Tests;

/// <summary>
/// Module boundaries in SQL: a module's statements name only the tables it owns (<see cref="TableOwners"/>), and they
/// live in the module's <c>*Sql</c> classes. The SQL is read from the string literals of each project under src/.
/// </summary>
public partial class ModuleSqlTests
{
    private static string Src => Path.Combine(RepoPaths.Root, "src");

    [Test]
    public void Every_table_the_migrations_create_has_exactly_one_owner()
    {
        var tables = MigratedTables();
        var owned = TableOwners.ByModule.SelectMany(m => m.Value).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(tables, Has.Count.GreaterThan(50));
            Assert.That(tables.Except(owned, StringComparer.OrdinalIgnoreCase), Is.Empty, "tables without an owner in TableOwners");
            Assert.That(owned.Except(tables, StringComparer.OrdinalIgnoreCase), Is.Empty, "owners named for tables no migration leaves");
            Assert.That(owned.GroupBy(t => t, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty,
                "tables with two owners");
        });
    }

    [Test]
    public void A_module_names_only_the_tables_it_owns()
    {
        var tables = MigratedTables();
        var crossings = Statements()
            .SelectMany(s => TablesNamedIn(s.Text).Where(tables.Contains)
                .Select(t => (Statement: s, Table: t, Owner: TableOwners.OwnerOf(t)!))
                .Where(c => c.Owner != s.Module))
            .Select(c => $"{c.Statement.Module} names {c.Table} (owned by {c.Owner}) at {c.Statement.Where}: {c.Statement.Excerpt}")
            .Distinct().ToList();
        foreach (var c in crossings) TestContext.Out.WriteLine(c);
        Assert.That(crossings, Is.Empty, "read through the owner's published interface, write through its service");
    }

    [Test]
    public void A_module_keeps_its_sql_in_its_Sql_classes()
    {
        // Storage is the hosts' infrastructure, not a module: its one statement (the key ring) stays beside its code.
        var stray = Statements().Where(s => s.Module != "Storage" && !Path.GetFileNameWithoutExtension(s.File).EndsWith("Sql", StringComparison.Ordinal))
            .Where(s => TablesNamedIn(s.Text).Any(MigratedTables().Contains)).ToList();
        foreach (var s in stray) TestContext.Out.WriteLine($"{s.Where}: {s.Excerpt}");
        Assert.That(stray.Select(s => $"{s.Module}/{s.File}").Distinct(), Is.Empty, "move the statement into the module's *Sql class");
    }

    [Test]
    public void The_scanner_finds_tables_after_each_keyword_and_in_comma_joins()
    {
        Assert.That(TablesNamedIn("SELECT x FROM offerings o, vendors v JOIN plans p ON 1=1 WHERE EXISTS (SELECT 1 FROM subscriptions)"),
            Is.EquivalentTo(new[] { "offerings", "vendors", "plans", "subscriptions" }));
        Assert.That(TablesNamedIn("INSERT INTO \"AspNetUsers\" (id) VALUES (1); UPDATE orders SET x = 1; DELETE FROM rollouts"),
            Is.EquivalentTo(new[] { "AspNetUsers", "orders", "rollouts" }));
        Assert.That(TablesNamedIn("Sent from offerings you follow"), Is.Empty, "keywords are upper case in SQL, prose is not");
        Assert.That(Literals("var a = \"x\"; // \"FROM y\"\nvar b = @\"FROM \"\"z\"\"\"; var c = '\"'; var d = \"\"\"\n  FROM t \"q\"\n  \"\"\";")
                .Select(l => l.Text),
            Is.EqualTo(new[] { "x", "FROM \"\"z\"\"", "\n  FROM t \"q\"\n  " }));
    }

    public sealed record Statement(string Module, string File, int Line, string Text)
    {
        public string Where => $"src/Marketplace.{Module}/{File}:{Line}";
        public string Excerpt => Whitespace().Replace(Text, " ").Trim() is var t && t.Length > 100 ? t[..100] + "…" : t;
    }

    /// <summary>Every string literal of src/Marketplace.*/**/*.cs that names a table, by project (the module).</summary>
    public static List<Statement> Statements() =>
        Directory.GetDirectories(Src, "Marketplace.*").SelectMany(dir =>
        {
            var module = Path.GetFileName(dir)["Marketplace.".Length..];
            return Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                            !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
                .SelectMany(f => Literals(File.ReadAllText(f))
                    .Where(l => TablesNamedIn(l.Text).Count > 0)
                    .Select(l => new Statement(module, Path.GetRelativePath(dir, f).Replace('\\', '/'), l.Line, l.Text)));
        }).ToList();

    /// <summary>Tables the migrations leave, in the order they run (SQLite's; a test keeps the engines equal).</summary>
    public static HashSet<string> MigratedTables()
    {
        var tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.GetFiles(Path.Combine(Src, "Marketplace.Storage", "Migrations", "Sqlite"), "*.sql").Order(StringComparer.Ordinal))
            foreach (Match m in TableDdl().Matches(File.ReadAllText(file)))
                if (m.Groups[1].Value.Equals("CREATE", StringComparison.OrdinalIgnoreCase)) tables.Add(m.Groups[2].Value);
                else tables.Remove(m.Groups[2].Value);
        return tables;
    }

    /// <summary>The names after FROM, JOIN, INTO, UPDATE, TABLE and USING, and the further tables of a comma join.</summary>
    public static List<string> TablesNamedIn(string sql) =>
        TableReference().Matches(sql).SelectMany(m => new[] { m.Groups["t"].Value }.Concat(m.Groups["more"].Captures.Select(c => c.Value))).ToList();

    /// <summary>The string literals of C# source with the line each starts on: regular, verbatim, raw, interpolated.</summary>
    public static IEnumerable<(int Line, string Text)> Literals(string source)
    {
        var i = 0;
        var line = 1;
        while (i < source.Length)
        {
            var c = source[i];
            if (c == '\n') { line++; i++; }
            else if (c == '/' && At(source, i + 1, '/')) i = Skip(source, i, source.IndexOf('\n', i) is var e and >= 0 ? e : source.Length, ref line);
            else if (c == '/' && At(source, i + 1, '*')) i = Skip(source, i, source.IndexOf("*/", i + 2, StringComparison.Ordinal) + 2, ref line);
            else if (c == '\'')
            {
                var end = i + 1;
                if (At(source, end, '\\')) end++;
                end = source.IndexOf('\'', end + 1);
                i = end + 1;
            }
            else if (c == '"' || ((c == '$' || c == '@') && PrefixedQuote(source, i) is > 0))
            {
                var verbatim = false;
                while (source[i] != '"') { verbatim |= source[i] == '@'; i++; }
                var quotes = 0;
                while (At(source, i + quotes, '"')) quotes++;
                var sb = new StringBuilder();
                var startLine = line;
                if (quotes >= 3)
                {
                    var fence = new string('"', quotes);
                    var close = source.IndexOf(fence, i + quotes, StringComparison.Ordinal);
                    sb.Append(source, i + quotes, close - i - quotes);
                    i = Skip(source, i, close + quotes, ref line);
                }
                else
                {
                    i++;
                    while (i < source.Length)
                    {
                        if (verbatim && source[i] == '"' && At(source, i + 1, '"')) { sb.Append("\"\""); i += 2; continue; }
                        if (source[i] == '"') { i++; break; }
                        if (!verbatim && source[i] == '\\') { sb.Append(source, i, 2); i += 2; continue; }
                        if (source[i] == '\n') line++;
                        sb.Append(source[i++]);
                    }
                }
                yield return (startLine, sb.ToString());
            }
            else i++;
        }
    }

    private static bool At(string s, int i, char c) => i < s.Length && s[i] == c;

    /// <summary>The length of a $, @, $@, @$ or $$ prefix before a quote at <paramref name="i"/>, or 0.</summary>
    private static int PrefixedQuote(string s, int i)
    {
        if (i > 0 && (char.IsLetterOrDigit(s[i - 1]) || s[i - 1] == '_')) return 0;
        var j = i;
        while (j < s.Length && (s[j] == '$' || s[j] == '@')) j++;
        return At(s, j, '"') ? j - i : 0;
    }

    private static int Skip(string s, int from, int to, ref int line)
    {
        for (var k = from; k < to; k++) if (s[k] == '\n') line++;
        return to;
    }

    [GeneratedRegex(@"\b(CREATE|DROP)\s+TABLE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?""?(\w+)""?", RegexOptions.IgnoreCase)]
    private static partial Regex TableDdl();

    [GeneratedRegex(@"\b(?:FROM|JOIN|INTO|UPDATE|TABLE|USING)\s+""?(?<t>\w+)""?(?:(?:\s+(?:AS\s+)?[a-z_][a-z0-9_]*)?\s*,\s*""?(?<more>\w+)""?)*")]
    private static partial Regex TableReference();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
