using System.Data.Common;
using Dapper;
using Marketplace.Catalog;
using Marketplace.Catalog.Descriptors;
using Microsoft.Extensions.Options;

namespace Marketplace.Conformance.Lifecycle;

/// <summary>
/// Validates an offering descriptor a vendor uploads or edits, exactly as the catalogue import would: the JSON Schema of
/// catalog/schemas/offering.schema.json, then the references (Leistungen, Länder, standard versions) against the database,
/// then that the vendor publishes only as itself. Every error names its field and, for a file, its line.
/// </summary>
public sealed class OfferingDescriptorValidator(IOptions<CatalogOptions> catalog)
{
    internal async Task<OfferingDescriptor> ValidateAsync(DbConnection c, DbTransaction tx, string text, string displayPath, string vendorId, string? expectedId)
    {
        var (descriptor, errors) = CatalogLoader.ParseOne<OfferingDescriptor>(catalog.Value.Path, "offering", displayPath, text);
        if (descriptor is null || errors.Count > 0)
            throw Invalid(errors);

        var document = YamlDocument.Parse(text);
        var references = await OfferingReferences.LoadAsync(c, tx);
        var problems = OfferingReferenceCheck.Check(descriptor, displayPath, document, references).ToList();
        if (descriptor.Vendor != vendorId)
            problems.Add(new CatalogError(displayPath, "/vendor", document.LineOf("/vendor"), $"must be your own vendor id '{vendorId}'")
                { Code = "descriptor.own-vendor", Args = [vendorId] });
        if (expectedId is not null && descriptor.Id != expectedId)
            problems.Add(new CatalogError(displayPath, "/id", document.LineOf("/id"), $"must stay '{expectedId}': the id of an offering does not change")
                { Code = "descriptor.id-fixed", Args = [expectedId] });
        // A status page is public and probed from the platform: in production only over https (the schema also accepts http for development).
        if (descriptor.Sla.StatusUrl is { } statusUrl && catalog.Value.AllowHttpStatusUrls == false
            && !statusUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            problems.Add(new CatalogError(displayPath, "/sla/statusUrl", document.LineOf("/sla/statusUrl"), "must be an https URL") { Code = "descriptor.status-url-https" });
        if (problems.Count > 0) throw Invalid(problems);
        return descriptor;
    }

    private static ConformanceException Invalid(IReadOnlyList<CatalogError> errors) =>
        new(ConformanceErrorKind.Invalid, "Die Angebotsbeschreibung ist ungültig.", errors) { Code = "descriptor.invalid" };
}
