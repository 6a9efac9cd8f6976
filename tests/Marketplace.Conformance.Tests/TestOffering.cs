namespace Marketplace.Conformance.Tests;

/// <summary>
/// A complete offering descriptor in the catalog/ YAML format, as a vendor uploads it. It claims DSGVO-AVV (required of every
/// offering), the Reifegrad model and the Open Service Broker API with a broker the test runs on loopback.
/// </summary>
public static class TestOffering
{
    public const string ServiceId = "5b1f8a1e-6a8a-4c55-9a39-3f2f1d3b9a10";
    public const string BasicPlanId = "0f0e5f6e-3d1b-4a7e-9e55-6b7a2f1e4c01";
    public const string ProPlanId = "7c2d9b3a-1e4f-4b6a-8d2c-5e9f0a1b2c03";

    public static string Yaml(string id, string vendor, string brokerUrl, string name = "Abfallkalender digital", int reifegrad = 3, string hosting = "DE") => $$"""
        id: {{id}}
        name: {{name}}
        nameEn: Digital waste calendar
        vendor: {{vendor}}
        leistungen: ["10110"]
        summary: "Abfuhrtermine, Erinnerungen und Sperrmüllanmeldung für Bürgerinnen und Bürger."
        description: |
          **{{name}}** zeigt Abfuhrtermine je Straße und erinnert per App und E-Mail.
        laender: ["*"]
        reifegrad: {{reifegrad}}
        standards:
          - standard: dsgvo-avv
            version: "2016/679"
          - standard: ozg-reifegrad
            version: "1.1"
          - standard: open-service-broker
            version: "2.15"
        hosting:
          location: {{hosting}}
          provider: Test-Rechenzentrum
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
              listValueCentsPerMonth: 9900
          - id: plus
            name: Plus
            nameEn: Plus
            standardPackage:
              funder: Kommune (Eigenfinanzierung)
              listValueCentsPerMonth: 19900
        tenantConfigSchema:
          type: object
          properties:
            kontaktEmail:
              type: string
              title: Kontaktadresse
              format: email
            ags:
              type: string
              title: Amtlicher Gemeindeschlüssel
              pattern: "^[0-9]{8}$"
          required: ["kontaktEmail", "ags"]
          additionalProperties: false
        provisioning:
          type: osb
          brokerUrl: {{brokerUrl}}
          sampleConfigurations:
            - kontaktEmail: fundbuero@example.org
              ags: "09162000"
          serviceId: "{{ServiceId}}"
          planIds:
            basis: "{{BasicPlanId}}"
            plus: "{{ProPlanId}}"
        """;
}
