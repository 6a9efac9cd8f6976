using System.Globalization;
using Marketplace.Catalog.Descriptors;

namespace Marketplace.Conformance;

/// <summary>
/// States of one offering version: draft (editable) → submitted (in review) → approved or rejected; approved →
/// published; a published version is superseded when a newer one is published. Withdraw takes submitted or approved back to draft.
/// </summary>
public static class VersionStates
{
    public const string Draft = "draft";
    public const string Submitted = "submitted";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Published = "published";
    public const string Superseded = "superseded";
}

/// <summary>Where a version came from: the reviewed seed in catalog/, or a vendor.</summary>
public static class VersionOrigins
{
    public const string Catalog = "catalog";
    public const string Vendor = "vendor";
}

/// <summary>Evidence for an attested criterion: submitted (awaiting an auditor), accepted or rejected.</summary>
public static class EvidenceStates
{
    public const string Submitted = "submitted";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
}

/// <summary>The outcome of one criterion: automated checks pass or fail; pending means not run yet (or evidence not decided).</summary>
public static class CheckOutcomes
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string Pending = "pending";

    /// <summary>An auditor's decision: "pass" or "fail"; anything else is refused at the field "outcome".</summary>
    public static bool IsPass(string? outcome) => outcome switch
    {
        Pass => true,
        Fail => false,
        _ => throw ConformanceException.Invalid("outcome", "decision.outcome", "Entscheidung „pass“ oder „fail“ angeben."),
    };
}

/// <summary>An offering: its owner, lifecycle and which of its versions is published.</summary>
public sealed record OfferingHead(string OfferingId, string VendorId, string Lifecycle, int? PublishedVersion, int LatestVersion, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>One version of an offering with its descriptor and where it stands in review.</summary>
public sealed record OfferingVersion(
    string OfferingId, int Version, string VendorId, string State, string Origin, OfferingDescriptor Descriptor, string ContentHash,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? SubmittedAt, DateTimeOffset? DecidedAt, string? DecidedBy, string? DecisionReason,
    DateTimeOffset? PublishedAt);

/// <summary>An offering with all its versions, newest first.</summary>
public sealed record OfferingOverview(OfferingHead Head, IReadOnlyList<OfferingVersion> Versions);

/// <summary>The result of one automated criterion for one offering version; raw evidence is what the platform saw (e.g. the broker's answer).</summary>
public sealed record CheckResult(
    string StandardId, string StandardVersion, string CriterionId, string Outcome, string Detail, string? RawEvidence, DateTimeOffset CheckedAt);

/// <summary>Evidence a vendor uploaded for an attested criterion, with the auditor's decision.</summary>
public sealed record Evidence(
    string Id, string OfferingId, string VendorId, string StandardId, string StandardVersion, string CriterionId, string EvidenceType,
    string Issuer, string IssuedOn, string ExpiresOn, string FileName, string ContentType, string Sha256, long SizeBytes, string Origin,
    string State, DateTimeOffset UploadedAt, string UploadedBy, DateTimeOffset? DecidedAt, string? DecidedBy, string? DecisionReason);

/// <summary>An evidence upload: what it is, who issued it, when, until when, and the file.</summary>
public sealed record EvidenceUpload(
    string StandardId, string StandardVersion, string CriterionId, string Issuer, DateOnly IssuedOn, DateOnly ExpiresOn,
    string FileName, string ContentType, byte[] Content);

/// <summary>The conformance of an offering version to one standard, why, when last checked and until when it holds.</summary>
public sealed record StandardStatus(
    string StandardId, string StandardVersion, string Status, bool Required, string Reason, DateTimeOffset? CheckedAt, string? ValidUntil);

/// <summary>Why an operation was refused: the object is not there (or not the caller's), the state does not allow it, or the input is invalid.</summary>
public enum ConformanceErrorKind { NotFound, Conflict, Invalid }

/// <summary>A refused conformance operation; endpoints map NotFound to 404, Conflict to 409, Invalid to a validation problem.</summary>
public sealed class ConformanceException(ConformanceErrorKind kind, string message, IReadOnlyList<CatalogError>? errors = null) : Exception(message)
{
    public ConformanceErrorKind Kind { get; } = kind;

    /// <summary>The stable code of the refusal as a whole ("descriptor.invalid"); the API and the pages word it in the reader's language.</summary>
    public string? Code { get; init; }

    /// <summary>The values the code's text names ({0}, {1}).</summary>
    public IReadOnlyList<object> Args { get; init; } = [];

    /// <summary>For Invalid: each problem with its field (JSON Pointer) and, for uploaded files, its line.</summary>
    public IReadOnlyList<CatalogError> Errors { get; } = errors ?? [];

    // Each refusal names its code, worded from "Problem.<code>"; the German text is the message for logs.
    public static ConformanceException NotFound(string code, string german, params object[] args) =>
        new(ConformanceErrorKind.NotFound, german) { Code = code, Args = args };

    public static ConformanceException Conflict(string code, string german, params object[] args) =>
        new(ConformanceErrorKind.Conflict, german) { Code = code, Args = args };

    /// <summary>One invalid field, the refusal coded like its one error.</summary>
    public static ConformanceException Invalid(string field, string code, string german, params object[] args) =>
        new(ConformanceErrorKind.Invalid, german, [Error("", field, code, german, args)]) { Code = code, Args = args };

    /// <summary>A coded error of a field (of the file <paramref name="path"/>, when there is one).</summary>
    public static CatalogError Error(string path, string field, string code, string german, params object[] args) =>
        new(path, field, 0, german) { Code = code, Args = args.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture) ?? "").ToList() };

    /// <summary>Each problem under its field; a line in the file is part of the message, so a reader finds it without the extension.</summary>
    public static Dictionary<string, string[]> ErrorsByField(IEnumerable<CatalogError> errors) =>
        errors.GroupBy(FieldOf).ToDictionary(g => g.Key, g => g.Select(x => x.Line > 0 ? $"Zeile {x.Line}: {x.Reason}" : x.Reason).ToArray());

    /// <summary>The field of a problem; a problem of the document as a whole is the "descriptor"'s.</summary>
    public static string FieldOf(CatalogError e) => e.Field.Length == 0 ? "descriptor" : e.Field;
}
