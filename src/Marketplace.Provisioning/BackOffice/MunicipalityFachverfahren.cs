using System.Security.Claims;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.BackOffice;
using Marketplace.Catalog.Descriptors;
using Marketplace.Identity.Access;
using Marketplace.Storage;

namespace Marketplace.Provisioning.BackOffice;

/// <summary>One Fachverfahren a municipality runs, with the names from the reference data.</summary>
public sealed record RecordedProductView(string Area, string AreaName, string AreaNameEn, string Product, string ProductName, string Manufacturer, string Version);

/// <summary>The Fachverfahren a municipality records (one product per area), with who changed them last and when.</summary>
public sealed record FachverfahrenView(string Ags, IReadOnlyList<RecordedProductView> Products, DateTimeOffset? UpdatedAt, string? UpdatedBy);

/// <summary>A product to record: area, product id and version (all from catalog/fachverfahren).</summary>
public sealed record RecordedProductRequest(string? Area, string? Product, string? Version);

/// <summary>
/// Which Fachverfahren products (and versions) a municipality runs: its buyer-admin records them, its members, delegates and
/// auditors read them, nobody else (vendors never learn which municipality runs which product). Every change is one
/// transaction and audited. The fit of an offering to them is <see cref="BackOfficeFit"/>.
/// </summary>
public sealed class MunicipalityFachverfahren(Database database, AuditTrail audit, TimeProvider clock) : IViewerBackOffice
{
    private sealed class Row
    {
        public string AreaId { get; init; } = "";
        public string ProductId { get; init; } = "";
        public string ProductVersion { get; init; } = "";
        public DateTimeOffset UpdatedAt { get; init; }
        public string UpdatedBy { get; init; } = "";
    }

    public async Task<BackOfficeReference> ReferenceAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await BackOfficeReference.LoadAsync(c, null);
    }

    public async Task<IReadOnlyList<RecordedProduct>> RecordedAsync(string ags, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await RowsAsync(c, null, ags, ct)).Select(r => new RecordedProduct(r.AreaId, r.ProductId, r.ProductVersion)).ToList();
    }

    public async Task<FachverfahrenView> GetAsync(string ags, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var reference = await BackOfficeReference.LoadAsync(c, null);
        var rows = await RowsAsync(c, null, ags, ct);
        var latest = rows.MaxBy(r => r.UpdatedAt);
        return new FachverfahrenView(ags, rows.Select(r => View(reference, r)).ToList(), latest?.UpdatedAt, latest?.UpdatedBy);
    }

    /// <summary>Replaces the municipality's list (one product per area) in one transaction; an unknown area, product or version is a field error.</summary>
    public async Task<FachverfahrenView> SetAsync(string ags, IReadOnlyList<RecordedProductRequest> products, string userId, string? organisationId, CancellationToken ct = default)
    {
        await using (var work = await Work.BeginAsync(database, audit, ct))
        {
            var reference = await BackOfficeReference.LoadAsync(work.Connection, work.Transaction);
            Validate(reference, products);
            var before = await RowsAsync(work.Connection, work.Transaction, ags, ct);
            var now = clock.GetUtcNow().ToString("O");
            await work.Connection.ExecuteAsync(FachverfahrenSql.DeleteAll, new { ags }, work.Transaction);
            await work.Connection.ExecuteAsync(FachverfahrenSql.Insert, products.Select(p => new
            {
                ags, area = p.Area, product = p.Product, version = p.Version, at = now, by = userId,
            }), work.Transaction);
            work.Audit(new AuditEntry(userId, organisationId, "fachverfahren.set", "municipality", ags,
                before.Count == 0 ? null : Json(before.Select(r => new RecordedProduct(r.AreaId, r.ProductId, r.ProductVersion))),
                Json(products.Select(p => new RecordedProduct(p.Area!, p.Product!, p.Version!)))));
            await work.CommitAsync(ct);
        }
        return await GetAsync(ags, ct);
    }

    /// <summary>The recorded products of the municipality a signed-in municipal user belongs to; null for everyone else.</summary>
    public async Task<IReadOnlyList<RecordedProduct>?> RecordedAsync(ClaimsPrincipal user, CancellationToken ct = default) =>
        ViewerAgs(user) is { } ags ? await RecordedAsync(ags, ct) : null;

    /// <summary>The municipality whose Fachverfahren mark the catalogue for this viewer: a municipal user's own.</summary>
    public static string? ViewerAgs(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.OrganisationKindOf() == OrganisationKinds.Municipality ? user.AgsOf() : null;

    /// <summary>How the offering fits what the municipality runs, priced in plan <paramref name="planId"/>; null when it has nothing to say.</summary>
    public async Task<BackOfficeFitResult?> FitAsync(string ags, OfferingDescriptor offering, string? planId = null, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var reference = await BackOfficeReference.LoadAsync(c, null);
        var recorded = (await RowsAsync(c, null, ags, ct)).Select(r => new RecordedProduct(r.AreaId, r.ProductId, r.ProductVersion)).ToList();
        return BackOfficeFit.Evaluate(offering, reference, recorded, planId);
    }

    /// <summary>
    /// The add-ons of plan <paramref name="planId"/> that the municipality's Fachverfahren need as adapters: what every order
    /// form (single, Merkliste, bundle) preselects so that its cost summary includes them.
    /// </summary>
    public async Task<IReadOnlyList<string>> AdapterAddOnsAsync(string ags, OfferingDescriptor offering, string? planId, CancellationToken ct = default)
    {
        var plan = offering.Plans.FirstOrDefault(p => p.Id == planId);
        if (plan is null || await FitAsync(ags, offering, planId, ct) is not { } fit) return [];
        return fit.AdapterAddOns.Where(a => plan.AddOnList.Any(x => x.Id == a)).ToList();
    }

    private static void Validate(BackOfficeReference reference, IReadOnlyList<RecordedProductRequest> products)
    {
        var errors = new List<FieldError>();
        if (products.Count > 50) errors.Add(FieldError.TooMany("products", 50));
        var areas = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < products.Count && i < 50; i++)
        {
            var p = products[i];
            if (string.IsNullOrWhiteSpace(p.Area)) errors.Add(FieldError.Required($"products/{i}/area"));
            else if (reference.Area(p.Area) is null) errors.Add(FieldError.Coded($"products/{i}/area", "fachverfahren.unknown-area", "unbekanntes Aufgabengebiet"));
            else if (!areas.Add(p.Area)) errors.Add(FieldError.Coded($"products/{i}/area", "fachverfahren.area-twice", "Aufgabengebiet doppelt: je Gebiet ein Fachverfahren"));
            if (string.IsNullOrWhiteSpace(p.Product)) { errors.Add(FieldError.Required($"products/{i}/product")); continue; }
            var known = reference.Product(p.Product);
            if (known is null || (p.Area is not null && reference.Area(p.Area) is not null && known.Value.Area.Id != p.Area))
            {
                errors.Add(FieldError.Coded($"products/{i}/product", "fachverfahren.unknown-product", "unbekanntes Fachverfahren in diesem Aufgabengebiet"));
                continue;
            }
            if (string.IsNullOrWhiteSpace(p.Version)) errors.Add(FieldError.Required($"products/{i}/version"));
            else if (known.Value.Product.Versions.All(v => v.Version != p.Version))
                errors.Add(FieldError.Coded($"products/{i}/version", "fachverfahren.unknown-version", "unbekannte Version des Fachverfahrens"));
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);
    }

    private static async Task<List<Row>> RowsAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx, string ags, CancellationToken ct) =>
        (await c.QueryAsync<Row>(new CommandDefinition(FachverfahrenSql.Of, new { ags }, tx, cancellationToken: ct))).ToList();

    private static RecordedProductView View(BackOfficeReference reference, Row r)
    {
        var area = reference.Area(r.AreaId);
        var product = reference.Product(r.ProductId)?.Product;
        return new RecordedProductView(r.AreaId, area?.Name ?? r.AreaId, area?.NameEn ?? r.AreaId, r.ProductId, product?.Name ?? r.ProductId,
            product?.Manufacturer ?? "", r.ProductVersion);
    }

    private static JsonArray Json(IEnumerable<RecordedProduct> products) =>
        new(products.Select(p => (JsonNode)new JsonObject { ["area"] = p.Area, ["product"] = p.Product, ["version"] = p.Version }).ToArray());
}
