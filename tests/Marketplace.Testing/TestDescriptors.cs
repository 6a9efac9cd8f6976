namespace Marketplace.Testing;

/// <summary>Offering descriptors in the catalog/ format that tests upload through the vendor portal or the API.</summary>
public static class TestDescriptors
{
    /// <summary>
    /// A manually provisioned offering (no live broker check) that claims only DSGVO-AVV, the standard every offering
    /// must meet; with <paramref name="metered"/> its plan has one metered dimension ("anmeldungen", 10 included, then 0.20 EUR).
    /// </summary>
    public static string ManualOffering(string id, string name, string vendor, bool metered = false) => $$"""
        id: {{id}}
        name: {{name}}
        nameEn: Dog tax online
        vendor: {{vendor}}
        leistungen: ["10124"]
        summary: "Hunde an- und abmelden, Steuermarke bestellen, Bescheid ins Postfach."
        description: |
          **{{name}}** meldet Hunde an und ab und übergibt die Daten an das Steuerverfahren.
        laender: ["*"]
        reifegrad: 3
        standards:
          - standard: dsgvo-avv
            version: "2016/679"
        hosting:
          location: DE
          provider: Kommunales Rechenzentrum
        support:
          hours: Mo–Fr 8–16 Uhr
          channels: ["e-mail"]
          languages: ["de"]
        sla:
          availabilityPercent: 99.5
          responseTimeHours: 8
        plans:
          - id: basis
            name: Basis
            nameEn: Basic
            standardPackage:
              funder: Kommune (Eigenfinanzierung)
              listValueCentsPerMonth: 4900{{(metered ? MeteredDimension : "")}}
        tenantConfigSchema:
          type: object
          properties:
            kontaktEmail:
              type: string
              format: email
          required: ["kontaktEmail"]
          additionalProperties: false
        provisioning:
          type: manual
          instructions: "Mandant anlegen und Zugang per E-Mail übergeben."
        """;

    // Indented as the plan's keys are once the raw string above has lost its leading spaces.
    private const string MeteredDimension = "\n    metered:\n      - id: anmeldungen\n        name: Hundeanmeldungen\n        nameEn: Dog registrations"
        + "\n        unit: Anmeldung\n        includedPerMonth: 10\n        tiers:\n          - upTo: null\n            unitPriceCents: 20";
}
