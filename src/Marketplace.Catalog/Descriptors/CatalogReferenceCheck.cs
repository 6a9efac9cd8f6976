using Marketplace.Catalog.BackOffice;
using Json.Schema;
using System.Text.Json;

namespace Marketplace.Catalog.Descriptors;

/// <summary>What an offering descriptor may refer to: the ids that exist.</summary>
public sealed record OfferingReferences(
    IReadOnlySet<string> Vendors, IReadOnlySet<string> Leistungen, IReadOnlySet<string> Laender, IReadOnlySet<(string Standard, string Version)> StandardVersions)
{
    /// <summary>The Fachverfahren reference data a back-office declaration refers to.</summary>
    public BackOfficeReference BackOffice { get; init; } = BackOfficeReference.Empty;

    /// <summary>The references as the catalogue import stored them, on the caller's connection and transaction.</summary>
    public static async Task<OfferingReferences> LoadAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx) => new(
        (await Dapper.SqlMapper.QueryAsync<string>(c, CatalogSql.VendorIds, transaction: tx)).ToHashSet(),
        (await Dapper.SqlMapper.QueryAsync<string>(c, CatalogSql.LeistungIds, transaction: tx)).ToHashSet(),
        (await Dapper.SqlMapper.QueryAsync<string>(c, CatalogSql.LandAbbreviations, transaction: tx)).ToHashSet(),
        (await Dapper.SqlMapper.QueryAsync<(string, string)>(c, CatalogSql.StandardVersionKeys, transaction: tx)).ToHashSet())
    {
        BackOffice = await BackOfficeReference.LoadAsync(c, tx),
    };
}

/// <summary>The import's reference check for one offering descriptor given as text (a vendor's upload or edit).</summary>
public static class OfferingReferenceCheck
{
    public static IReadOnlyList<CatalogError> Check(OfferingDescriptor offering, string displayPath, YamlDocument document, OfferingReferences references) =>
        CatalogReferenceCheck.CheckOffering(offering, displayPath, document, references);
}

/// <summary>Checks what a schema cannot: that every reference between descriptors resolves.</summary>
internal sealed class CatalogReferenceCheck(CatalogSnapshot? snapshot, List<CatalogError> errors, string root, Func<string, int>? lineOf = null)
{
    /// <summary>
    /// Checks one offering descriptor given as text (an upload) against the ids that exist, with the same rules as the
    /// catalogue import; line numbers come from <paramref name="document"/>.
    /// </summary>
    public static IReadOnlyList<CatalogError> CheckOffering(OfferingDescriptor offering, string displayPath, YamlDocument document, OfferingReferences references)
    {
        var errors = new List<CatalogError>();
        new CatalogReferenceCheck(null, errors, "", document.LineOf).CheckOffering(new Loaded<OfferingDescriptor>(offering, displayPath, ""),
            references.Vendors, references.Leistungen, references.Laender, references.StandardVersions, references.BackOffice);
        return errors;
    }

    public void Run()
    {
        var s = snapshot!;
        var laender = s.Laender.Select(l => l.Value.Abbreviation).ToHashSet();
        var themenfelder = s.Themenfelder.Select(t => t.Value.Id).ToHashSet();
        var lebenslagen = s.Lebenslagen.Select(l => l.Value.Id).ToHashSet();
        var leistungen = s.Leistungen.Select(l => l.Value.OzgId).ToHashSet();
        var vendors = s.Vendors.Select(v => v.Value.Id).ToHashSet();
        var standardVersions = s.Standards
            .SelectMany(st => st.Value.Versions.Select(v => (st.Value.Id, v.Version))).ToHashSet();

        foreach (var v in s.Vendors)
            if (v.Value.Logo is { } logo && VendorLogo.Problem(logo) is { } problem) Require(false, v.Path, "/logo", problem);

        foreach (var l in s.Lebenslagen)
            Require(themenfelder.Contains(l.Value.Themenfeld), l.Path, "/themenfeld", $"unknown Themenfeld '{l.Value.Themenfeld}'");

        var leikaSeen = new Dictionary<string, string>();
        foreach (var l in s.Leistungen)
        {
            Require(themenfelder.Contains(l.Value.Themenfeld), l.Path, "/themenfeld", $"unknown Themenfeld '{l.Value.Themenfeld}'");
            for (var i = 0; i < l.Value.Lebenslagen.Count; i++)
                Require(lebenslagen.Contains(l.Value.Lebenslagen[i]), l.Path, $"/lebenslagen/{i}", $"unknown Lebenslage '{l.Value.Lebenslagen[i]}'");
            for (var i = 0; i < l.Value.LeikaKeys.Count; i++)
            {
                var key = l.Value.LeikaKeys[i];
                if (leikaSeen.TryGetValue(key, out var other))
                    Require(false, l.Path, $"/leikaKeys/{i}", $"LeiKa key {key} is already used by {other}");
                else leikaSeen[key] = l.Path;
            }
        }

        foreach (var st in s.Standards)
        {
            var versions = new HashSet<string>();
            for (var i = 0; i < st.Value.Versions.Count; i++)
            {
                var v = st.Value.Versions[i];
                Require(versions.Add(v.Version), st.Path, $"/versions/{i}/version", $"version '{v.Version}' appears twice");
                Require(DateOnly.TryParseExact(v.PublishedOn, "yyyy-MM-dd", out _), st.Path, $"/versions/{i}/publishedOn", "must be a date YYYY-MM-DD");
                var criteria = new HashSet<string>();
                for (var c = 0; c < v.Criteria.Count; c++)
                    Require(criteria.Add(v.Criteria[c].Id), st.Path, $"/versions/{i}/criteria/{c}/id", $"criterion '{v.Criteria[c].Id}' appears twice");
            }
        }

        var backOffice = new BackOfficeReference(s.Schnittstellen.Select(i => i.Value), s.Fachverfahren.Select(a => a.Value));
        var productsSeen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in s.Fachverfahren)
            for (var p = 0; p < a.Value.Products.Count; p++)
            {
                var product = a.Value.Products[p];
                if (productsSeen.TryGetValue(product.Id, out var other))
                    Require(false, a.Path, $"/products/{p}/id", $"product '{product.Id}' is already listed in {other}");
                else productsSeen[product.Id] = a.Path;
                var versions = new HashSet<string>(StringComparer.Ordinal);
                for (var v = 0; v < product.Versions.Count; v++)
                {
                    Require(versions.Add(product.Versions[v].Version), a.Path, $"/products/{p}/versions/{v}/version", $"version '{product.Versions[v].Version}' appears twice");
                    for (var i = 0; i < product.Versions[v].Interfaces.Count; i++)
                    {
                        var receives = product.Versions[v].Interfaces[i];
                        var field = $"/products/{p}/versions/{v}/interfaces/{i}";
                        if (backOffice.Interface(receives.Interface) is not { } known)
                            Require(false, a.Path, field + "/interface", $"unknown interface standard '{receives.Interface}'");
                        else
                            foreach (var version in receives.Versions.Where(x => !known.Versions.Contains(x)))
                                Require(false, a.Path, field + "/versions", $"'{version}' is no version of {known.Name}");
                    }
                }
            }

        foreach (var o in s.Offerings) CheckOffering(o, vendors, leistungen, laender, standardVersions, backOffice);

        foreach (var b in s.Bundles)
        {
            Require(lebenslagen.Contains(b.Value.Lebenslage), b.Path, "/lebenslage", $"unknown Lebenslage '{b.Value.Lebenslage}'");
            for (var i = 0; i < b.Value.Leistungen.Count; i++)
                Require(leistungen.Contains(b.Value.Leistungen[i]), b.Path, $"/leistungen/{i}", $"unknown Leistung '{b.Value.Leistungen[i]}'");
        }
    }

    private void CheckOffering(Loaded<OfferingDescriptor> o, IReadOnlySet<string> vendors, IReadOnlySet<string> leistungen,
        IReadOnlySet<string> laender, IReadOnlySet<(string, string)> standardVersions, BackOfficeReference backOffice)
    {
        var v = o.Value;
        foreach (var (field, reason, code, args) in backOffice.Check(v)) Require(false, o.Path, field, reason, code, args);
        Require(vendors.Contains(v.Vendor), o.Path, "/vendor", $"unknown vendor '{v.Vendor}'");
        for (var i = 0; i < v.Leistungen.Count; i++)
            Require(leistungen.Contains(v.Leistungen[i]), o.Path, $"/leistungen/{i}", $"unknown Leistung '{v.Leistungen[i]}'");
        for (var i = 0; i < v.Laender.Count; i++)
            Require(v.Laender[i] == "*" || laender.Contains(v.Laender[i]), o.Path, $"/laender/{i}", $"unknown Land '{v.Laender[i]}'");
        Require(!(v.AllLaender && v.Laender.Count > 1), o.Path, "/laender", "'*' stands alone");
        for (var i = 0; i < v.Standards.Count; i++)
            Require(standardVersions.Contains((v.Standards[i].Standard, v.Standards[i].Version)), o.Path, $"/standards/{i}",
                $"unknown standard version '{v.Standards[i].Standard}' {v.Standards[i].Version}");

        var planIds = new HashSet<string>();
        for (var p = 0; p < v.Plans.Count; p++)
        {
            var plan = v.Plans[p];
            Require(planIds.Add(plan.Id), o.Path, $"/plans/{p}/id", $"plan '{plan.Id}' appears twice");
            var extras = new HashSet<string>();
            foreach (var (id, field) in plan.AddOnList.Select((a, i) => (a.Id, $"addOns/{i}"))
                         .Concat(plan.MeteredList.Select((m, i) => (m.Id, $"metered/{i}")))
                         .Concat(plan.SetupFeeList.Select((f, i) => (f.Id, $"setupFees/{i}"))))
                Require(extras.Add(id), o.Path, $"/plans/{p}/{field}/id", $"extra '{id}' appears twice in the plan");
            // A price item's VAT treatment must be one an e-invoice receiver accepts (EN 16931); the seller's registration is the platform's to check at start-up.
            foreach (var (vat, field) in plan.AddOnList.Select((a, i) => (a.Vat, $"addOns/{i}"))
                         .Concat(plan.MeteredList.Select((m, i) => (m.Vat, $"metered/{i}")))
                         .Concat(plan.SetupFeeList.Select((f, i) => (f.Vat, $"setupFees/{i}"))))
                if (vat is not null)
                    foreach (var problem in vat.ToTreatment().Problems())
                        Require(false, o.Path, $"/plans/{p}/{field}/vat", problem);
            for (var m = 0; m < plan.MeteredList.Count; m++)
            {
                var tiers = plan.MeteredList[m].Tiers;
                for (var t = 0; t < tiers.Count; t++)
                {
                    var last = t == tiers.Count - 1;
                    Require(last ? tiers[t].UpTo is null : tiers[t].UpTo is not null, o.Path, $"/plans/{p}/metered/{m}/tiers/{t}/upTo",
                        last ? "the last tier has no upper bound (upTo: null)" : "only the last tier may be unbounded");
                    if (t > 0 && tiers[t].UpTo is { } up && tiers[t - 1].UpTo is { } prev)
                        Require(up > prev, o.Path, $"/plans/{p}/metered/{m}/tiers/{t}/upTo", "tier bounds must rise");
                }
            }
        }

        if (v.Sla.StatusUrl is { } statusUrl)
        {
            var absolute = Uri.TryCreate(statusUrl, UriKind.Absolute, out var status) && status.Scheme is "https" or "http";
            Require(absolute, o.Path, "/sla/statusUrl", "an absolute http(s) URL is required", "descriptor.status-url-absolute");
            Require(status is null || status.UserInfo.Length == 0, o.Path, "/sla/statusUrl", "must not contain credentials: a status URL is public",
                "descriptor.status-url-credentials");
        }

        if (v.Provisioning.Type == "osb")
        {
            if (v.Provisioning.BrokerConnection is null)
            {
                Require(Uri.TryCreate(v.Provisioning.BrokerUrl, UriKind.Absolute, out var brokerUrl), o.Path, "/provisioning/brokerUrl",
                    "an absolute broker URL (or a brokerConnection) is required");
                // A password in a descriptor would be stored, shown and compared in clear: credentials live in a broker connection.
                Require(brokerUrl is null || brokerUrl.UserInfo.Length == 0, o.Path, "/provisioning/brokerUrl",
                    "must not contain credentials; name a brokerConnection whose secrets the platform keeps encrypted");
            }
            Require(Guid.TryParse(v.Provisioning.ServiceId, out _), o.Path, "/provisioning/serviceId", "a service id (UUID) is required");
            foreach (var plan in v.Plans)
                Require(v.Provisioning.PlanIds?.ContainsKey(plan.Id) == true, o.Path, "/provisioning/planIds", $"no broker plan id for plan '{plan.Id}'");
        }

        // The tenant configuration schema must itself be a valid JSON Schema, or no order form can be built from it.
        try
        {
            var meta = MetaSchemas.Draft202012.Evaluate(JsonSerializer.SerializeToElement(v.TenantConfigSchema));
            Require(meta.IsValid, o.Path, "/tenantConfigSchema", "is not a valid JSON Schema (draft 2020-12)");
            // Built as every order form builds it: a pattern the linear-time engine cannot run is refused here, with the reason.
            if (meta.IsValid) JsonSchema.Build(JsonSerializer.SerializeToElement(v.TenantConfigSchema), LinearTimePatterns.BuildOptions());
        }
        catch (Exception e) when (e is JsonSchemaException or ArgumentException or InvalidOperationException or JsonException)
        {
            Require(false, o.Path, "/tenantConfigSchema", $"is not a valid JSON Schema: {e.Message}");
        }
    }

    private void Require(bool ok, string path, string field, string reason, string? code = null, params string[] args)
    {
        if (ok) return;
        if (lineOf is not null)
        {
            errors.Add(new CatalogError(path, field, lineOf(field), reason) { Code = code, Args = args });
            return;
        }
        // Line numbers come from re-reading the file only when there is an error to report.
        var line = 0;
        try
        {
            var full = Path.Combine(root, Path.GetRelativePath("catalog", path));
            line = YamlDocument.Parse(File.ReadAllText(full)).LineOf(field);
        }
        catch (Exception e) when (e is IOException or DescriptorException) { }
        errors.Add(new CatalogError(path, field, line, reason) { Code = code, Args = args });
    }
}
