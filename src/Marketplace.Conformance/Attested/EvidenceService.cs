using System.Security.Cryptography;
using Dapper;
using Marketplace.Conformance.Evaluation;
using Marketplace.Conformance.Standards;
using Microsoft.Extensions.Options;

namespace Marketplace.Conformance.Attested;

/// <summary>
/// Evidence for attested criteria: the vendor uploads a certificate, report, contract or self-declaration (issuer, issue date,
/// expiry, file); an auditor accepts or rejects it with a reason. Its validity ends at the stated expiry or when the criterion's
/// validity period since issue runs out, whichever comes first.
/// </summary>
public sealed class EvidenceService
{
    private readonly ConformanceUnitOfWork _uow;
    private readonly ConformanceOptions _options;

    internal EvidenceService(ConformanceUnitOfWork uow, IOptions<ConformanceOptions> options)
    {
        _uow = uow;
        _options = options.Value;
    }

    public Task<Evidence> UploadAsync(Actor actor, string vendorId, string offeringId, EvidenceUpload upload, CancellationToken ct = default) =>
        _uow.RunAsync(async s =>
        {
            var head = await s.HeadAsync(offeringId);
            if (head is null || head.VendorId != vendorId) throw ConformanceException.NotFound("offering.unknown", $"Es gibt kein Angebot „{offeringId}“.", offeringId);
            var standards = await s.StandardsAsync();
            var criterion = standards.Standards.GetValueOrDefault(upload.StandardId)?.Version(upload.StandardVersion)?.Criteria
                .FirstOrDefault(c => c.Id == upload.CriterionId);
            if (criterion is null) throw ConformanceException.Invalid("criterionId", "evidence.unknown-criterion",
                $"Kriterium „{upload.CriterionId}“ von {upload.StandardId} {upload.StandardVersion} gibt es nicht.", upload.CriterionId, upload.StandardId, upload.StandardVersion);
            if (criterion.IsAutomated) throw ConformanceException.Invalid("criterionId", "evidence.automated-criterion", "Dieses Kriterium prüft die Plattform selbst; es braucht keinen Nachweis.");
            if (string.IsNullOrWhiteSpace(upload.Issuer)) throw ConformanceException.Invalid("issuer", "evidence.issuer-missing", "Wer hat den Nachweis ausgestellt?");
            if (upload.IssuedOn > s.Today) throw ConformanceException.Invalid("issuedOn", "evidence.issued-in-future", "Das Ausstellungsdatum liegt in der Zukunft.");
            if (upload.ExpiresOn <= upload.IssuedOn) throw ConformanceException.Invalid("expiresOn", "evidence.expires-before-issued", "Das Ablaufdatum muss nach dem Ausstellungsdatum liegen.");
            if (upload.Content.Length == 0) throw ConformanceException.Invalid("file", "evidence.file-empty", "Die Datei ist leer.");
            if (upload.Content.Length > _options.MaxEvidenceBytes) throw ConformanceException.Invalid("file", "evidence.file-too-large", $"Die Datei ist größer als {_options.MaxEvidenceBytes / 1024 / 1024} MB.", _options.MaxEvidenceBytes / 1024 / 1024);
            if (string.IsNullOrWhiteSpace(upload.FileName) || upload.FileName.Length > 200) throw ConformanceException.Invalid("file", "evidence.file-name", "Der Dateiname fehlt oder ist zu lang.");

            var evidence = new Evidence(Guid.NewGuid().ToString("N"), offeringId, vendorId, upload.StandardId, upload.StandardVersion,
                upload.CriterionId, criterion.EvidenceType, upload.Issuer.Trim(), ConformanceEvaluator.Day(upload.IssuedOn),
                ConformanceEvaluator.Day(EffectiveExpiry(upload.IssuedOn, upload.ExpiresOn, criterion.ValidityMonths)),
                Path.GetFileName(upload.FileName), string.IsNullOrWhiteSpace(upload.ContentType) ? "application/octet-stream" : upload.ContentType,
                Convert.ToHexStringLower(SHA256.HashData(upload.Content)), upload.Content.Length, VersionOrigins.Vendor, EvidenceStates.Submitted,
                s.Now, actor.UserId, null, null, null);
            await s.Connection.ExecuteAsync(ConformanceSql.InsertEvidence, Row(evidence, evidence.Sha256), s.Transaction);
            await s.Connection.ExecuteAsync(ConformanceSql.InsertEvidenceFile, new { evidence_id = evidence.Id, content = upload.Content }, s.Transaction);
            await s.AuditAsync(actor, "evidence.uploaded", "evidence", evidence.Id, null, evidence);
            await s.RecomputeAsync(offeringId, standards, actor);
            return evidence;
        }, ct);

    /// <summary>The last day evidence counts: its stated expiry, but never longer than the criterion allows since issue.</summary>
    public static DateOnly EffectiveExpiry(DateOnly issuedOn, DateOnly expiresOn, int validityMonths)
    {
        var cap = issuedOn.AddMonths(validityMonths).AddDays(-1);
        return expiresOn < cap ? expiresOn : cap;
    }

    internal static object Row(Evidence e, string contentHash) => new
    {
        e.Id, e.OfferingId, e.VendorId, e.StandardId, e.StandardVersion, e.CriterionId, e.EvidenceType, e.Issuer, e.IssuedOn, e.ExpiresOn,
        e.FileName, e.ContentType, e.Sha256, e.SizeBytes, e.Origin, e.State, e.UploadedAt, e.UploadedBy, e.DecidedAt, e.DecidedBy, e.DecisionReason,
        ContentHash = contentHash,
    };

    /// <summary>An auditor's decision on submitted evidence, with the reason; statuses and the catalogue follow in the same transaction.</summary>
    internal Task<Evidence> DecideAsync(Actor auditor, string evidenceId, bool accept, string reason, CancellationToken ct = default) =>
        _uow.RunAsync(async s =>
        {
            if (string.IsNullOrWhiteSpace(reason)) throw ConformanceException.Invalid("reason", "reason-missing", "Begründung fehlt");
            var before = await s.Connection.QuerySingleOrDefaultAsync<Evidence>(ConformanceSql.EvidenceById, new { id = evidenceId }, s.Transaction)
                ?? throw ConformanceException.NotFound("evidence.unknown", $"Es gibt keinen Nachweis „{evidenceId}“.", evidenceId);
            var after = before with
            {
                State = accept ? EvidenceStates.Accepted : EvidenceStates.Rejected, DecidedAt = s.Now, DecidedBy = auditor.UserId, DecisionReason = reason.Trim(),
            };
            var rows = await s.Connection.ExecuteAsync(ConformanceSql.DecideEvidence,
                new { id = evidenceId, state = after.State, decided_at = after.DecidedAt, decided_by = after.DecidedBy, decision_reason = after.DecisionReason }, s.Transaction);
            if (rows != 1) throw ConformanceException.Conflict("evidence.decided", $"Über den Nachweis wurde bereits entschieden ({before.State}).", before.State);
            await s.AuditAsync(auditor, accept ? "evidence.accepted" : "evidence.rejected", "evidence", evidenceId, before, after);
            await s.RecomputeAsync(before.OfferingId, await s.StandardsAsync(), auditor);
            return after;
        }, ct);

    /// <summary>The vendor's evidence for one of its offerings.</summary>
    public Task<IReadOnlyList<Evidence>> ListAsync(string vendorId, string offeringId, CancellationToken ct = default) =>
        _uow.ReadAsync(async s =>
        {
            var head = await s.HeadAsync(offeringId);
            if (head is null || head.VendorId != vendorId) throw ConformanceException.NotFound("offering.unknown", $"Es gibt kein Angebot „{offeringId}“.", offeringId);
            return await s.EvidenceAsync(offeringId);
        }, ct);

    /// <summary>The file of a piece of evidence; <paramref name="vendorId"/> null for auditors, who read all.</summary>
    public Task<(Evidence Evidence, byte[]? Content)> FileAsync(string? vendorId, string evidenceId, CancellationToken ct = default) =>
        _uow.ReadAsync(async s =>
        {
            var e = await s.Connection.QuerySingleOrDefaultAsync<Evidence>(ConformanceSql.EvidenceById, new { id = evidenceId }, s.Transaction);
            if (e is null || (vendorId is not null && e.VendorId != vendorId)) throw ConformanceException.NotFound("evidence.unknown", $"Es gibt keinen Nachweis „{evidenceId}“.", evidenceId);
            return (e, await s.Connection.QuerySingleOrDefaultAsync<byte[]>(ConformanceSql.EvidenceFile, new { id = evidenceId }, s.Transaction));
        }, ct);
}
