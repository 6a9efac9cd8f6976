using System.Text.Json;
using Dapper;
using Marketplace.Catalog.Descriptors;
using Marketplace.Storage;

namespace Marketplace.Catalog.Queries;

/// <summary>Reads the catalogue from the database.</summary>
public sealed class CatalogRepository(Database database)
{
    public async Task<long> RevisionAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(CatalogSql.Revision);
    }

    /// <summary>Every offering's name by id, retired ones included (their subscriptions and invoices still name them).</summary>
    public async Task<IReadOnlyDictionary<string, string>> OfferingNamesAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<(string Id, string Name)>(new CommandDefinition(CatalogSql.OfferingNames, cancellationToken: ct)))
            .ToDictionary(o => o.Id, o => o.Name);
    }

    /// <summary>
    /// The offering's lifecycle as it is now (null for an unknown offering): the in-memory catalogue follows a
    /// deprecation or retirement only at its next refresh, and no answer may call the offering active meanwhile.
    /// </summary>
    public async Task<string?> LifecycleAsync(string offeringId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await OrderabilityRule.LifecycleAsync(c, offeringId);
    }

    /// <summary>A vendor's name and VAT id as the catalogue lists them; null for an unknown vendor.</summary>
    public async Task<(string Name, string VatId)?> VendorAsync(string vendorId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<(string Name, string VatId)?>(new CommandDefinition(CatalogSql.Vendor, new { id = vendorId }, cancellationToken: ct));
    }

    /// <summary>A vendor's short name, descriptor logo (null if it has none) and content hash; null for an unknown vendor.</summary>
    public async Task<(string ShortName, string? Logo, string ContentHash)?> VendorLogoAsync(string vendorId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<(string ShortName, string DocumentJson, string ContentHash)?>(CatalogSql.VendorLogo, new { id = vendorId });
        if (row is not { } r) return null;
        var vendor = JsonSerializer.Deserialize<VendorDescriptor>(r.DocumentJson, DescriptorJson.Options)!;
        return (r.ShortName, vendor.Logo, r.ContentHash);
    }

    /// <summary>Loads every table of the catalogue at one consistent revision (one transaction).</summary>
    public async Task<CatalogReadModel> LoadAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var revision = await c.ExecuteScalarAsync<long>(CatalogSql.Revision, transaction: tx);
        var conformance = (await c.QueryAsync<(string OfferingId, string StandardId, string StandardVersion, string Status, bool Required, DateTimeOffset? CheckedAt)>(
                CatalogSql.AllConformance, transaction: tx))
            .ToLookup(r => r.OfferingId, r => new StandardConformance(r.StandardId, r.StandardVersion, r.Status, r.Required, r.CheckedAt));
        var offerings = (await c.QueryAsync<(string Id, string VendorId, string VendorName, string DocumentJson, long Version, string Lifecycle)>(
                CatalogSql.AllOfferings, transaction: tx))
            .Select(r => new CatalogOffering(JsonSerializer.Deserialize<OfferingDescriptor>(r.DocumentJson, DescriptorJson.Options)!, r.VendorName,
                new OfferingListing((int)r.Version, r.Lifecycle, conformance[r.Id].ToList())))
            .ToList();
        var lebenslagenOf = (await c.QueryAsync<(string OzgId, string LebenslageId)>(
                CatalogSql.AllLeistungLebenslagen, transaction: tx))
            .ToLookup(r => r.OzgId, r => r.LebenslageId);
        var leika = (await c.QueryAsync<(string LeikaKey, string OzgId)>(CatalogSql.AllLeikaKeys, transaction: tx)).ToList();
        var leikaOf = leika.ToLookup(r => r.OzgId, r => r.LeikaKey);
        var leistungen = (await c.QueryAsync<(string OzgId, string Name, string NameEn, string ThemenfeldId, string Description)>(
                CatalogSql.AllLeistungen, transaction: tx))
            .ToDictionary(r => r.OzgId, r => new LeistungInfo(r.OzgId, r.Name, r.NameEn, r.ThemenfeldId,
                lebenslagenOf[r.OzgId].ToList(), leikaOf[r.OzgId].ToList(), r.Description));
        var themenfelder = (await c.QueryAsync<NamedItem>(CatalogSql.AllThemenfelder, transaction: tx))
            .ToDictionary(t => t.Id);
        var lebenslagen = (await c.QueryAsync<(string Id, string Name, string NameEn, string ThemenfeldId)>(
                CatalogSql.AllLebenslagen, transaction: tx))
            .ToDictionary(r => r.Id, r => (new NamedItem(r.Id, r.Name, r.NameEn), r.ThemenfeldId));
        var vendors = (await c.QueryAsync<NamedItem>(CatalogSql.AllVendorNames, transaction: tx))
            .ToDictionary(v => v.Id);
        var standards = (await c.QueryAsync<NamedItem>(CatalogSql.AllStandardNames, transaction: tx))
            .ToDictionary(s => s.Id);
        var laender = (await c.QueryAsync<LandInfo>(
            CatalogSql.AllLaender, transaction: tx)).ToList();
        var bundleLeistungen = (await c.QueryAsync<(string BundleId, string OzgId)>(
                CatalogSql.AllBundleLeistungen, transaction: tx))
            .ToLookup(r => r.BundleId, r => r.OzgId);
        var bundles = (await c.QueryAsync<(string Id, string Name, string NameEn, string LebenslageId, string Description)>(
                CatalogSql.AllBundles, transaction: tx))
            .Select(b => new BundleDescriptor(b.Id, b.Name, b.NameEn, b.LebenslageId, b.Description, bundleLeistungen[b.Id].ToList()))
            .ToList();
        var backOffice = await BackOffice.BackOfficeReference.LoadAsync(c, tx);
        await tx.CommitAsync(ct);
        return new CatalogReadModel
        {
            Revision = revision, Offerings = offerings, Leistungen = leistungen,
            LeikaToOzg = leika.ToDictionary(r => r.LeikaKey, r => r.OzgId),
            Themenfelder = themenfelder, Lebenslagen = lebenslagen, Vendors = vendors, Standards = standards,
            Laender = laender, Bundles = bundles, BackOffice = backOffice,
        };
    }
}
