using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Marketplace.Catalog.Descriptors;

namespace Marketplace.Conformance.Lifecycle;

/// <summary>
/// The core fields of an offering a vendor edits in a form (the rest—plans, schema, provisioning—comes with a descriptor
/// file). Applied to the newest version's descriptor, the result is validated like an uploaded file.
/// </summary>
public sealed record DraftFields(
    string? Name, string? NameEn, string? Summary, string? Description, int? Reifegrad, string? HostingLocation, string? HostingProvider,
    string? AccessibilityStatementUrl)
{
    /// <summary>
    /// The document as a file has it: absent values left out (the schema rejects explicit nulls) and no computed
    /// properties such as AllLaender (they have no setter, and the schema allows no unknown field).
    /// </summary>
    private static readonly JsonSerializerOptions AsFile = new(DescriptorJson.Options)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                info =>
                {
                    foreach (var computed in info.Properties.Where(p => p.Set is null).ToList()) info.Properties.Remove(computed);
                },
            },
        },
    };

    public static DraftFields Of(OfferingDescriptor d) =>
        new(d.Name, d.NameEn, d.Summary, d.Description, d.Reifegrad, d.Hosting.Location, d.Hosting.Provider, d.AccessibilityStatementUrl);

    /// <summary>The descriptor with these fields applied, as a JSON document (JSON is YAML: the validator reads it like a file).</summary>
    public string ApplyTo(OfferingDescriptor d) => JsonSerializer.Serialize(d with
    {
        Name = Name?.Trim() ?? "", NameEn = NameEn?.Trim() ?? "", Summary = Summary?.Trim() ?? "", Description = Edited(d.Description, Description),
        Reifegrad = Reifegrad ?? 0,
        Hosting = d.Hosting with { Location = HostingLocation?.Trim() ?? "", Provider = HostingProvider?.Trim() ?? "" },
        AccessibilityStatementUrl = string.IsNullOrWhiteSpace(AccessibilityStatementUrl) ? null : AccessibilityStatementUrl.Trim(),
    }, AsFile);

    // Browsers post a textarea's line breaks as CR LF, and a YAML block ends with a line break the form trims away; the
    // catalogue writes LF. An untouched description must stay byte for byte what it was, or the reviewer sees a change.
    private static string Edited(string? before, string? posted)
    {
        var text = (posted ?? "").Replace("\r\n", "\n").Replace('\r', '\n').Trim();
        return before is not null && before.Trim() == text ? before : text;
    }
}
