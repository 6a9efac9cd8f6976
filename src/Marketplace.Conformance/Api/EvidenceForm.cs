using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Marketplace.Conformance.Api;

/// <summary>Reads an evidence upload from a multipart form (the API's and the vendor page's alike), naming the field at fault.</summary>
public static class EvidenceForm
{
    public static async Task<EvidenceUpload> ReadAsync(HttpRequest request)
    {
        if (!request.HasFormContentType) throw ConformanceException.Invalid("file", "evidence.multipart", "Nachweise werden als multipart/form-data hochgeladen.");
        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        var file = form.Files.GetFile("file") ?? throw ConformanceException.Invalid("file", "evidence.file-missing", "Bitte eine Datei auswählen.");
        using var content = new MemoryStream();
        await file.CopyToAsync(content, request.HttpContext.RequestAborted);
        // The portal's form picks the criterion in one list ("standard|version|criterion"); the API names the three apart.
        var picked = form["criterion"].ToString().Split('|');
        var (standard, version, criterion) = picked.Length == 3
            ? (picked[0], picked[1], picked[2])
            : (Required(form, "standardId"), Required(form, "standardVersion"), Required(form, "criterionId"));
        return new EvidenceUpload(standard, version, criterion,
            form["issuer"].ToString(), Date(form, "issuedOn"), Date(form, "expiresOn"), file.FileName, file.ContentType, content.ToArray());
    }

    private static string Required(IFormCollection form, string field) =>
        form[field].ToString() is { Length: > 0 } value ? value.Trim() : throw ConformanceException.Invalid(field, "required", "erforderlich");

    private static DateOnly Date(IFormCollection form, string field) =>
        DateOnly.TryParseExact(form[field].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day : throw ConformanceException.Invalid(field, "date.format", "Datum im Format JJJJ-MM-TT angeben.");
}
