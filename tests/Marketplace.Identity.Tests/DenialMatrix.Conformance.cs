using Marketplace.Identity.Tests.Conformance;
using static Marketplace.Identity.Tests.Conformance.ConformanceData;

namespace Marketplace.Identity.Tests;

public static partial class DenialMatrix
{
    private const string KomunaOfferings = "/api/v1/vendors/komuna-digital/offerings";
    private const string Seed = KomunaOfferings + "/meldeportal-komuna";
    private const string Draft = KomunaOfferings + "/" + MatrixDraft;

    /// <summary>Komuna's own users pass the tenant check; the other vendor gets 404; everyone else fails the role policy.</summary>
    private static Dictionary<string, int> KomunaEdits(int status) => Map((Komuna, status), ([HavelsoftAdmin], NotFound));

    /// <summary>Komuna's users and the platform read; everyone else, the other vendor included, gets 404.</summary>
    private static Dictionary<string, int> KomunaReads => Map((Komuna, Ok), (Platform, Ok));

    /// <summary>
    /// Rows for the conformance endpoints: vendor offerings, evidence, auditor decisions, standards, audit trail. Where a
    /// successful call would change the shared seed, the allowed caller gets the state's refusal (409) or a validation
    /// problem (400) instead: it shows the call got past authorisation and the tenant check without changing the catalogue.
    /// </summary>
    private static Row[] ConformanceRows =>
    [
        new("GET", "/api/v1/vendors/{vendorId}/offerings", KomunaOfferings, null, NotFound, KomunaReads),
        new("POST", "/api/v1/vendors/{vendorId}/offerings", KomunaOfferings, () => Yaml(DraftYaml("matrix-" + Unique())), Forbidden, KomunaEdits(Created)),
        new("GET", "/api/v1/vendors/{vendorId}/offerings/{offeringId}", Seed, null, NotFound, KomunaReads),
        new("PUT", "/api/v1/vendors/{vendorId}/offerings/{offeringId}/draft", Seed + "/draft", () => Yaml("id: meldeportal-komuna\n"), Forbidden, KomunaEdits(400)),
        new("PATCH", "/api/v1/vendors/{vendorId}/offerings/{offeringId}/draft", Draft + "/draft", () => new { name = "Matrix-Entwurf " + Unique(), nameEn = "Matrix draft",
            summary = "Ein Entwurf für die Rechteprüfung.", description = "Entwurf.", reifegrad = 3, hostingLocation = "DE", hostingProvider = "RZ" },
            Forbidden, KomunaEdits(Ok), EnsureMatrixDraftAsync),
        new("POST", "/api/v1/vendors/{vendorId}/offerings/{offeringId}/versions/{version}/submission", Seed + "/versions/1/submission", null, Forbidden, KomunaEdits(409)),
        new("POST", "/api/v1/vendors/{vendorId}/offerings/{offeringId}/versions/{version}/withdraw", Seed + "/versions/1/withdraw", null, Forbidden, KomunaEdits(409)),
        new("POST", "/api/v1/vendors/{vendorId}/offerings/{offeringId}/versions/{version}/publication", Seed + "/versions/1/publication", null, Forbidden, KomunaEdits(409)),
        new("POST", "/api/v1/vendors/{vendorId}/offerings/{offeringId}/deprecate", Draft + "/deprecate", null, Forbidden, KomunaEdits(409), EnsureMatrixDraftAsync),
        new("POST", "/api/v1/vendors/{vendorId}/offerings/{offeringId}/retire", Draft + "/retire", null, Forbidden, KomunaEdits(409), EnsureMatrixDraftAsync),
        new("GET", "/api/v1/vendors/{vendorId}/offerings/{offeringId}/evidence", Draft + "/evidence", null, NotFound, KomunaReads, EnsureMatrixDraftAsync),
        new("POST", "/api/v1/vendors/{vendorId}/offerings/{offeringId}/evidence", Draft + "/evidence", () => EvidenceForm(), Forbidden, KomunaEdits(Created),
            EnsureMatrixDraftAsync),
        new("GET", "/api/v1/evidence/{evidenceId}/file", "/api/v1/evidence/{evidence}/file", null, NotFound, KomunaReads, WithEvidenceAsync),

        new("GET", "/api/v1/reviews", "/api/v1/reviews", null, Forbidden, Map((Platform, Ok))),
        new("GET", "/api/v1/reviews/offerings/{offeringId}/versions/{version}", "/api/v1/reviews/offerings/meldeportal-komuna/versions/1", null, Forbidden,
            Map((Platform, Ok))),
        new("POST", "/api/v1/reviews/offerings/{offeringId}/versions/{version}/decision", "/api/v1/reviews/offerings/meldeportal-komuna/versions/1/decision",
            () => new { outcome = "pass", reason = "Vollständig." }, Forbidden, Map(([Auditor], 409))),
        new("POST", "/api/v1/reviews/offerings/{offeringId}/versions/{version}/checks", $"/api/v1/reviews/offerings/{MatrixDraft}/versions/1/checks", null,
            Forbidden, Map(([Auditor], Ok)), EnsureMatrixDraftAsync),
        new("POST", "/api/v1/reviews/evidence/{evidenceId}/decision", "/api/v1/reviews/evidence/{evidence}/decision",
            () => new { outcome = "fail", reason = "Unterschrift fehlt." }, Forbidden, Map(([Auditor], Ok)), WithEvidenceAsync),

        new("GET", "/api/v1/standards", "/api/v1/standards", null, Ok, []),
        new("GET", "/api/v1/standards/policy", "/api/v1/standards/policy", null, Ok, []),
        new("POST", "/api/v1/standards/{standardId}/versions", "/api/v1/standards/dsgvo-avv/versions", () => new
            {
                version = "2016/679", publishedOn = "2016-05-04", gracePeriodDays = 0,
                criteria = new[] { new { id = "avv-muster", title = "Mustervertrag", description = "Ein Mustervertrag liegt vor.", kind = "attested",
                    evidence = new { type = "contract", validityMonths = 36 } } },
            }, Forbidden, Map(([PlatformAdmin], 409))),

        new("GET", "/api/v1/audit", "/api/v1/audit?objectType=offering&limit=5", null, Forbidden, Map((Platform, Ok))),
        new("GET", "/api/v1/audit/export", "/api/v1/audit/export?format=json&objectType=standard", null, Forbidden, Map((Platform, Ok))),
        new("GET", "/api/v1/audit/verification", "/api/v1/audit/verification", null, Forbidden, Map((Platform, Ok))),
    ];
}
