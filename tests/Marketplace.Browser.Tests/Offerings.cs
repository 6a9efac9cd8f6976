namespace Marketplace.Browser.Tests;

/// <summary>Offering descriptors the journeys upload, in the catalog/ format.</summary>
public static class Offerings
{
    public const string Komuna = "komuna-digital";

    /// <summary>
    /// A manually provisioned Komuna offering (no live broker check) that claims only DSGVO-AVV, the standard every
    /// offering must meet, with one metered dimension so its vendor can report usage.
    /// </summary>
    public static string ManualYaml(string id, string name) => $$"""
        id: {{id}}
        name: {{name}}
        nameEn: Dog tax online
        vendor: {{Komuna}}
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
              listValueCentsPerMonth: 4900
            metered:
              - id: anmeldungen
                name: Hundeanmeldungen
                nameEn: Dog registrations
                unit: Anmeldung
                includedPerMonth: 10
                tiers:
                  - upTo: null
                    unitPriceCents: 20
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
}
