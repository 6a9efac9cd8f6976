using Marketplace.Kernel;
using System.Net.Http.Headers;
using System.Text;
using Marketplace.Conformance;
using Marketplace.Conformance.Lifecycle;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Identity.Tests.Conformance;

/// <summary>Offerings and evidence the conformance host tests upload: descriptors in the catalog/ format, evidence forms.</summary>
public static class ConformanceData
{
    public const string KomunaVendor = "komuna-digital";

    /// <summary>A manually provisioned offering (no live broker check) that claims only DSGVO-AVV, the standard every offering must meet.</summary>
    public static string DraftYaml(string id, string name = "Hundesteuer online", string vendor = KomunaVendor) => TestDescriptors.ManualOffering(id, name, vendor);

    public static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    /// <summary>A multipart evidence upload for DSGVO-AVV, as the vendor portal's form sends it.</summary>
    public static MultipartFormDataContent EvidenceForm(string criterion = "avv-muster", string issuer = "Komuna Digital GmbH",
        string issuedOn = "2026-01-15", string expiresOn = "2027-12-31", byte[]? file = null, string contentType = "application/pdf", string? fileName = null)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent("dsgvo-avv"), "standardId" }, { new StringContent("2016/679"), "standardVersion" },
            { new StringContent(criterion), "criterionId" }, { new StringContent(issuer), "issuer" },
            { new StringContent(issuedOn), "issuedOn" }, { new StringContent(expiresOn), "expiresOn" },
        };
        var content = new ByteArrayContent(file ?? Encoding.UTF8.GetBytes("%PDF-1.4 Auftragsverarbeitungsvertrag"));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(content, "file", fileName ?? $"{criterion}.pdf");
        return form;
    }

    /// <summary>The unpublished Komuna offering the denial matrix acts on, created once per host.</summary>
    public const string MatrixDraft = "matrix-entwurf-komuna";

    public static async Task<string> EnsureMatrixDraftAsync(IdentityHost host, string url)
    {
        var lifecycle = host.Services.GetRequiredService<OfferingLifecycle>();
        if ((await lifecycle.ListAsync(KomunaVendor)).All(h => h.OfferingId != MatrixDraft))
        {
            try
            {
                await lifecycle.CreateAsync(new Actor("test", null), KomunaVendor, DraftYaml(MatrixDraft, "Matrix-Entwurf"));
            }
            catch (ConformanceException e) when (e.Kind == ConformanceErrorKind.Invalid && e.Errors.Any(x => x.Field == "/id"))
            {
                // Created concurrently by another row: fine.
            }
        }
        return url;
    }

    /// <summary>Fresh evidence on the matrix draft; its id replaces {evidence} in the URL.</summary>
    public static async Task<string> WithEvidenceAsync(IdentityHost host, string url)
    {
        await EnsureMatrixDraftAsync(host, url);
        var evidence = await host.Services.GetRequiredService<Marketplace.Conformance.Attested.EvidenceService>().UploadAsync(new Actor("test", null), KomunaVendor, MatrixDraft,
            new EvidenceUpload("dsgvo-avv", "2016/679", "tom", "Komuna Digital GmbH", new DateOnly(2026, 1, 15), new DateOnly(2026, 12, 31),
                "tom.pdf", "application/pdf", Encoding.UTF8.GetBytes("%PDF-1.4 TOM")));
        return url.Replace("{evidence}", evidence.Id);
    }
}
