using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Marketplace.Catalog.Municipalities;

/// <summary>A municipality (Satzart 60) of the Destatis Gemeindeverzeichnis.</summary>
public sealed record Municipality(string Ags, string Ars, string Name, string LandCode, string KreisKey, int Population, string PostalCode);

/// <summary>A regional unit above the municipality: Land (10), Regierungsbezirk (20), Region (30), Kreis (40), Gemeindeverband (50).</summary>
public sealed record RegionalUnit(string RegionalKey, int Satzart, string Name);

/// <summary>One line of the export that cannot be read, with the field at fault.</summary>
public sealed record GvIsysError(int Line, string Field, string Reason)
{
    public override string ToString() => $"line {Line}: {Field}: {Reason}";
}

public sealed record GvIsysDirectory(IReadOnlyList<RegionalUnit> Units, IReadOnlyList<Municipality> Municipalities, IReadOnlyList<GvIsysError> Errors);

/// <summary>
/// Reads the Destatis GV-ISys "AuszugGV" export in its CSV form (all record types). The keys are
/// assembled as the directory defines them: AGS = Land+RB+Kreis+Gemeinde, ARS = Land+RB+Kreis+VB+Gemeinde.
/// </summary>
public static class GvIsysReader
{
    public static GvIsysDirectory Read(TextReader text)
    {
        var units = new List<RegionalUnit>();
        var municipalities = new List<Municipality>();
        var errors = new List<GvIsysError>();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.None, BadDataFound = null, MissingFieldFound = null };
        using var csv = new CsvReader(text, config);
        if (!csv.Read() || !csv.ReadHeader())
        {
            errors.Add(new GvIsysError(1, "header", "the file is empty"));
            return new GvIsysDirectory(units, municipalities, errors);
        }
        var header = csv.HeaderRecord!.Select(h => h.Trim().TrimStart('\uFEFF')).ToArray();
        foreach (var required in new[] { "satzart", "land", "rb", "kreis", "vb", "gemeinde", "gemeindename", "bevoelkerung", "postleitzahl" })
            if (!header.Contains(required)) errors.Add(new GvIsysError(1, required, "column missing in the header"));
        if (errors.Count > 0) return new GvIsysDirectory(units, municipalities, errors);
        int Col(string name) => Array.IndexOf(header, name);
        int cSatz = Col("satzart"), cLand = Col("land"), cRb = Col("rb"), cKreis = Col("kreis"), cVb = Col("vb"),
            cGem = Col("gemeinde"), cName = Col("gemeindename"), cPop = Col("bevoelkerung"), cPlz = Col("postleitzahl");

        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            string F(int i) => (csv.TryGetField<string>(i, out var v) ? v : null)?.Trim() ?? "";
            var satzart = F(cSatz);
            var land = F(cLand);
            var name = F(cName);
            var before = errors.Count;
            void Need(bool ok, string field, string reason) { if (!ok) errors.Add(new GvIsysError(line, field, reason)); }

            Need(Digits(land, 2), "land", $"'{land}' is not a two-digit Land code");
            Need(name.Length > 0, "gemeindename", "name missing");
            switch (satzart)
            {
                case "10":
                    if (errors.Count == before) units.Add(new RegionalUnit(land, 10, name));
                    break;
                case "20":
                    Need(Digits(F(cRb), 1), "rb", "Regierungsbezirk must be one digit");
                    if (errors.Count == before) units.Add(new RegionalUnit(land + F(cRb), 20, name));
                    break;
                case "30":
                    Need(Digits(F(cRb), 1), "rb", "Regierungsbezirk must be one digit");
                    Need(Digits(F(cKreis), 1), "kreis", "Region must be one digit");
                    if (errors.Count == before) units.Add(new RegionalUnit(land + F(cRb) + F(cKreis), 30, name));
                    break;
                case "40":
                    Need(Digits(F(cRb), 1), "rb", "Regierungsbezirk must be one digit");
                    Need(Digits(F(cKreis), 2), "kreis", "Kreis must be two digits");
                    if (errors.Count == before) units.Add(new RegionalUnit(land + F(cRb) + F(cKreis), 40, name));
                    break;
                case "50":
                    Need(Digits(F(cRb), 1), "rb", "Regierungsbezirk must be one digit");
                    Need(Digits(F(cKreis), 2), "kreis", "Kreis must be two digits");
                    Need(Digits(F(cVb), 4), "vb", "Gemeindeverband must be four digits");
                    if (errors.Count == before) units.Add(new RegionalUnit(land + F(cRb) + F(cKreis) + F(cVb), 50, name));
                    break;
                case "60":
                    var (rb, kreis, vb, gem) = (F(cRb), F(cKreis), F(cVb), F(cGem));
                    Need(Digits(rb, 1), "rb", "Regierungsbezirk must be one digit");
                    Need(Digits(kreis, 2), "kreis", "Kreis must be two digits");
                    Need(Digits(vb, 4), "vb", "Gemeindeverband must be four digits");
                    Need(Digits(gem, 3), "gemeinde", "Gemeinde must be three digits");
                    var population = ParsePopulation(F(cPop));
                    Need(population is not null, "bevoelkerung", $"'{F(cPop)}' is not a number");
                    var plz = F(cPlz);
                    Need(plz.Length == 0 || Digits(plz, 5), "postleitzahl", $"'{plz}' is not a postal code");
                    if (errors.Count == before)
                        municipalities.Add(new Municipality(land + rb + kreis + gem, land + rb + kreis + vb + gem, name, land,
                            land + rb + kreis, population!.Value, plz));
                    break;
                default:
                    Need(false, "satzart", $"unknown record type '{satzart}'");
                    break;
            }
        }
        return new GvIsysDirectory(units, municipalities, errors);
    }

    public static GvIsysDirectory ReadFile(string path)
    {
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader);
    }

    private static bool Digits(string s, int length) => s.Length == length && s.All(char.IsAsciiDigit);

    /// <summary>Population is printed with spaces as thousands separators; uninhabited areas have none.</summary>
    private static int? ParsePopulation(string s)
    {
        var compact = s.Replace(" ", "").Replace("\u00A0", "");
        if (compact.Length == 0) return 0;
        return int.TryParse(compact, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
