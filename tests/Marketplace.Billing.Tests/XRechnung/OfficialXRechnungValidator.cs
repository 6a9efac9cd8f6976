using System.Diagnostics;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Marketplace.Billing.XRechnung;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Billing.Tests.XRechnung;

/// <summary>One finding of the official validation: the schema, or a failed assert of the EN 16931 or XRechnung rules.</summary>
public sealed record OfficialFinding(string Document, string Source, string Rule, string Flag, string Location, string Text)
{
    /// <summary>A receiver rejects the document for this finding (schema error, or an assert flagged fatal or error).</summary>
    public bool Rejects => Flag is "fatal" or "error";

    public override string ToString() => $"{Document}: {Source} {Rule} [{Flag}] at {Location}: {Text}";
}

/// <summary>
/// Validates documents as an XRechnung receiver (the KoSIT validator) does, with the official artefacts in
/// ../shared/xrechnung: the OASIS UBL 2.1 XML Schema, then the compiled EN 16931 and XRechnung 3.0.2 Schematron rules run
/// by Saxon-HE, with the KoSIT scenario's level changes for XRechnung 3.0 documents. Saxon runs once per stylesheet for a
/// whole folder of documents, so the JVM starts twice per call however many documents there are.
/// </summary>
public static class OfficialXRechnungValidator
{
    private static readonly XNamespace Svrl = "http://purl.oclc.org/dsdl/svrl";
    private static readonly XNamespace CreditNoteNs = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
    private const string SaxonJar = "/usr/share/java/Saxon-HE.jar";

    public static string Folder => Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "xrechnung"));

    /// <summary>
    /// The artefacts and Saxon with a JRE. Outside CI a missing one ignores the test (with the reason); under CI it fails,
    /// since CI installs Saxon and always has ../shared.
    /// </summary>
    public static void Require()
    {
        string? missing = null;
        if (!File.Exists(Path.Combine(Folder, "ubl-2.1-xsd", "maindoc", "UBL-Invoice-2.1.xsd"))) missing = $"{Folder} (the official XRechnung artefacts)";
        else if (!File.Exists(SaxonJar)) missing = $"{SaxonJar} (apt-get install libsaxonhe-java)";
        else if (!CanRunJava()) missing = "java (apt-get install default-jre-headless)";
        if (missing is null) return;
        if (TestDatabase.IsCi) Assert.Fail($"{missing} is missing; CI installs it.");
        // Outside CI only (under CI the line above fails instead): a developer machine without a JRE or ../shared still runs the rest of the suite.
        Assert.Ignore($"{missing} is not here.");
    }

    private static bool CanRunJava()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("java", "-version") { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }

    private static readonly Lazy<XmlSchemaSet> Schemas = new(() =>
    {
        var set = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = new XmlUrlResolver() };
        foreach (var main in new[] { "UBL-Invoice-2.1.xsd", "UBL-CreditNote-2.1.xsd" })
        {
            var path = Path.Combine(Folder, "ubl-2.1-xsd", "maindoc", main);
            using var reader = XmlReader.Create(path, settings);
            set.Add(null, reader);
        }
        set.Compile();
        return set;
    });

    /// <summary>Schema errors and warnings of one document (an element the schema does not know counts).</summary>
    public static IReadOnlyList<OfficialFinding> ValidateSchema(string name, XDocument xml)
    {
        var findings = new List<OfficialFinding>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Schemas.Value };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) => findings.Add(new OfficialFinding(name, "XSD", "schema", "error",
            $"line {e.Exception?.LineNumber}", $"{e.Severity}: {e.Message}"));
        using var reader = XmlReader.Create(new StringReader(xml.ToString()), settings);
        while (reader.Read()) { }
        return findings;
    }

    /// <summary>Every finding for every document (keyed by a file-safe name): schema, EN 16931 and XRechnung rules.</summary>
    public static IReadOnlyList<OfficialFinding> Validate(IReadOnlyDictionary<string, XDocument> documents)
    {
        Require();
        var findings = new List<OfficialFinding>();
        foreach (var (name, xml) in documents) findings.AddRange(ValidateSchema(name, xml));

        var work = Directory.CreateTempSubdirectory("xrechnung-");
        try
        {
            var input = work.CreateSubdirectory("in");
            foreach (var (name, xml) in documents) xml.Save(Path.Combine(input.FullName, name + ".xml"));
            foreach (var (source, stylesheet) in new[]
                     {
                         ("EN16931", Path.Combine(Folder, "en16931", "EN16931-UBL-validation.xslt")),
                         ("XRechnung", Path.Combine(Folder, "xrechnung", "XRechnung-UBL-validation.xsl")),
                     })
            {
                var output = work.CreateSubdirectory(source);
                RunSaxon(input.FullName, stylesheet, output.FullName);
                foreach (var (name, xml) in documents)
                {
                    var report = Path.Combine(output.FullName, name + ".xml");
                    Assert.That(File.Exists(report), $"Saxon wrote no {source} report for {name}");
                    findings.AddRange(Failures(name, source, XDocument.Load(report), IsXRechnung30(xml)));
                }
            }
        }
        finally { work.Delete(recursive: true); }
        return findings;
    }

    private static bool IsXRechnung30(XDocument xml) =>
        xml.Root?.Element(XRechnungWriter.Cbc + "CustomizationID")?.Value.Trim() == XRechnungWriter.CustomizationId;

    /// <summary>Failed asserts (and reports) with their flag, after the KoSIT scenario's level changes for XRechnung 3.0.</summary>
    private static IEnumerable<OfficialFinding> Failures(string name, string source, XDocument svrl, bool xrechnung30) =>
        svrl.Descendants().Where(e => e.Name == Svrl + "failed-assert" || e.Name == Svrl + "successful-report").Select(e =>
        {
            var rule = (string?)e.Attribute("id") ?? "?";
            var flag = (string?)e.Attribute("flag") ?? "error";
            if (xrechnung30 && rule is "BR-CL-21" or "BR-CL-23") flag = "warning";
            if (xrechnung30 && rule == "UBL-CR-646") flag = "error";
            return new OfficialFinding(name, source, rule, flag, (string?)e.Attribute("location") ?? "",
                e.Element(Svrl + "text")?.Value.Trim() ?? "");
        });

    private static void RunSaxon(string input, string stylesheet, string output)
    {
        var start = new ProcessStartInfo("java") { RedirectStandardError = true, RedirectStandardOutput = true };
        // A JVM that lives seconds: the quick compiler only and one GC thread. Measured on this machine, the two runs of a
        // call took 5.4 CPU-seconds instead of 9.2.
        foreach (var a in new[] { "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", SaxonJar, "net.sf.saxon.Transform", $"-s:{input}", $"-xsl:{stylesheet}", $"-o:{output}" })
            start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.Zero, $"Saxon failed on {stylesheet}: {stderr.Result}");
    }

    /// <summary>The document kind by its root: UBL Invoice or CreditNote.</summary>
    public static bool IsCreditNote(XDocument xml) => xml.Root?.Name.Namespace == CreditNoteNs;
}
