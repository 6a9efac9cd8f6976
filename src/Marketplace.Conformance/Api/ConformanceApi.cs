using System.Security.Claims;
using System.Text;
using Marketplace.Audit;
using Marketplace.Catalog.Descriptors;
using Marketplace.Conformance.Attested;
using Marketplace.Conformance.Lifecycle;
using Marketplace.Conformance.Review;
using Marketplace.Conformance.Standards;
using Marketplace.Identity.Access;
using Marketplace.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Marketplace.Conformance.Api;

/// <summary>
/// The conformance API under /api/v1: vendors' offerings and their lifecycle, evidence, the auditors' review queue and
/// decisions, the standards registry and the audit trail. Vendor routes answer 404 for another vendor's offering;
/// only auditors decide; auditors and platform admins read everything.
/// </summary>
public static class ConformanceApi
{
    public static void MapConformanceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags(ApiTags.Conformance).AddEndpointFilter(Problems)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var vendor = api.MapGroup("/vendors/{vendorId}/offerings");
        api.MapGet("/vendors/{vendorId}/offerings", ListOfferings).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The vendor's offerings with lifecycle, newest version and conformance per standard (its users, auditors, platform admins)");
        api.MapPost("/vendors/{vendorId}/offerings", CreateOffering).RequireAuthorization(Policies.VendorEditor)
            .WithSummary("Creates an offering as a draft from a descriptor (YAML or JSON body, the catalog/ format); errors name field and line")
            .Accepts<string>("application/yaml", "application/json", "text/yaml", "text/plain").ProducesValidationProblem();
        vendor.MapGet("/{offeringId}", GetOffering).RequireAuthorization(Policies.Authenticated)
            .WithSummary("One offering with every version, its conformance per standard and its evidence");
        vendor.MapPut("/{offeringId}/draft", UploadDescriptor).RequireAuthorization(Policies.VendorEditor)
            .WithSummary("Replaces the draft with an uploaded descriptor, or starts the next version when the newest is published")
            .Accepts<string>("application/yaml", "application/json", "text/yaml", "text/plain").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        vendor.MapPatch("/{offeringId}/draft", EditFields).RequireAuthorization(Policies.VendorEditor)
            .WithSummary("Changes the core fields (name, summary, description, Reifegrad, hosting, accessibility statement) of the newest version")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        vendor.MapPost("/{offeringId}/versions/{version}/submission", Submit).RequireAuthorization(Policies.VendorEditor)
            .WithSummary("Submits a draft for review; the automated checks run first").ProducesProblem(StatusCodes.Status409Conflict);
        vendor.MapRenamedPost("/{offeringId}/versions/{version}/submit", "submission");
        vendor.MapPost("/{offeringId}/versions/{version}/withdraw", Withdraw).RequireAuthorization(Policies.VendorEditor)
            .WithSummary("Takes a submitted or approved version back to draft").ProducesProblem(StatusCodes.Status409Conflict);
        vendor.MapPost("/{offeringId}/versions/{version}/publication", Publish).RequireAuthorization(Policies.VendorEditor)
            .WithSummary("Publishes an approved version: the catalogue shows it from now on").ProducesProblem(StatusCodes.Status409Conflict);
        vendor.MapRenamedPost("/{offeringId}/versions/{version}/publish", "publication");
        vendor.MapPost("/{offeringId}/deprecate", Deprecate).RequireAuthorization(Policies.VendorEditor)
            .WithSummary("No new orders; running subscriptions go on").ProducesProblem(StatusCodes.Status409Conflict);
        vendor.MapPost("/{offeringId}/retire", Retire).RequireAuthorization(Policies.VendorEditor)
            .WithSummary("Takes the offering out of the catalogue").ProducesProblem(StatusCodes.Status409Conflict);
        vendor.MapGet("/{offeringId}/evidence", ListEvidence).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The evidence uploaded for the offering's attested criteria, with the auditors' decisions");
        vendor.MapPost("/{offeringId}/evidence", UploadEvidence).RequireAuthorization(Policies.VendorEditor)
            .WithSummary("Uploads evidence (multipart: file, standardId, standardVersion, criterionId, issuer, issuedOn, expiresOn)")
            .Accepts<IFormFile>("multipart/form-data").ProducesValidationProblem();
        api.MapGet("/evidence/{evidenceId}/file", EvidenceFile).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The evidence file, for its vendor and the platform")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream");

        var reviews = api.MapGroup("/reviews");
        api.MapGet("/reviews", Queue).RequireAuthorization(Policies.PlatformReader)
            .WithSummary("Submitted versions and evidence, the longest waiting first");
        reviews.MapGet("/offerings/{offeringId}/versions/{version}", Review).RequireAuthorization(Policies.PlatformReader)
            .WithSummary("A version with its changes against the last approved one, automated results with raw evidence, evidence and statuses");
        reviews.MapPost("/offerings/{offeringId}/versions/{version}/decision", DecideVersion).RequireAuthorization(Policies.Auditor)
            .WithSummary("Approves (pass) or rejects (fail) a submitted version, with the reason").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        reviews.MapPost("/offerings/{offeringId}/versions/{version}/checks", Rerun).RequireAuthorization(Policies.Auditor)
            .WithSummary("Runs the automated checks of the version again, live ones included").ProducesProblem(StatusCodes.Status409Conflict);
        reviews.MapPost("/evidence/{evidenceId}/decision", DecideEvidence).RequireAuthorization(Policies.Auditor)
            .WithSummary("Accepts (pass) or rejects (fail) evidence for an attested criterion, with the reason").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/standards", ListStandards).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The standards with their versions and criteria");
        api.MapGet("/standards/policy", StandardsPolicy).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Which standards the platform requires, of all offerings, a Themenfeld or a Leistung");
        api.MapPost("/standards/{standardId}/versions", AddStandardVersion).RequireAuthorization(Policies.PlatformAdmin)
            .WithSummary("Adds a version of a standard (validated like catalog/standards); an existing version never changes").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        var auditApi = app.MapGroup("/api/v1").WithTags(ApiTags.Audit).AddEndpointFilter(Problems);
        var audit = auditApi.MapGroup("/audit");
        auditApi.MapGet("/audit", QueryAudit).RequireAuthorization(Policies.PlatformReader)
            .WithSummary("Audit entries, newest first, filtered by objectType, objectId, userId, organisationId, action, from, to").ProducesValidationProblem();
        audit.MapGet("/export", ExportAudit).RequireAuthorization(Policies.PlatformReader)
            .WithSummary("The filtered audit log, oldest first, as CSV (format=csv) or JSON (format=json)").ProducesValidationProblem()
            // Written to the body as it is read, so declared rather than inferred.
            .Produces(StatusCodes.Status200OK, responseType: null, "text/csv", "application/json");
        audit.MapGet("/verification", VerifyAudit).RequireAuthorization(Policies.PlatformReader)
            .WithSummary("Walks the hash chain and names the first entry that was altered, inserted or deleted");
    }

    public sealed record DecisionRequest(string? Outcome, string? Reason);
    public sealed record AuditVerificationResponse(bool Intact, long Entries, long? FirstBadEntry, string? Problem);

    /// <summary>Reads of a vendor's offerings: its own users, auditors and platform admins.</summary>
    private static bool Reads(ClaimsPrincipal user, string vendorId) => TenantAccess.ActsForVendor(user, vendorId) || TenantAccess.ReadsAll(user);

    private static async Task<Results<Ok<IReadOnlyList<OfferingSummary>>, RefusedHttpResult>> ListOfferings(string vendorId, ClaimsPrincipal user, OfferingLifecycle lifecycle) =>
        Reads(user, vendorId) ? TypedResults.Ok(await lifecycle.SummariesAsync(vendorId)) : NotFound();

    private static async Task<Results<Created<OfferingVersion>, RefusedHttpResult>> CreateOffering(string vendorId, HttpRequest request, ClaimsPrincipal user, OfferingLifecycle lifecycle)
    {
        if (!TenantAccess.EditsForVendor(user, vendorId)) return NotFound();
        var (text, fileName) = await DescriptorAsync(request);
        var created = await lifecycle.CreateAsync(Actor.Of(user), vendorId, text, fileName);
        return TypedResults.Created($"/api/v1/vendors/{vendorId}/offerings/{created.OfferingId}", created);
    }

    private static async Task<Results<Ok<OfferingStatusView>, RefusedHttpResult>> GetOffering(string vendorId, string offeringId, ClaimsPrincipal user, OfferingLifecycle lifecycle) =>
        Reads(user, vendorId) ? TypedResults.Ok(await lifecycle.StatusViewAsync(vendorId, offeringId)) : NotFound();

    private static async Task<Results<Ok<OfferingVersion>, RefusedHttpResult>> UploadDescriptor(string vendorId, string offeringId, HttpRequest request, ClaimsPrincipal user, OfferingLifecycle lifecycle)
    {
        if (!TenantAccess.EditsForVendor(user, vendorId)) return NotFound();
        var (text, fileName) = await DescriptorAsync(request);
        return TypedResults.Ok(await lifecycle.EditAsync(Actor.Of(user), vendorId, offeringId, text, fileName));
    }

    private static async Task<Results<Ok<OfferingVersion>, RefusedHttpResult>> EditFields(string vendorId, string offeringId, DraftFields fields, ClaimsPrincipal user, OfferingLifecycle lifecycle) =>
        TenantAccess.EditsForVendor(user, vendorId) ? TypedResults.Ok(await lifecycle.EditFieldsAsync(Actor.Of(user), vendorId, offeringId, fields)) : NotFound();

    private static async Task<Results<Ok<OfferingVersion>, RefusedHttpResult>> Submit(string vendorId, string offeringId, int version, ClaimsPrincipal user, OfferingLifecycle lifecycle) =>
        TenantAccess.EditsForVendor(user, vendorId) ? TypedResults.Ok(await lifecycle.SubmitAsync(Actor.Of(user), vendorId, offeringId, version)) : NotFound();

    private static async Task<Results<Ok<OfferingVersion>, RefusedHttpResult>> Withdraw(string vendorId, string offeringId, int version, ClaimsPrincipal user, OfferingLifecycle lifecycle) =>
        TenantAccess.EditsForVendor(user, vendorId) ? TypedResults.Ok(await lifecycle.WithdrawAsync(Actor.Of(user), vendorId, offeringId, version)) : NotFound();

    private static async Task<Results<Ok<OfferingVersion>, RefusedHttpResult>> Publish(string vendorId, string offeringId, int version, ClaimsPrincipal user, OfferingLifecycle lifecycle) =>
        TenantAccess.EditsForVendor(user, vendorId) ? TypedResults.Ok(await lifecycle.PublishAsync(Actor.Of(user), vendorId, offeringId, version)) : NotFound();

    private static async Task<Results<Ok<OfferingHead>, RefusedHttpResult>> Deprecate(string vendorId, string offeringId, ClaimsPrincipal user, OfferingLifecycle lifecycle) =>
        TenantAccess.EditsForVendor(user, vendorId) ? TypedResults.Ok(await lifecycle.DeprecateAsync(Actor.Of(user), vendorId, offeringId)) : NotFound();

    private static async Task<Results<Ok<OfferingHead>, RefusedHttpResult>> Retire(string vendorId, string offeringId, ClaimsPrincipal user, OfferingLifecycle lifecycle) =>
        TenantAccess.EditsForVendor(user, vendorId) ? TypedResults.Ok(await lifecycle.RetireAsync(Actor.Of(user), vendorId, offeringId)) : NotFound();

    private static async Task<Results<Ok<IReadOnlyList<Evidence>>, RefusedHttpResult>> ListEvidence(string vendorId, string offeringId, ClaimsPrincipal user, EvidenceService evidence) =>
        Reads(user, vendorId) ? TypedResults.Ok(await evidence.ListAsync(vendorId, offeringId)) : NotFound();

    private static async Task<Results<Created<Evidence>, RefusedHttpResult>> UploadEvidence(string vendorId, string offeringId, HttpContext http, ClaimsPrincipal user, EvidenceService evidence,
        IOptions<ConformanceOptions> options)
    {
        if (!TenantAccess.EditsForVendor(user, vendorId)) return NotFound();
        // The host's body limit is for JSON; evidence files may be larger, up to the module's own limit (plus the form around them).
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = options.Value.MaxEvidenceBytes + 64 * 1024;
        // The form is read here rather than bound: the tenant check above comes first, and the cookie is SameSite=Lax, so a
        // cross-site form cannot post it (an IFormFile parameter would demand antiforgery middleware the API does not use).
        var upload = await EvidenceForm.ReadAsync(http.Request);
        var created = await evidence.UploadAsync(Actor.Of(user), vendorId, offeringId, upload);
        return TypedResults.Created($"/api/v1/evidence/{created.Id}/file", created);
    }

    private static async Task<Results<FileContentHttpResult, RefusedHttpResult>> EvidenceFile(string evidenceId, HttpContext http, ClaimsPrincipal user, EvidenceService evidence)
    {
        var vendorId = TenantAccess.ReadsAll(user) ? null : TenantAccess.VendorOf(user);
        if (vendorId is null && !TenantAccess.ReadsAll(user)) return NotFound();
        var (e, content) = await evidence.FileAsync(vendorId, evidenceId);
        // Never the uploader's type: a vendor's "text/html" would run in the platform's origin for the auditor who opens it.
        if (content is null) return NotFound();
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(content, "application/octet-stream", e.FileName);
    }

    private static async Task<Ok<IReadOnlyList<ReviewItem>>> Queue(AuditorReview review) => TypedResults.Ok(await review.QueueAsync());

    private static async Task<Ok<VersionReview>> Review(string offeringId, int version, AuditorReview review) =>
        TypedResults.Ok(await review.ReviewAsync(offeringId, version));

    private static async Task<Ok<OfferingVersion>> DecideVersion(string offeringId, int version, DecisionRequest request, ClaimsPrincipal user, AuditorReview review) =>
        TypedResults.Ok(await review.DecideVersionAsync(Actor.Of(user), offeringId, version, CheckOutcomes.IsPass(request.Outcome), request.Reason ?? ""));

    private static async Task<Ok<Evidence>> DecideEvidence(string evidenceId, DecisionRequest request, ClaimsPrincipal user, AuditorReview review) =>
        TypedResults.Ok(await review.DecideEvidenceAsync(Actor.Of(user), evidenceId, CheckOutcomes.IsPass(request.Outcome), request.Reason ?? ""));

    private static async Task<Ok<IReadOnlyList<CheckResult>>> Rerun(string offeringId, int version, ClaimsPrincipal user, AuditorReview review) =>
        TypedResults.Ok(await review.RerunChecksAsync(Actor.Of(user), offeringId, version));

    /// <summary>An auditor's outcome: "pass" or "fail", nothing implied.</summary>
    private static async Task<Ok<IReadOnlyList<StandardInfo>>> ListStandards(StandardsRegistry standards) => TypedResults.Ok(await standards.ListAsync());

    private static async Task<Ok<IReadOnlyList<RequiredStandard>>> StandardsPolicy(StandardsRegistry standards) => TypedResults.Ok(await standards.PolicyAsync());

    private static async Task<Created<StandardVersionInfo>> AddStandardVersion(string standardId, StandardVersionDescriptor version, ClaimsPrincipal user, StandardsRegistry standards)
    {
        var added = await standards.AddVersionAsync(Actor.Of(user), standardId, version);
        return TypedResults.Created($"/api/v1/standards/{standardId}", added);
    }

    private static async Task<Ok<IReadOnlyList<AuditRecord>>> QueryAudit(HttpRequest request, AuditTrail trail) =>
        TypedResults.Ok(await trail.QueryAsync(AuditFilter.Parse(request.Query)));

    private static async Task ExportAudit(HttpContext http, AuditTrail trail, TimeProvider clock)
    {
        var query = AuditFilter.Parse(http.Request.Query);
        var format = http.Request.Query["format"].ToString() is { Length: > 0 } f ? f : "csv";
        if (format is not ("csv" or "json")) throw ConformanceException.Invalid("format", "audit.format", "Format „csv“ oder „json“.");
        var stamp = clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        http.Response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{stamp}.{format}\"";
        if (format == "csv") await AuditExport.WriteCsvAsync(trail, query, http.Response.Body, http.RequestAborted);
        else await AuditExport.WriteJsonAsync(trail, query, http.Response.Body, http.RequestAborted);
    }

    private static async Task<Ok<AuditVerificationResponse>> VerifyAudit(AuditTrail trail)
    {
        var v = await trail.VerifyAsync();
        return TypedResults.Ok(new AuditVerificationResponse(v.Intact, v.Entries, v.FirstBadSeq, v.Problem));
    }

    private static RefusedHttpResult NotFound() => CodedProblems.NotFound();

    /// <summary>The body of a descriptor upload: the text, and a file name that error messages name (from ?fileName=, else by type).</summary>
    private static async Task<(string Text, string FileName)> DescriptorAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (string.IsNullOrWhiteSpace(text)) throw ConformanceException.Invalid("descriptor", "descriptor.missing", "Die Angebotsbeschreibung fehlt (YAML oder JSON im Rumpf).");
        var json = request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true;
        var name = request.Query["fileName"].ToString();
        return (text, string.IsNullOrWhiteSpace(name) ? (json ? "angebot.json" : "angebot.yaml") : Path.GetFileName(name));
    }

    /// <summary>Module refusals as RFC 9457 problem details: 404, 409, or a validation problem naming each field (and line).</summary>
    private static async ValueTask<object?> Problems(EndpointFilterInvocationContext ctx, EndpointFilterDelegate next)
    {
        try
        {
            return await next(ctx);
        }
        catch (ConformanceException e)
        {
            return ToProblem(e, CodedProblems.Texts(ctx.HttpContext));
        }
    }

    /// <summary>
    /// A validation problem words each coded error (schema keyword or check) in the request's language, with its line in
    /// the file; "problems" keeps each error's code, line and the check's own reason.
    /// </summary>
    public static IResult ToProblem(ConformanceException e, IStringLocalizer texts) => e.Kind switch
    {
        ConformanceErrorKind.NotFound => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: texts["Problem.NotFound"].Value, detail: Word(texts, e)),
        ConformanceErrorKind.Conflict => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: texts["Problem.Conflict"].Value, detail: Word(texts, e)),
        _ => CodedProblems.Validation(texts, e.Errors.Select(x => new CodedError(ConformanceException.FieldOf(x), x.Code, Worded(texts, x))),
            detail: Word(texts, e),
            extensions: new Dictionary<string, object?>
            {
                ["problems"] = e.Errors.Select(x => new { field = ConformanceException.FieldOf(x), line = x.Line > 0 ? x.Line : (int?)null, code = x.Code, reason = x.Reason }),
            }),
    };

    /// <summary>The refusal as a whole in the language of <paramref name="texts"/>: its code's text, or its message when it has no code.</summary>
    public static string Word(IStringLocalizer texts, ConformanceException e) => CodedProblems.Word(texts, e.Code, e.Args, e.Message);

    private static string Worded(IStringLocalizer texts, CatalogError x)
    {
        var message = DescriptorErrors.Message(texts, x);
        return x.Line > 0 ? texts["Problem.descriptor.at-line", x.Line, message] : message;
    }

}
