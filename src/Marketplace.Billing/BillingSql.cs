using Marketplace.Storage;

namespace Marketplace.Billing;

/// <summary>Every statement of the billing module, parameterised; dialect differences come from <see cref="ISqlDialect"/>.</summary>
internal static class BillingSql
{
    // ---- usage metering ---------------------------------------------------------------------------------------------

    public static string LockPeriods(ISqlDialect d, RowLock mode) =>
        $"SELECT period, state FROM billing_periods {d.LockTableHint(mode)} WHERE period {d.InList("periods")} {d.LockTrailingClause(mode)}";

    public const string ClosePeriod = "UPDATE billing_periods SET state = 'closed', closed_at = @closedAt WHERE period = @period";

    public static readonly string[] UsageColumns = ["vendor_id", "event_id", "subscription_id", "dimension", "quantity", "occurred_at", "period", "received_at"];

    // ---- billing run ------------------------------------------------------------------------------------------------

    public const string UsageTotals = """
        SELECT subscription_id, dimension, SUM(quantity) AS Quantity
        FROM usage_events WHERE period = @period GROUP BY subscription_id, dimension
        """;

    public static string UsageTotalsOf(ISqlDialect d) => $"""
        SELECT subscription_id, dimension, SUM(quantity) AS Quantity
        FROM usage_events WHERE period = @period AND subscription_id {d.InList("ids")} GROUP BY subscription_id, dimension
        """;

    public const string InvoicedMunicipalities = "SELECT municipality_ags FROM invoices WHERE period = @period";

    public const string InvoiceCount = "SELECT COUNT(*) FROM invoices WHERE period = @period";

    public const string InsertRun = """
        INSERT INTO billing_runs (id, period, started_at, completed_at, actor_user_id, invoice_count, net_cents, vat_cents, gross_cents)
        VALUES (@Id, @Period, @StartedAt, @CompletedAt, @ActorUserId, @InvoiceCount, @NetCents, @VatCents, @GrossCents)
        """;

    public static readonly string[] InvoiceColumns =
    [
        "id", "number", "municipality_ags", "period", "billing_run_id", "state", "currency", "net_cents", "vat_rate_basis_points",
        "vat_cents", "gross_cents", "period_start", "period_end", "created_at", "updated_at",
    ];

    public static readonly string[] LineColumns =
    [
        "invoice_id", "line_no", "kind", "subscription_id", "offering_id", "offering_name", "plan_id", "extra_id", "extra_name", "tier_no",
        "unit", "quantity", "unit_price_cents", "price_base", "amount_cents", "service_from", "service_to", "vat_category",
        "vat_rate_basis_points", "vat_exemption_reason", "vat_exemption_code",
    ];

    private const string RunColumns = """
        id, period, started_at, completed_at, actor_user_id, invoice_count, net_cents, vat_cents, gross_cents
        """;

    public const string RunCount = "SELECT COUNT(*) FROM billing_runs WHERE period = @period";

    public static string Runs(ISqlDialect d) => $"SELECT {RunColumns} FROM billing_runs ORDER BY started_at DESC, id {d.Page("limit", "offset")}";

    // ---- invoices ---------------------------------------------------------------------------------------------------

    // An invoice is replaced at most once: only a live invoice can be replaced, and replacing it voids it.
    private const string InvoiceSelect = """
        SELECT id, number, municipality_ags, period, billing_run_id, state, currency, net_cents, vat_rate_basis_points, vat_cents,
               gross_cents, period_start, period_end, payment_channel, issue_date, due_date, buyer_json, seller_json,
               stripe_invoice_id, stripe_pushed_at, payment_failure, created_at, updated_at, replaces_invoice_id,
               (SELECT r.number FROM invoices r WHERE r.id = invoices.replaces_invoice_id) AS ReplacesInvoiceNumber,
               (SELECT r.issue_date FROM invoices r WHERE r.id = invoices.replaces_invoice_id) AS ReplacesInvoiceIssueDate,
               (SELECT n.id FROM invoices n WHERE n.replaces_invoice_id = invoices.id) AS ReplacedByInvoiceId,
               (SELECT n.number FROM invoices n WHERE n.replaces_invoice_id = invoices.id) AS ReplacedByInvoiceNumber
        FROM invoices
        """;

    public const string InvoiceById = InvoiceSelect + " WHERE id = @id";
    public const string InvoiceByStripeId = InvoiceSelect + " WHERE stripe_invoice_id = @stripeInvoiceId";

    public static string InvoicesOfMunicipality(ISqlDialect d) =>
        InvoiceSelect + $" WHERE municipality_ags = @ags ORDER BY period DESC {d.Page("limit", "offset")}";

    /// <summary>What a municipality sees: issued invoices; drafts are the platform's until they are finalized.</summary>
    public static string IssuedInvoicesOfMunicipality(ISqlDialect d) =>
        InvoiceSelect + $" WHERE municipality_ags = @ags AND state <> 'draft' ORDER BY period DESC, number DESC {d.Page("limit", "offset")}";

    public const string InvoicesOfPeriod = InvoiceSelect + " WHERE period = @period ORDER BY number";
    public const string DraftIdsOfPeriod = "SELECT id FROM invoices WHERE period = @period AND state = 'draft' ORDER BY number";

    public const string StripeInvoicesToPush = """
        SELECT id FROM invoices WHERE payment_channel = 'stripe' AND state = 'finalized' AND stripe_pushed_at IS NULL ORDER BY number
        """;

    public const string LinesOfInvoice = """
        SELECT invoice_id, line_no, kind, subscription_id, offering_id, offering_name, plan_id, extra_id, extra_name, tier_no, unit,
               quantity, unit_price_cents, price_base, amount_cents, service_from, service_to, vat_category, vat_rate_basis_points,
               vat_exemption_reason, vat_exemption_code
        FROM invoice_lines WHERE invoice_id = @id ORDER BY line_no
        """;

    public static string LockInvoice(ISqlDialect d) =>
        $"SELECT state FROM invoices {d.LockTableHint(RowLock.Update)} WHERE id = @id {d.LockTrailingClause(RowLock.Update)}";

    public const string Finalize = """
        UPDATE invoices SET state = 'finalized', payment_channel = @channel, issue_date = @issueDate, due_date = @dueDate,
               buyer_json = @buyerJson, seller_json = @sellerJson, updated_at = @now
        WHERE id = @id AND state = 'draft'
        """;

    public const string SetState = "UPDATE invoices SET state = @state, payment_failure = @failure, updated_at = @now WHERE id = @id";

    /// <summary>An invoice replacing a voided one, issued at once (it is written finalized, not as a draft).</summary>
    public const string InsertReplacementInvoice = """
        INSERT INTO invoices (id, number, municipality_ags, period, billing_run_id, state, currency, net_cents, vat_rate_basis_points, vat_cents,
                              gross_cents, period_start, period_end, payment_channel, issue_date, due_date, buyer_json, seller_json,
                              created_at, updated_at, replaces_invoice_id)
        VALUES (@Id, @Number, @MunicipalityAgs, @Period, @BillingRunId, @State, @Currency, @NetCents, @VatRateBasisPoints, @VatCents,
                @GrossCents, @PeriodStart, @PeriodEnd, @PaymentChannel, @IssueDate, @DueDate, @BuyerJson, @SellerJson,
                @CreatedAt, @UpdatedAt, @ReplacesInvoiceId)
        """;

    public const string InsertInvoiceLine = """
        INSERT INTO invoice_lines (invoice_id, line_no, kind, subscription_id, offering_id, offering_name, plan_id, extra_id, extra_name, tier_no,
                                   unit, quantity, unit_price_cents, price_base, amount_cents, service_from, service_to, vat_category,
                                   vat_rate_basis_points, vat_exemption_reason, vat_exemption_code)
        VALUES (@InvoiceId, @LineNo, @Kind, @SubscriptionId, @OfferingId, @OfferingName, @PlanId, @ExtraId, @ExtraName, @TierNo,
                @Unit, @Quantity, @UnitPriceCents, @PriceBase, @AmountCents, @ServiceFrom, @ServiceTo, @VatCategory,
                @VatRateBasisPoints, @VatExemptionReason, @VatExemptionCode)
        """;

    public const string SetStripeInvoice = "UPDATE invoices SET stripe_invoice_id = @stripeInvoiceId, updated_at = @now WHERE id = @id";
    public const string SetStripePushed = "UPDATE invoices SET stripe_pushed_at = @now, updated_at = @now WHERE id = @id";


    // ---- credit notes -----------------------------------------------------------------------------------------------

    private const string CreditNoteSelect = """
        SELECT n.id, n.number, n.invoice_id, i.number AS InvoiceNumber, i.issue_date AS InvoiceIssueDate, n.municipality_ags, i.period,
               i.period_start, i.period_end, n.kind, n.reason, n.currency, n.net_cents, n.vat_cents, n.gross_cents, n.issue_date,
               n.payment_channel, n.buyer_json, n.seller_json, n.stripe_credit_note_id, n.created_at
        FROM credit_notes n JOIN invoices i ON i.id = n.invoice_id
        """;

    public const string CreditNoteById = CreditNoteSelect + " WHERE n.id = @id";
    public const string CreditNotesOfInvoice = CreditNoteSelect + " WHERE n.invoice_id = @invoiceId ORDER BY n.number";

    public static string CreditNotesOfMunicipality(ISqlDialect d) =>
        CreditNoteSelect + $" WHERE n.municipality_ags = @ags ORDER BY n.issue_date DESC, n.number DESC {d.Page("limit", "offset")}";

    public const string CreditNoteLines = """
        SELECT credit_note_id AS InvoiceId, invoice_line_no AS LineNo, kind, subscription_id, offering_id, offering_name, plan_id, extra_id,
               extra_name, tier_no, unit, quantity, unit_price_cents, price_base, amount_cents, service_from, service_to, vat_category,
               vat_rate_basis_points, vat_exemption_reason, vat_exemption_code
        FROM credit_note_lines WHERE credit_note_id = @id ORDER BY line_no
        """;

    /// <summary>What earlier credit notes already credited of each line of an invoice.</summary>
    public const string CreditedOfInvoice = """
        SELECT l.invoice_line_no AS LineNo, SUM(l.quantity) AS Quantity, SUM(l.amount_cents) AS AmountCents
        FROM credit_note_lines l JOIN credit_notes n ON n.id = l.credit_note_id
        WHERE n.invoice_id = @invoiceId GROUP BY l.invoice_line_no
        """;

    public const string InsertCreditNote = """
        INSERT INTO credit_notes (id, number, invoice_id, municipality_ags, kind, reason, currency, net_cents, vat_cents, gross_cents, issue_date,
                                  payment_channel, buyer_json, seller_json, created_at)
        VALUES (@Id, @Number, @InvoiceId, @MunicipalityAgs, @Kind, @Reason, @Currency, @NetCents, @VatCents, @GrossCents, @IssueDate,
                @PaymentChannel, @BuyerJson, @SellerJson, @CreatedAt)
        """;

    public const string InsertCreditNoteLine = """
        INSERT INTO credit_note_lines (credit_note_id, line_no, invoice_line_no, kind, subscription_id, offering_id, offering_name, plan_id, extra_id,
                                       extra_name, tier_no, unit, quantity, unit_price_cents, price_base, amount_cents, service_from, service_to,
                                       vat_category, vat_rate_basis_points, vat_exemption_reason, vat_exemption_code)
        VALUES (@CreditNoteId, @No, @LineNo, @Kind, @SubscriptionId, @OfferingId, @OfferingName, @PlanId, @ExtraId, @ExtraName, @TierNo, @Unit,
                @Quantity, @UnitPriceCents, @PriceBase, @AmountCents, @ServiceFrom, @ServiceTo, @VatCategory, @VatRateBasisPoints,
                @VatExemptionReason, @VatExemptionCode)
        """;

    public const string NextInSeries = "UPDATE document_series SET last_no = last_no + 1 WHERE series = @series";
    public const string LastInSeries = "SELECT last_no FROM document_series WHERE series = @series";

    public const string SetStripeCreditNote = "UPDATE credit_notes SET stripe_credit_note_id = @stripeCreditNoteId WHERE id = @id";

    public const string StripeTaxRate = "SELECT stripe_tax_rate_id FROM stripe_tax_rates WHERE vat_key = @key";

    // ---- billing accounts -------------------------------------------------------------------------------------------

    // The Leitweg-ID and the address are the municipality organisation's (identity); the rest is billing's own.
    public const string AccountByAgs = """
        SELECT municipality_ags, payment_channel, country_code, email, stripe_customer_id
        FROM billing_accounts WHERE municipality_ags = @ags
        """;

    public static string UpsertAccount(ISqlDialect d) => d.Upsert("billing_accounts", ["municipality_ags"],
        ["payment_channel", "country_code", "email", "updated_at"]);

    public const string SetStripeCustomer = "UPDATE billing_accounts SET stripe_customer_id = @customerId WHERE municipality_ags = @ags";

    // ---- views: usage received and revenue per offering for a vendor ---------------------------------------------

    public const string UsageReceivedByVendor = """
        SELECT subscription_id, dimension, COUNT(*) AS Events, SUM(quantity) AS Quantity, MAX(received_at) AS LastReceivedAt
        FROM usage_events WHERE vendor_id = @vendorId AND period = @period
        GROUP BY subscription_id, dimension
        """;

    /// <summary>
    /// Net revenue from issued invoices (never drafts), less what credit notes credited (a voided or replaced invoice's credit
    /// note cancels it, a correction's the difference), by the invoice's month; a voided invoice is not counted as an invoice.
    /// </summary>
    public static string RevenueOfOfferings(ISqlDialect d) => $"""
        SELECT x.period, x.offering_id, x.offering_name,
               COUNT(DISTINCT CASE WHEN x.live = 1 THEN x.invoice_id END) AS Invoices, SUM(x.cents) AS NetCents
        FROM (
            SELECT i.period, l.offering_id, l.offering_name, i.id AS invoice_id, l.amount_cents AS cents,
                   CASE WHEN i.state = 'void' THEN 0 ELSE 1 END AS live
            FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
            WHERE i.issue_date IS NOT NULL AND i.period >= @from AND i.period <= @to
            UNION ALL
            SELECT i.period, l.offering_id, l.offering_name, i.id AS invoice_id, -l.amount_cents AS cents, 0 AS live
            FROM credit_note_lines l JOIN credit_notes n ON n.id = l.credit_note_id JOIN invoices i ON i.id = n.invoice_id
            WHERE i.period >= @from AND i.period <= @to
        ) x
        WHERE x.offering_id {d.InList("offeringIds")}
        GROUP BY x.period, x.offering_id, x.offering_name
        ORDER BY x.period DESC, x.offering_name
        """;

    // ---- what other modules read of an invoice (InvoiceRecords) -----------------------------------------------------

    public const string InvoiceSummary = """
        SELECT municipality_ags, number, period, gross_cents, due_date
        FROM invoices WHERE id = @id
        """;
}
