using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Catalog;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;
using Microsoft.Extensions.Options;

namespace Marketplace.Conformance.Standards;

/// <summary>
/// The registry of standards with their versions and criteria (imported from catalog/standards). Platform admins add
/// versions; an existing version never changes, because statuses and decisions refer to it. A new version takes effect on
/// its publishedOn day, and offerings on an older version keep their status until its grace period ends (the daily job).
/// </summary>
public sealed class StandardsRegistry
{
    private readonly ConformanceUnitOfWork _uow;
    private readonly StandardRecords _records;
    private readonly IOptions<CatalogOptions> _catalog;

    /// <summary>An absent check or evidence is left out, as in a file: the schema forbids "check" on an attested criterion.</summary>
    private static readonly JsonSerializerOptions WithoutNulls = new(DescriptorJson.Options)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    internal StandardsRegistry(ConformanceUnitOfWork uow, StandardRecords records, IOptions<CatalogOptions> catalog)
    {
        _uow = uow;
        _records = records;
        _catalog = catalog;
    }

    public Task<IReadOnlyList<StandardInfo>> ListAsync(CancellationToken ct = default) =>
        _uow.ReadAsync(async s => (IReadOnlyList<StandardInfo>)(await s.StandardsAsync()).Standards.Values
            .OrderBy(x => x.Id, StringComparer.Ordinal).ToList(), ct);

    /// <summary>The standards the platform requires, per scope (all offerings, a Themenfeld, a Leistung).</summary>
    public Task<IReadOnlyList<RequiredStandard>> PolicyAsync(CancellationToken ct = default) =>
        _uow.ReadAsync(async s => (IReadOnlyList<RequiredStandard>)(await s.StandardsAsync()).Policy, ct);

    /// <summary>Adds a version to a standard, validated against catalog/schemas/standard.schema.json like an imported one.</summary>
    public Task<StandardVersionInfo> AddVersionAsync(Actor admin, string standardId, StandardVersionDescriptor version, CancellationToken ct = default) =>
        _uow.RunAsync(async s =>
        {
            var standard = (await _records.StandardsAsync(s.Connection, s.Transaction)).FirstOrDefault(x => x.Id == standardId);
            if (standard is null) throw ConformanceException.NotFound("standard.unknown", $"Es gibt keinen Standard „{standardId}“.", standardId);
            var document = new StandardDescriptor(standard.Id, standard.Name, standard.NameEn, standard.Publisher, standard.Url, standard.Category,
                standard.Description, [version]);
            // JSON is YAML: the version is checked by the same schema as a file in catalog/standards.
            var (parsed, errors) = CatalogLoader.ParseOne<StandardDescriptor>(_catalog.Value.Path, "standard", $"standards/{standardId}",
                JsonSerializer.Serialize(document, WithoutNulls));
            if (parsed is null || errors.Count > 0)
                throw new ConformanceException(ConformanceErrorKind.Invalid, "Die Version ist ungültig.",
                    errors.Select(e => e with { Field = e.Field.Replace("/versions/0", "") }).ToList()) { Code = "standard.version-invalid" };
            if (!DateOnly.TryParseExact(version.PublishedOn, "yyyy-MM-dd", out var publishedOn))
                throw ConformanceException.Invalid("/publishedOn", "date.format", "Datum im Format JJJJ-MM-TT angeben.");
            var duplicate = version.Criteria.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw ConformanceException.Invalid("/criteria", "standard.criterion-twice", $"Kriterium „{duplicate.Key}“ kommt doppelt vor.", duplicate.Key);
            var added = await _records.AddVersionAsync(s.Connection, s.Transaction,
                new StandardVersionRow(standardId, version.Version, version.PublishedOn, version.GracePeriodDays),
                version.Criteria.Select(c => new StandardCriterionRow(standardId, version.Version, c.Id, c.Title, c.Description, c.Kind,
                    JsonSerializer.Serialize(new { check = c.Check, evidence = c.Evidence }, DescriptorJson.Options))).ToList());
            if (!added) throw ConformanceException.Conflict("standard.version-exists", $"Version {version.Version} von {standardId} gibt es schon; eine Version ändert sich nicht.",
                version.Version, standardId);
            await s.AuditAsync(admin, "standard.version-added", "standard", standardId, null, version);
            return new StandardVersionInfo(standardId, version.Version, publishedOn, version.GracePeriodDays,
                version.Criteria.Select(c => new CriterionInfo(c.Id, c.Title, c.Description, c.Kind, c.Check?.DeepClone() as JsonObject, c.Evidence?.DeepClone() as JsonObject)).ToList());
        }, ct);
}
