using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Marketplace.Catalog.Descriptors;

// The catalogue's descriptor kinds as they stand in catalog/*.yaml (camelCase there, PascalCase here).
// Each is validated against catalog/schemas/<kind>.schema.json before it is bound to these records.

public sealed record LandDescriptor(string Code, string Abbreviation, string Name, string NameEn);

public sealed record ThemenfeldDescriptor(string Id, string Name, string NameEn);

public sealed record LebenslageDescriptor(string Id, string Name, string NameEn, string Themenfeld);

public sealed record LeistungDescriptor(
    string OzgId, string Name, string NameEn, string Themenfeld,
    IReadOnlyList<string> Lebenslagen, IReadOnlyList<string> LeikaKeys, string Description);

public sealed record StandardDescriptor(
    string Id, string Name, string NameEn, string Publisher, string Url, string Category, string Description,
    IReadOnlyList<StandardVersionDescriptor> Versions);

public sealed record StandardVersionDescriptor(
    string Version, string PublishedOn, int GracePeriodDays, IReadOnlyList<CriterionDescriptor> Criteria);

public sealed record CriterionDescriptor(
    string Id, string Title, string Description, string Kind, JsonObject? Check, JsonObject? Evidence);

public sealed record VendorDescriptor(
    string Id, string Name, string ShortName, string VatId, AddressDescriptor Address, string Website,
    IReadOnlyList<ContactDescriptor> Contacts, string Description, string? Logo = null);

public sealed record AddressDescriptor(string Street, string PostalCode, string City, string Country);

public sealed record ContactDescriptor(string Role, string Name, string Email);

public sealed record OfferingDescriptor(
    string Id, string Name, string NameEn, string Vendor, IReadOnlyList<string> Leistungen, string Summary,
    string Description, IReadOnlyList<string> Laender, int Reifegrad, IReadOnlyList<ClaimedStandard> Standards,
    HostingDescriptor Hosting, string? AccessibilityStatementUrl, SupportDescriptor Support, SlaDescriptor Sla,
    IReadOnlyList<PlanDescriptor> Plans, JsonObject TenantConfigSchema, ProvisioningDescriptor Provisioning)
{
    /// <summary>"*" in laender: orderable in every Land.</summary>
    public bool AllLaender => Laender.Contains("*");

    /// <summary>How the offering delivers to a municipality's Fachverfahren, per area (optional: a descriptor written before it existed stays valid).</summary>
    public IReadOnlyList<BackOfficeDelivery>? BackOffice { get; init; }

    public IReadOnlyList<BackOfficeDelivery> BackOfficeList => BackOffice ?? [];
}

/// <summary>
/// How an offering delivers to the Fachverfahren of one area (catalog/fachverfahren): the standards it sends (a version
/// "3.2" or a series "3.x"), whether it delivers through FIT-Connect, adapters to single products (each charged by one
/// of the plans' add-ons) and the manual export a clerk imports by hand (a format such as csv, pdf or xml).
/// </summary>
public sealed record BackOfficeDelivery(string Area)
{
    public IReadOnlyList<StandardDelivery>? Standards { get; init; }
    public bool? FitConnect { get; init; }
    public IReadOnlyList<AdapterDelivery>? Adapters { get; init; }
    public string? ManualExport { get; init; }

    public IReadOnlyList<StandardDelivery> StandardList => Standards ?? [];
    public IReadOnlyList<AdapterDelivery> AdapterList => Adapters ?? [];
}

/// <summary>A standard (catalog/schnittstellen) the offering sends, in a version or a series ("3.x").</summary>
public sealed record StandardDelivery(string Standard, string Version);

/// <summary>An adapter to one Fachverfahren product, charged by the plan add-on <paramref name="AddOn"/>.</summary>
public sealed record AdapterDelivery(string Product, string AddOn);

/// <summary>A standard Fachverfahren receive (XMeld, XKfz …) or a way of delivery (FIT-Connect), with its versions.</summary>
public sealed record SchnittstelleDescriptor(string Id, string Name, string NameEn, string Kind, string Publisher, IReadOnlyList<string> Versions)
{
    public string? Url { get; init; }
}

/// <summary>An area of municipal administration (Meldewesen, Kfz-Zulassung …) with the Fachverfahren products run for it.</summary>
public sealed record FachverfahrenAreaDescriptor(string Id, string Name, string NameEn, IReadOnlyList<FachverfahrenProductDescriptor> Products);

/// <summary>A Fachverfahren product, its manufacturer and the versions in use.</summary>
public sealed record FachverfahrenProductDescriptor(string Id, string Name, string Manufacturer, IReadOnlyList<ProductVersionDescriptor> Versions);

/// <summary>One version of a product: the standards (with their versions) it receives and its own APIs.</summary>
public sealed record ProductVersionDescriptor(string Version, IReadOnlyList<ProductInterfaceDescriptor> Interfaces)
{
    public IReadOnlyList<string>? Apis { get; init; }
    public IReadOnlyList<string> ApiList => Apis ?? [];
}

public sealed record ProductInterfaceDescriptor(string Interface, IReadOnlyList<string> Versions);

public sealed record ClaimedStandard(string Standard, string Version);

/// <summary>
/// Where and by whom the offering runs. The residency fields (operator to objection period) are optional so that a descriptor
/// written before they existed stays valid; the catalogue shows such an offering's data location as "not stated".
/// </summary>
public sealed record HostingDescriptor(string Location, string Provider, string? Region)
{
    public OperatorDescriptor? Operator { get; init; }
    public DataPlace? PrimaryStorage { get; init; }
    public DataPlace? BackupStorage { get; init; }
    public ThirdCountryAccessDescriptor? ThirdCountryAccess { get; init; }
    public IReadOnlyList<string>? Certifications { get; init; }
    public IReadOnlyList<SubProcessorDescriptor>? SubProcessors { get; init; }
    /// <summary>Days the processing agreement gives a municipality to object to a change of sub-processors.</summary>
    public int? ObjectionPeriodDays { get; init; }

    public IReadOnlyList<SubProcessorDescriptor> SubProcessorList => SubProcessors ?? [];
    public IReadOnlyList<string> CertificationList => Certifications ?? [];
}

/// <summary>The operator (processor) of an offering; kind is kommunal, land, privat or hyperscaler.</summary>
public sealed record OperatorDescriptor(string Name, string Kind);

/// <summary>A place data is kept: a country and, in Germany, the Land (abbreviation).</summary>
public sealed record DataPlace(string Country, string? Land = null);

/// <summary>Access from third countries: none (Germany only), eu (EU/EEA) or possible (with the reason, e.g. a parent under foreign law).</summary>
public sealed record ThirdCountryAccessDescriptor(string Level, string? Reason = null);

/// <summary>A sub-processor under Art. 28(2) and (4) GDPR: who, for what, where.</summary>
public sealed record SubProcessorDescriptor(string Name, string Purpose, string Country, string? Land = null);

public sealed record SupportDescriptor(string Hours, IReadOnlyList<string> Channels, IReadOnlyList<string> Languages);

/// <summary>
/// The promised service level. StatusUrl (optional) is the offering's public status page or health endpoint the platform
/// probes to measure its availability against the promise.
/// </summary>
public sealed record SlaDescriptor(decimal AvailabilityPercent, int ResponseTimeHours)
{
    public string? StatusUrl { get; init; }
}

public sealed record PlanDescriptor(
    string Id, string Name, string NameEn, string? Description, StandardPackageDescriptor StandardPackage,
    IReadOnlyList<AddOnDescriptor>? AddOns, IReadOnlyList<MeteredDescriptor>? Metered, IReadOnlyList<SetupFeeDescriptor>? SetupFees)
{
    public IReadOnlyList<AddOnDescriptor> AddOnList => AddOns ?? [];
    public IReadOnlyList<MeteredDescriptor> MeteredList => Metered ?? [];
    public IReadOnlyList<SetupFeeDescriptor> SetupFeeList => SetupFees ?? [];
}

public sealed record StandardPackageDescriptor(string Funder, long ListValueCentsPerMonth, IReadOnlyList<string>? Includes);

public sealed record AddOnDescriptor(string Id, string Name, string NameEn, string Interval, long PriceCents, VatDescriptor? Vat = null);

public sealed record MeteredDescriptor(
    string Id, string Name, string NameEn, string Unit, long IncludedPerMonth, IReadOnlyList<TierDescriptor> Tiers, VatDescriptor? Vat = null)
{
    /// <summary>
    /// The vendor's typical usage per 1,000 inhabitants and month (optional, up to three decimals): the cost summary
    /// estimates a municipality's usage from its population with it.
    /// </summary>
    public decimal? TypicalPer1000Inhabitants { get; init; }

    /// <summary>The typical usage in thousandths of a unit, as the catalogue stores it.</summary>
    public long? TypicalMilliPer1000() => TypicalPer1000Inhabitants is { } t ? (long)decimal.Round(t * 1000m) : null;
}

// upTo: null is how the last, open-ended tier is written; a writer that drops nulls must still write this one,
// or the document no longer has the one unbounded tier the schema demands.
public sealed record TierDescriptor([property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? UpTo, long UnitPriceCents);

public sealed record SetupFeeDescriptor(string Id, string Name, string NameEn, long PriceCents, VatDescriptor? Vat = null);

/// <summary>
/// A price item's own VAT treatment (EN 16931 BT-151/152, BT-120/121); absent, the platform's configured default for the
/// buyer applies. Category S, Z, E or O; AE is not offered (the platform keeps no buyer VAT identifiers).
/// </summary>
public sealed record VatDescriptor(string Category, decimal RatePercent, string? ExemptionReason = null, string? ExemptionReasonCode = null)
{
    public VatTreatment ToTreatment() => new(Category, (long)decimal.Round(RatePercent * 100m),
        string.IsNullOrWhiteSpace(ExemptionReason) ? null : ExemptionReason.Trim(), string.IsNullOrWhiteSpace(ExemptionReasonCode) ? null : ExemptionReasonCode.Trim());
}

/// <summary>
/// How orders are fulfilled. An osb offering names the vendor's broker connection (URL and credentials kept by the platform)
/// or, for a broker without authentication, its URL; sample configurations are what a plan's parameter schema must accept.
/// </summary>
public sealed record ProvisioningDescriptor(
    string Type, string? BrokerUrl, string? ServiceId, IReadOnlyDictionary<string, string>? PlanIds, string? Instructions)
{
    public string? BrokerConnection { get; init; }
    public IReadOnlyList<JsonObject>? SampleConfigurations { get; init; }
}

public sealed record BundleDescriptor(
    string Id, string Name, string NameEn, string Lebenslage, string Description, IReadOnlyList<string> Leistungen);

/// <summary>The JSON options descriptors are bound and stored with.</summary>
public static class DescriptorJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // Schemas already reject unknown fields; binding must not silently drop a field the records lack.
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        // Records serialised with these options into audit snapshots and evidence hashes keep their timestamps' stored text.
        Converters = { new Marketplace.Storage.StoredTimestamp.JsonConverter() },
    };
}
