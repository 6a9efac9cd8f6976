using System.Security.Claims;
using System.Text;
using Marketplace.Billing.Accounts;
using Marketplace.Billing.Funding;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Metering;
using Marketplace.Billing.Overview;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Billing.Stripe;
using Marketplace.Billing.XRechnung;
using Marketplace.Identity.Access;
using Marketplace.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Billing.Api;

/// <summary>
/// The billing endpoints under /api/v1: usage ingestion for vendors, invoices, usage and forecast for municipalities,
/// usage received and revenue for vendors, billing runs and the funding report for the platform, the Stripe webhook, and
/// the quotes of an order before it is placed (<see cref="QuoteApi"/>).
/// Every endpoint names its policy; a municipality's or vendor's data seen by anyone else answers 404.
/// </summary>
public static class BillingApi
{
    public const string StripeWebhookPath = "/api/v1/billing/stripe/webhook";

    public static IEndpointRouteBuilder MapBillingApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(StripeWebhookPath, async Task<Results<Ok<StripeWebhookResponse>, ProblemHttpResult>> (HttpRequest request, StripeWebhookProcessor processor, CancellationToken ct) =>
            {
                // The signature covers the exact bytes Stripe sent, so the body is read raw, never model-bound.
                using var reader = new StreamReader(request.Body, Encoding.UTF8);
                var json = await reader.ReadToEndAsync(ct);
                var outcome = await processor.ProcessAsync(json, request.Headers["Stripe-Signature"].ToString(), ct);
                return outcome == WebhookOutcome.BadSignature
                    ? TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid Stripe signature",
                        detail: "The Stripe-Signature header does not verify against the request body.")
                    : TypedResults.Ok(new StripeWebhookResponse(true, outcome.ToString()));
            })
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("StripeWebhook")
            .WithTags(ApiTags.Billing)
            .WithSummary("Stripe webhook: invoice.paid and invoice.payment_failed update the invoice (signature-verified).")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        var api = app.MapGroup("/api/v1").WithTags(ApiTags.Billing)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/usage", Ingest).RequireAuthorization(Policies.VendorUser)
            .WithName("ReportUsage").WithSummary("Usage events of the caller's vendor, at most 1,000 per batch; a status per event")
            .Produces<UsageBatchResponse>().ProducesValidationProblem();

        api.MapGet("/municipalities/{ags}/invoices", ListInvoices).RequireAuthorization(Policies.Authenticated)
            .WithName("ListMunicipalityInvoices").WithSummary("The municipality's issued invoices, newest first").Produces<IReadOnlyList<Invoice>>();
        // The export answers as the list does (another municipality: 404).
        api.MapGet("/municipalities/{ags}/invoices/export.csv", InvoicesCsv).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The municipality's issued invoices as CSV").Produces(StatusCodes.Status200OK, contentType: "text/csv");
        api.MapGet("/municipalities/{ags}/invoices/{invoiceId}", GetInvoice).RequireAuthorization(Policies.Authenticated)
            .WithName("GetMunicipalityInvoice").WithSummary("One invoice with its lines").Produces<InvoiceDocument>();
        api.MapGet("/municipalities/{ags}/invoices/{invoiceId}/xrechnung", DownloadXRechnung).RequireAuthorization(Policies.Authenticated)
            .WithName("DownloadXRechnung").WithSummary("The invoice as XRechnung 3.0 (UBL 2.1 XML)")
            .Produces(StatusCodes.Status200OK, contentType: "application/xml").ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/municipalities/{ags}/credit-notes", ListCreditNotes).RequireAuthorization(Policies.Authenticated)
            .WithName("ListMunicipalityCreditNotes").WithSummary("The municipality's credit notes (voided and corrected invoices), newest first")
            .Produces<IReadOnlyList<CreditNote>>();
        api.MapGet("/municipalities/{ags}/credit-notes/{creditNoteId}", GetCreditNote).RequireAuthorization(Policies.Authenticated)
            .WithName("GetMunicipalityCreditNote").WithSummary("One credit note with its lines").Produces<CreditNoteDocument>();
        api.MapGet("/municipalities/{ags}/credit-notes/{creditNoteId}/xrechnung", DownloadCreditNoteXRechnung).RequireAuthorization(Policies.Authenticated)
            .WithName("DownloadCreditNoteXRechnung").WithSummary("The credit note as XRechnung 3.0 (UBL 2.1 CreditNote, type 381)")
            .Produces(StatusCodes.Status200OK, contentType: "application/xml").ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/municipalities/{ags}/usage", MunicipalityUsage).RequireAuthorization(Policies.Authenticated)
            .WithName("GetMunicipalityUsage").WithSummary("Usage this month (or ?period=YYYY-MM) against the included quantities, and the extras forecast")
            .Produces<MunicipalityUsage>().ProducesValidationProblem();
        api.MapGet("/municipalities/{ags}/billing-account", GetAccount).RequireAuthorization(Policies.Authenticated)
            .WithName("GetBillingAccount").WithSummary("Payment channel and invoice e-mail, with the Leitweg-ID and address of the organisation")
            .Produces<BillingAccountResponse>();
        api.MapPut("/municipalities/{ags}/billing-account", SaveAccount).RequireAuthorization(Policies.BuyerAdmin)
            .WithName("SaveBillingAccount").WithSummary("Chooses the payment channel (xrechnung or stripe) and the invoice e-mail")
            .Produces<BillingAccount>().ProducesValidationProblem();

        api.MapGet("/vendors/{vendorId}/usage", VendorUsage).RequireAuthorization(Policies.Authenticated)
            .WithName("GetVendorUsage").WithSummary("Usage the vendor reported for a month (?period=YYYY-MM, default this month), per offering and dimension")
            .Produces<IReadOnlyList<VendorUsage>>().ProducesValidationProblem();
        api.MapGet("/vendors/{vendorId}/revenue", VendorRevenue).RequireAuthorization(Policies.Authenticated)
            .WithName("GetVendorRevenue").WithSummary("Net revenue per month and offering from issued invoices (?from=&to=, default the last 12 months)")
            .Produces<IReadOnlyList<VendorRevenue>>().ProducesValidationProblem();

        api.MapGet("/billing/runs", ListRuns).RequireAuthorization(Policies.PlatformReader)
            .WithName("ListBillingRuns").WithSummary("Billing runs with their totals, newest first").Produces<IReadOnlyList<BillingRun>>();
        api.MapPost("/billing/runs", StartRun).RequireAuthorization(Policies.PlatformAdmin)
            .WithName("StartBillingRun").WithSummary("Bills a month that has ended; running it again writes no second invoice")
            .Produces<BillingRunResult>(StatusCodes.Status201Created).ProducesValidationProblem();
        api.MapGet("/billing/periods/{period}/invoices", PeriodInvoices).RequireAuthorization(Policies.PlatformReader)
            .WithName("ListPeriodInvoices").WithSummary("Every invoice of a month, drafts included").Produces<IReadOnlyList<Invoice>>().ProducesValidationProblem();
        api.MapPost("/billing/periods/{period}/finalization", FinalizePeriod).RequireAuthorization(Policies.PlatformAdmin)
            .WithName("FinalizePeriod").WithSummary("Finalizes every draft of a month; drafts that cannot be issued yet are reported").ProducesValidationProblem();
        api.MapRenamedPost("/billing/periods/{period}/finalize", "finalization");
        api.MapPost("/billing/invoices/{invoiceId}/finalization", FinalizeInvoice).RequireAuthorization(Policies.PlatformAdmin)
            .WithName("FinalizeInvoice").WithSummary("Issues a draft invoice").Produces<Invoice>().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapRenamedPost("/billing/invoices/{invoiceId}/finalize", "finalization");
        api.MapPost("/billing/invoices/{invoiceId}/cancellation", VoidInvoice).RequireAuthorization(Policies.PlatformAdmin)
            .WithName("VoidInvoice").WithSummary("Voids an invoice that is not paid; an issued one gets a credit note for its remaining amount")
            .Produces<Invoice>().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapRenamedPost("/billing/invoices/{invoiceId}/void", "cancellation");
        api.MapPost("/billing/invoices/{invoiceId}/corrections", CorrectInvoice).RequireAuthorization(Policies.PlatformAdmin)
            .WithName("CorrectInvoice").WithSummary("Lowers quantities of an issued invoice's lines (e.g. corrected usage) and issues a credit note for the difference")
            .Produces<CreditNoteDocument>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/billing/invoices/{invoiceId}/replacement", ReplaceInvoice).RequireAuthorization(Policies.PlatformAdmin)
            .WithName("ReplaceInvoice").WithSummary("Corrects an issued invoice in any way that is not a pure reduction (e.g. usage reported too low): a credit note cancels it and a new invoice with the corrected quantities replaces it")
            .Produces<InvoiceReplacement>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/billing/funding", Funding).RequireAuthorization(Policies.PlatformReader)
            .WithName("GetFundingReport").WithSummary("List value of the standard packages in use per funder, month, Land and offering (?from=&to=)")
            .Produces<IReadOnlyList<FundingRow>>().ProducesValidationProblem();
        api.MapGet("/billing/funding.csv", FundingCsv).RequireAuthorization(Policies.PlatformReader)
            .WithName("GetFundingReportCsv").WithSummary("The funding report as CSV (semicolons, UTF-8)")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").ProducesValidationProblem();
        // The order quotes are billing's too: the module has this one entry point.
        app.MapQuoteApi();
        return app;
    }

    /// <summary>What the webhook did with the event (Stripe only looks at the status).</summary>
    public sealed record StripeWebhookResponse(bool Received, string Outcome);
    public sealed record UsageBatchRequest(IReadOnlyList<UsageEventInput>? Events);
    public sealed record UsageBatchResponse(int Accepted, int Duplicates, int Rejected, IReadOnlyList<UsageEventResult> Events);
    public sealed record BillingAccountRequest(string? PaymentChannel, string? Email);
    /// <summary>The municipality's billing account; null until its buyer-admin chooses a payment channel.</summary>
    public sealed record BillingAccountResponse(BillingAccount? Account);
    public sealed record RunRequest(string? Period);
    public sealed record CorrectionRequest(string? Reason, IReadOnlyList<LineCorrection>? Lines);
    /// <summary>The invoices issued, why others stay drafts, and which municipalities' billing accounts miss what.</summary>
    public sealed record FinalizePeriodResponse(IReadOnlyList<Invoice> Finalized, IReadOnlyList<string> Problems, IReadOnlyList<IncompleteAccount> Incomplete);

    /// <summary>True when the principal may see the municipality's invoices: its users, delegates with that permission, the platform.</summary>
    public static Task<bool> SeesInvoicesAsync(TenantAccess access, ClaimsPrincipal user, string ags, CancellationToken ct) =>
        access.CanActForMunicipalityAsync(user, ags, MunicipalityPermission.ViewInvoices, ct);

    /// <summary>True when the principal may see the vendor's usage and revenue: its users and clients, and the platform.</summary>
    public static bool SeesVendor(ClaimsPrincipal user, string vendorId) => TenantAccess.ActsForVendor(user, vendorId) || TenantAccess.ReadsAll(user);

    /// <summary>A "YYYY-MM" parameter, or the fallback when absent; a malformed one is the caller's error, named by field.</summary>
    public static BillingMonth MonthParameter(string field, string? value, BillingMonth fallback) =>
        value is null ? fallback
        : BillingMonth.TryParse(value, out var month) ? month
        : throw RequestValidationException.Coded(field, "month.format", "ein Monat als JJJJ-MM, z. B. 2026-11");

    /// <summary>The longest page of a billing list (limit 1 to 200, default 50).</summary>
    private const int MaxPage = 200;

    private static async Task<Results<Ok<UsageBatchResponse>, NotFound>> Ingest(UsageBatchRequest? request, ClaimsPrincipal user, UsageIngestionService ingestion, CancellationToken ct)
    {
        // The vendor comes from the token, never from the body: a vendor can only report for its own offerings, and
        // another vendor's subscription answers as unknown, so its existence does not leak.
        if (TenantAccess.VendorOf(user) is not { } vendorId) return TypedResults.NotFound();
        var result = await ingestion.IngestAsync(vendorId, request?.Events ?? [], ct);
        var accepted = result.Count(UsageEventStatus.Accepted);
        var duplicates = result.Count(UsageEventStatus.Duplicate);
        return TypedResults.Ok(new UsageBatchResponse(accepted, duplicates, result.Events.Count - accepted - duplicates, result.Events));
    }

    private static async Task<Results<Ok<IReadOnlyList<Invoice>>, NotFound>> ListInvoices(string ags, [AsParameters] PageRequest paging, ClaimsPrincipal user, [FromServices] TenantAccess access, InvoiceService invoices, CancellationToken ct)
    {
        if (!await SeesInvoicesAsync(access, user, ags, ct)) return TypedResults.NotFound();
        var (take, skip) = paging.Of(MaxPage);
        return TypedResults.Ok(await invoices.ListIssuedForMunicipalityAsync(ags, take, skip, ct));
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> InvoicesCsv(string ags, ClaimsPrincipal user, [FromServices] TenantAccess access,
        InvoiceExport exports, CancellationToken ct)
    {
        if (!await access.CanActForMunicipalityAsync(user, ags, MunicipalityPermission.ViewInvoices, ct)) return TypedResults.NotFound();
        return TypedResults.File(await exports.CsvAsync(ags, ct), CsvExport.ContentType, $"rechnungen-{ags}.csv");
    }

    private static async Task<Results<Ok<InvoiceDocument>, NotFound>> GetInvoice(string ags, string invoiceId, ClaimsPrincipal user, [FromServices] TenantAccess access, InvoiceService invoices, CancellationToken ct)
    {
        if (!await SeesInvoicesAsync(access, user, ags, ct)) return TypedResults.NotFound();
        return await invoices.IssuedForMunicipalityAsync(ags, invoiceId, ct) is { } d ? TypedResults.Ok(d) : TypedResults.NotFound();
    }

    private static async Task<Results<FileContentHttpResult, RefusedHttpResult, NotFound>> DownloadXRechnung(string ags, string invoiceId, ClaimsPrincipal user, [FromServices] TenantAccess access, InvoiceService invoices,
        CreditNoteService creditNotes, HttpContext httpContext, CancellationToken ct)
    {
        if (!await SeesInvoicesAsync(access, user, ags, ct) || await invoices.IssuedForMunicipalityAsync(ags, invoiceId, ct) is not { } d) return TypedResults.NotFound();
        if (d.Invoice.PaymentChannel != PaymentChannels.XRechnung)
            return CodedProblems.Refused(new ConflictException($"Rechnung {d.Invoice.Number} wird über {d.Invoice.PaymentChannel} bezahlt; E-Rechnungen gibt es nur auf dem Weg XRechnung.")
                { Code = "invoice.no-xrechnung", Args = [d.Invoice.Number, d.Invoice.PaymentChannel ?? ""] });
        if (d.Invoice.State != InvoiceStates.Void) return TypedResults.File(XRechnungFile(d), "application/xml", $"{d.Invoice.Number}.xml");
        // The document stays as it was issued; the download says it was voided and names the credit note that cancels it.
        var response = httpContext.Response;
        response.Headers["X-Invoice-State"] = InvoiceStates.Void;
        foreach (var note in await creditNotes.ListForInvoiceAsync(d.Invoice.Id, ct))
            response.Headers.Append("Link", $"</api/v1/municipalities/{ags}/credit-notes/{note.Id}/xrechnung>; rel=\"related\"; title=\"{note.Number}\"");
        return TypedResults.File(XRechnungFile(d), "application/xml", $"{d.Invoice.Number}-storniert.xml");
    }

    private static async Task<Results<Ok<IReadOnlyList<CreditNote>>, NotFound>> ListCreditNotes(string ags, [AsParameters] PageRequest paging, ClaimsPrincipal user, [FromServices] TenantAccess access, CreditNoteService creditNotes, CancellationToken ct)
    {
        if (!await SeesInvoicesAsync(access, user, ags, ct)) return TypedResults.NotFound();
        var (take, skip) = paging.Of(MaxPage);
        return TypedResults.Ok(await creditNotes.ListForMunicipalityAsync(ags, take, skip, ct));
    }

    private static async Task<Results<Ok<CreditNoteDocument>, NotFound>> GetCreditNote(string ags, string creditNoteId, ClaimsPrincipal user, [FromServices] TenantAccess access, CreditNoteService creditNotes, CancellationToken ct)
    {
        if (!await SeesInvoicesAsync(access, user, ags, ct)) return TypedResults.NotFound();
        return await creditNotes.ForMunicipalityAsync(ags, creditNoteId, ct) is { } d ? TypedResults.Ok(d) : TypedResults.NotFound();
    }

    private static async Task<Results<FileContentHttpResult, RefusedHttpResult, NotFound>> DownloadCreditNoteXRechnung(string ags, string creditNoteId, ClaimsPrincipal user, [FromServices] TenantAccess access, CreditNoteService creditNotes, CancellationToken ct)
    {
        if (!await SeesInvoicesAsync(access, user, ags, ct) || await creditNotes.ForMunicipalityAsync(ags, creditNoteId, ct) is not { } d) return TypedResults.NotFound();
        if (d.CreditNote.PaymentChannel != PaymentChannels.XRechnung)
            return CodedProblems.Refused(new ConflictException($"Gutschrift {d.CreditNote.Number} gehört zu einer Rechnung, die über {d.CreditNote.PaymentChannel} bezahlt wird; E-Rechnungen gibt es nur auf dem Weg XRechnung.")
                { Code = "credit-note.no-xrechnung", Args = [d.CreditNote.Number, d.CreditNote.PaymentChannel ?? ""] });
        return TypedResults.File(XRechnungFile(d), "application/xml", $"{d.CreditNote.Number}.xml");
    }

    /// <summary>The credit note's XRechnung as UTF-8 bytes with the XML declaration.</summary>
    public static byte[] XRechnungFile(CreditNoteDocument d)
    {
        using var stream = new MemoryStream();
        XRechnungWriter.Write(d).Save(stream);
        return stream.ToArray();
    }

    /// <summary>The invoice's XRechnung as UTF-8 bytes with the XML declaration.</summary>
    public static byte[] XRechnungFile(InvoiceDocument d)
    {
        using var stream = new MemoryStream();
        XRechnungWriter.Write(d).Save(stream);
        return stream.ToArray();
    }

    private static async Task<Results<Ok<MunicipalityUsage>, NotFound>> MunicipalityUsage(string ags, string? period, ClaimsPrincipal user, [FromServices] TenantAccess access, BillingOverviewService overview, CancellationToken ct)
    {
        if (!await SeesInvoicesAsync(access, user, ags, ct)) return TypedResults.NotFound();
        return TypedResults.Ok(await overview.MunicipalityUsageAsync(ags, MonthParameter("period", period, overview.CurrentMonth), ct));
    }

    private static async Task<Results<Ok<BillingAccountResponse>, NotFound>> GetAccount(string ags, ClaimsPrincipal user, [FromServices] TenantAccess access, BillingAccountService accounts, CancellationToken ct)
    {
        if (!await SeesInvoicesAsync(access, user, ags, ct)) return TypedResults.NotFound();
        return TypedResults.Ok(new BillingAccountResponse(await accounts.GetAsync(ags, ct)));
    }

    private static async Task<Results<Ok<BillingAccount>, NotFound>> SaveAccount(string ags, BillingAccountRequest request, ClaimsPrincipal user, BillingAccountService accounts, CancellationToken ct)
    {
        // How the municipality pays is its own buyer-admins' decision, not a delegate's (as the invoice address in identity).
        if (user.OrganisationKindOf() != OrganisationKinds.Municipality || user.AgsOf() != ags) return TypedResults.NotFound();
        return TypedResults.Ok(await accounts.SaveAsync(new BillingAccountSettings(ags, request.PaymentChannel ?? "", request.Email ?? ""), Actor.Of(user), ct));
    }

    private static async Task<Results<Ok<IReadOnlyList<VendorUsage>>, NotFound>> VendorUsage(string vendorId, string? period, ClaimsPrincipal user, BillingOverviewService overview, CancellationToken ct)
    {
        if (!SeesVendor(user, vendorId)) return TypedResults.NotFound();
        return TypedResults.Ok(await overview.VendorUsageAsync(vendorId, MonthParameter("period", period, overview.CurrentMonth), ct));
    }

    private static async Task<Results<Ok<IReadOnlyList<VendorRevenue>>, NotFound>> VendorRevenue(string vendorId, string? from, string? to, ClaimsPrincipal user, BillingOverviewService overview, CancellationToken ct)
    {
        if (!SeesVendor(user, vendorId)) return TypedResults.NotFound();
        var last = MonthParameter("to", to, overview.CurrentMonth);
        var first = MonthParameter("from", from, BillingMonth.Of(last.FirstDay.AddMonths(-11)));
        return TypedResults.Ok(await overview.VendorRevenueAsync(vendorId, first, last, ct));
    }

    private static async Task<Ok<IReadOnlyList<BillingRun>>> ListRuns([AsParameters] PageRequest paging, BillingRunService runs, CancellationToken ct)
    {
        var (take, skip) = paging.Of(MaxPage);
        return TypedResults.Ok(await runs.ListAsync(take, skip, ct));
    }

    private static async Task<Created<BillingRunResult>> StartRun(RunRequest request, ClaimsPrincipal user, BillingRunService runs, CancellationToken ct)
    {
        if (!BillingMonth.TryParse(request.Period, out var month)) throw RequestValidationException.Coded("period", "month.format", "ein Monat als JJJJ-MM, z. B. 2026-11");
        var result = await runs.RunAsync(month, Actor.Of(user), ct);
        return TypedResults.Created($"/api/v1/billing/periods/{month.Period}/invoices", result);
    }

    private static async Task<Ok<IReadOnlyList<Invoice>>> PeriodInvoices(string period, InvoiceService invoices, CancellationToken ct) =>
        TypedResults.Ok(await invoices.ListForPeriodAsync(MonthParameter("period", period, default), ct));

    private static async Task<Ok<FinalizePeriodResponse>> FinalizePeriod(string period, HttpContext http, PeriodFinalization finalization, CancellationToken ct)
    {
        var result = await finalization.FinalizeAsync(MonthParameter("period", period, default), Actor.Of(http.User), ct);
        var texts = CodedProblems.Texts(http);
        return TypedResults.Ok(new FinalizePeriodResponse(result.Finalized, result.Problems.Select(p => texts.Word(p)).ToList(), result.Incomplete));
    }

    private static async Task<Ok<Invoice>> FinalizeInvoice(string invoiceId, ClaimsPrincipal user, InvoiceService invoices, StripeInvoiceSync stripe, CancellationToken ct)
    {
        var invoice = await invoices.FinalizeAsync(invoiceId, Actor.Of(user), ct);
        await stripe.PushIssuedAsync([invoice], ct);
        return TypedResults.Ok(invoice);
    }

    private static async Task<Ok<Invoice>> VoidInvoice(string invoiceId, ClaimsPrincipal user, InvoiceService invoices, StripeInvoiceSync stripe, CancellationToken ct)
    {
        await invoices.VoidAsync(invoiceId, Actor.Of(user), ct);
        var invoice = (await invoices.GetAsync(invoiceId, ct))!.Invoice;
        if (invoice.PaymentChannel == PaymentChannels.Stripe) await stripe.PushPendingCreditNotesAsync(invoiceId, ct);
        return TypedResults.Ok(invoice);
    }

    private static async Task<Created<CreditNoteDocument>> CorrectInvoice(string invoiceId, CorrectionRequest? request, ClaimsPrincipal user, CreditNoteService creditNotes,
        StripeInvoiceSync stripe, CancellationToken ct)
    {
        var note = await creditNotes.CorrectAsync(invoiceId, request?.Lines ?? [], request?.Reason, Actor.Of(user), ct);
        if (note.CreditNote.PaymentChannel == PaymentChannels.Stripe) await stripe.PushPendingCreditNotesAsync(invoiceId, ct);
        return TypedResults.Created($"/api/v1/municipalities/{note.CreditNote.MunicipalityAgs}/credit-notes/{note.CreditNote.Id}", note);
    }

    private static async Task<Created<InvoiceReplacement>> ReplaceInvoice(string invoiceId, CorrectionRequest? request, ClaimsPrincipal user, CreditNoteService creditNotes,
        StripeInvoiceSync stripe, CancellationToken ct)
    {
        var replacement = await creditNotes.ReplaceAsync(invoiceId, request?.Lines ?? [], request?.Reason, Actor.Of(user), ct);
        var invoice = replacement.Invoice.Invoice;
        if (invoice.PaymentChannel == PaymentChannels.Stripe)
        {
            // Both with keys derived from the documents' ids: a retry after a failure creates nothing twice in Stripe.
            await stripe.PushPendingCreditNotesAsync(invoiceId, ct);
            await stripe.PushIssuedAsync([invoice], ct);
        }
        return TypedResults.Created($"/api/v1/municipalities/{invoice.MunicipalityAgs}/invoices/{invoice.Id}", replacement);
    }

    private static (BillingMonth From, BillingMonth To) FundingRange(string? from, string? to, BillingOverviewService overview)
    {
        var last = MonthParameter("to", to, overview.CurrentMonth);
        return (MonthParameter("from", from, last), last);
    }

    private static async Task<Ok<IReadOnlyList<FundingRow>>> Funding(string? from, string? to, FundingReportService funding, BillingOverviewService overview, CancellationToken ct)
    {
        var (first, last) = FundingRange(from, to, overview);
        return TypedResults.Ok(await funding.GetAsync(first, last, ct));
    }

    private static async Task<FileContentHttpResult> FundingCsv(string? from, string? to, FundingReportService funding, BillingOverviewService overview, CancellationToken ct)
    {
        var (first, last) = FundingRange(from, to, overview);
        var csv = FundingReportService.ToCsv(await funding.GetAsync(first, last, ct));
        return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray(), CsvExport.ContentType,
            $"foerderbericht-{first}-{last}.csv");
    }
}
