using Marketplace.Kernel;
using Dapper;
using Marketplace.Audit;
using Marketplace.Billing.Accounts;
using Marketplace.Billing.Funding;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Metering;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Queries;
using Marketplace.Identity.Organisations;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VatCategories = Marketplace.Catalog.VatCategories;
using VatTreatment = Marketplace.Catalog.VatTreatment;

namespace Marketplace.Billing.Tests.Support;

/// <summary>
/// A migrated database with a small catalogue (two vendors, two offerings, three plans with every kind of extra), three
/// municipalities, a settable clock and the billing services wired as the host wires them. Subscriptions are inserted
/// directly, as provisioning would write them.
/// </summary>
public sealed class BillingWorld : IAsyncDisposable
{
    public const string VendorA = "vendor-a";
    public const string VendorB = "vendor-b";
    public const string Bauantrag = "bauantrag";
    public const string Parken = "parken";
    public const string Muenchen = "09162000";
    public const string Nuernberg = "09564000";
    public const string Flensburg = "01001000";

    private BillingWorld(TestDatabase db, BillingOptions options)
    {
        Db = db;
        Options = options;
        var o = Microsoft.Extensions.Options.Options.Create(options);
        Audit = new AuditTrail(db.Database, Microsoft.Extensions.Options.Options.Create(new AuditOptions { ChainKey = "test" }), Clock);
        var (subscriptions, offerings, plans, municipalities) =
            (new SubscriptionRecords(db.Database), new OfferingRecords(db.Database), new PlanRecords(), new MunicipalityDirectory(db.Database));
        Ingestion = new UsageIngestionService(db.Database, BillingCalendar.Berlin, Clock, o, subscriptions, plans);
        Runs = new BillingRunService(db.Database, Audit, BillingCalendar.Berlin, Clock, o, NullLogger<BillingRunService>.Instance, subscriptions, offerings, plans);
        Accounts = new BillingAccountService(db.Database, Audit, Clock,
            new OrganisationStore(db.Database, Audit, municipalities, new CatalogRepository(db.Database), Clock), municipalities);
        Invoices = new InvoiceService(db.Database, Audit, BillingCalendar.Berlin, Clock, o, Accounts, offerings);
        Funding = new FundingReportService(db.Database, BillingCalendar.Berlin, subscriptions, offerings, plans, municipalities);
        CreditNotes = new CreditNoteService(db.Database, Audit, BillingCalendar.Berlin, Clock, o);
        Overview = new Overview.BillingOverviewService(db.Database, Runs, BillingCalendar.Berlin, Clock, subscriptions, offerings);
        Quotes = new OrderQuotes(db.Database, BillingCalendar.Berlin, plans, subscriptions, municipalities);
    }

    public TestDatabase Db { get; }
    public Database Database => Db.Database;
    public BillingOptions Options { get; }
    public TestClock Clock { get; } = new(DateTimeOffset.Parse("2026-12-05T09:00:00Z"));
    public AuditTrail Audit { get; }
    public UsageIngestionService Ingestion { get; }
    public BillingRunService Runs { get; }
    public InvoiceService Invoices { get; }
    public BillingAccountService Accounts { get; }
    public FundingReportService Funding { get; }
    public CreditNoteService CreditNotes { get; }
    public Overview.BillingOverviewService Overview { get; }
    public OrderQuotes Quotes { get; }
    public static Actor Admin { get; } = new("admin-1", "platform");

    public static SellerOptions Seller => new()
    {
        Name = "Marktplatz Kommunal GmbH", Street = "Beispielweg 1", PostalCode = "10115", City = "Berlin", CountryCode = "DE",
        VatId = "DE123456789", ContactName = "Rechnungsstelle", ContactPhone = "+49 30 1234567", ContactEmail = "rechnung@example.org",
        ElectronicAddress = "rechnung@example.org", Iban = "DE02120300000000202051", Bic = "BYLADEM1001", AccountHolder = "Marktplatz Kommunal GmbH",
    };

    public static async Task<BillingWorld> CreateAsync(DatabaseEngine engine, BillingOptions? options = null, string? postgresAdmin = null)
    {
        var world = new BillingWorld(await TestDatabase.CreateAsync(engine, postgresAdmin: postgresAdmin), options ?? new BillingOptions { Seller = Seller });
        await world.SeedAsync();
        return world;
    }

    private async Task SeedAsync()
    {
        await using var c = await Database.OpenAsync();
        await c.ExecuteAsync("INSERT INTO laender (code, abbreviation, name, name_en, content_hash) VALUES (@code, @abbr, @name, @name, 'h')",
            new[] { new { code = "09", abbr = "BY", name = "Bayern" }, new { code = "01", abbr = "SH", name = "Schleswig-Holstein" } });
        await c.ExecuteAsync("""
            INSERT INTO vendors (id, name, short_name, vat_id, website, description, document_json, content_hash)
            VALUES (@id, @id, @id, 'DE1', 'https://example.org', 'd', '{}', 'h')
            """, new[] { new { id = VendorA }, new { id = VendorB } });
        await c.ExecuteAsync("""
            INSERT INTO offerings (id, vendor_id, name, name_en, summary, reifegrad, hosting_location, provisioning_type, price_from_cents, document_json, content_hash)
            VALUES (@id, @vendor, @name, @name, 's', 3, 'de', 'manual', 0, '{}', 'h')
            """, new[] { new { id = Bauantrag, vendor = VendorA, name = "Digitaler Bauantrag" }, new { id = Parken, vendor = VendorB, name = "Bewohnerparken" } });
        await c.ExecuteAsync("""
            INSERT INTO plans (offering_id, plan_id, position, name, name_en, funder, list_value_cents_per_month)
            VALUES (@o, @p, 0, @p, @p, @funder, @value)
            """, new[]
        {
            new { o = Bauantrag, p = "gemeinde", funder = "Land Bayern", value = 8900L },
            new { o = Bauantrag, p = "gross", funder = "Land Bayern", value = 15000L },
            new { o = Parken, p = "standard", funder = "EfA-Finanzierung Bund", value = 5000L },
        });
        await c.ExecuteAsync("""
            INSERT INTO plan_extras (offering_id, plan_id, extra_id, kind, name, name_en, billing_interval, price_cents, unit, included_per_month)
            VALUES (@o, @p, @e, @kind, @name, @name, @interval, @price, @unit, @included)
            """, new object[]
        {
            new { o = Bauantrag, p = "gemeinde", e = "support-plus", kind = "addon", name = "Support Plus", interval = (string?)"month", price = (long?)3100, unit = (string?)null, included = (long?)null },
            new { o = Bauantrag, p = "gemeinde", e = "archiv", kind = "addon", name = "Langzeitarchiv", interval = (string?)"year", price = (long?)36500, unit = (string?)null, included = (long?)null },
            new { o = Bauantrag, p = "gemeinde", e = "antraege", kind = "metered", name = "Bauanträge", interval = (string?)null, price = (long?)null, unit = (string?)"Antrag", included = (long?)10 },
            new { o = Bauantrag, p = "gemeinde", e = "einrichtung", kind = "setup", name = "Einrichtung", interval = (string?)null, price = (long?)50000, unit = (string?)null, included = (long?)null },
            new { o = Bauantrag, p = "gross", e = "support-plus", kind = "addon", name = "Support Plus", interval = (string?)"month", price = (long?)6200, unit = (string?)null, included = (long?)null },
            new { o = Bauantrag, p = "gross", e = "antraege", kind = "metered", name = "Bauanträge", interval = (string?)null, price = (long?)null, unit = (string?)"Antrag", included = (long?)50 },
            new { o = Parken, p = "standard", e = "buchungen", kind = "metered", name = "Buchungen", interval = (string?)null, price = (long?)null, unit = (string?)"Buchung", included = (long?)0 },
        });
        await c.ExecuteAsync("""
            INSERT INTO plan_extra_tiers (offering_id, plan_id, extra_id, tier_no, up_to, unit_price_cents) VALUES (@o, @p, @e, @n, @upTo, @price)
            """, new[]
        {
            new { o = Bauantrag, p = "gemeinde", e = "antraege", n = 0, upTo = (long?)100, price = 2500L },
            new { o = Bauantrag, p = "gemeinde", e = "antraege", n = 1, upTo = (long?)null, price = 1800L },
            new { o = Bauantrag, p = "gross", e = "antraege", n = 0, upTo = (long?)null, price = 2000L },
            new { o = Parken, p = "standard", e = "buchungen", n = 0, upTo = (long?)null, price = 10L },
        });
        await c.ExecuteAsync("""
            INSERT INTO municipalities (ags, ars, name, land_code, kreis_key, population, postal_code) VALUES (@ags, @ags, @name, @land, @kreis, 1000, @plz)
            """, new[]
        {
            new { ags = Muenchen, name = "München", land = "09", kreis = "09162", plz = "80331" },
            new { ags = Nuernberg, name = "Nürnberg", land = "09", kreis = "09564", plz = "90402" },
            new { ags = Flensburg, name = "Flensburg", land = "01", kreis = "01001", plz = "24937" },
        });
    }

    /// <summary>One row of billable history: plan and add-ons from one instant until another (open when null).</summary>
    public sealed record Period(string From, string? To, string Plan, string AddOns = "");

    /// <summary>A subscription as provisioning writes it, with its billable history.</summary>
    public async Task SubscribeAsync(string id, string ags, string offering, params Period[] history)
    {
        await using var c = await Database.OpenAsync();
        var vendor = offering == Bauantrag ? VendorA : VendorB;
        await c.ExecuteAsync("""
            INSERT INTO subscriptions (id, municipality_ags, offering_id, vendor_id, plan_id, state, created_at, updated_at)
            VALUES (@id, @ags, @offering, @vendor, @plan, 'active', @at, @at)
            """, new { id, ags, offering, vendor, plan = history[^1].Plan, at = Iso(history[0].From) });
        await c.ExecuteAsync("""
            INSERT INTO subscription_billing_periods (subscription_id, seq, plan_id, addon_ids, valid_from, valid_to)
            VALUES (@id, @seq, @plan, @addons, @from, @to)
            """, history.Select((p, i) => new { id, seq = i + 1, plan = p.Plan, addons = p.AddOns, from = Iso(p.From), to = p.To is null ? null : Iso(p.To) }));
    }

    /// <summary>Gives a plan extra its own VAT treatment, as the catalogue import writes it from the descriptor.</summary>
    public async Task ExtraVatAsync(string offering, string plan, string extra, VatTreatment vat)
    {
        await using var c = await Database.OpenAsync();
        await c.ExecuteAsync("""
            UPDATE plan_extras SET vat_category = @Category, vat_rate_basis_points = @RateBasisPoints, vat_exemption_reason = @ExemptionReason,
                   vat_exemption_code = @ExemptionCode WHERE offering_id = @offering AND plan_id = @plan AND extra_id = @extra
            """, new { vat.Category, vat.RateBasisPoints, vat.ExemptionReason, vat.ExemptionCode, offering, plan, extra });
    }

    public async Task SetupFeeAsync(string subscriptionId, string extraId, string? dueAt)
    {
        await using var c = await Database.OpenAsync();
        await c.ExecuteAsync("INSERT INTO subscription_setup_fees (subscription_id, extra_id, due_at) VALUES (@subscriptionId, @extraId, @due)",
            new { subscriptionId, extraId, due = dueAt is null ? null : Iso(dueAt) });
    }

    /// <summary>The municipality's organisation with its Leitweg-ID and address (as identity keeps them), and its billing account.</summary>
    public async Task AccountAsync(string ags, string channel = PaymentChannels.XRechnung, string? leitweg = "09162000-12345-95")
    {
        await OrganisationAsync(ags, leitweg, "Rathausplatz 1");
        await Accounts.SaveAsync(new BillingAccountSettings(ags, channel, "kasse@example.org"), Admin);
    }

    /// <summary>Writes the municipality organisation as identity's organisation store would.</summary>
    public async Task OrganisationAsync(string ags, string? leitweg, string street)
    {
        await using var c = await Database.OpenAsync();
        var row = new { id = $"municipality-{ags}", ags, leitweg, recipient = $"Stadt {ags}", street, at = Iso("2026-01-01T00:00:00Z") };
        if (await c.ExecuteAsync("""
                UPDATE organisations SET leitweg_id = @leitweg, billing_recipient = @recipient, billing_street = @street,
                    billing_postal_code = '80331', billing_city = 'München' WHERE id = @id
                """, row) == 0)
            await c.ExecuteAsync("""
                INSERT INTO organisations (id, kind, name, municipality_ags, leitweg_id, billing_recipient, billing_street, billing_postal_code, billing_city, created_at, updated_at)
                VALUES (@id, 'municipality', @recipient, @ags, @leitweg, @recipient, @street, '80331', 'München', @at, @at)
                """, row);
    }

    /// <summary>
    /// November issued on the XRechnung channel to München (an add-on, usage over the included 100), Nürnberg (60 requests,
    /// 10 included) and Flensburg (an add-on); the clock then stands on 10 December.
    /// </summary>
    public async Task IssueNovemberAsync()
    {
        await SubscribeAsync("sub-m1", Muenchen, Bauantrag, new Period("2026-10-01T00:00:00+02:00", null, "gemeinde", "support-plus"));
        await SubscribeAsync("sub-n1", Nuernberg, Bauantrag, new Period("2026-10-01T00:00:00+02:00", null, "gemeinde"));
        await SubscribeAsync("sub-f1", Flensburg, Bauantrag, new Period("2026-10-01T00:00:00+02:00", null, "gemeinde", "support-plus"));
        Clock.Now = DateTimeOffset.Parse("2026-11-25T12:00:00Z");
        await Ingestion.IngestAsync(VendorA, [Event("m-1", "sub-m1", "antraege", 150, "2026-11-20T10:00:00Z"), Event("n-1", "sub-n1", "antraege", 60, "2026-11-20T10:00:00Z")]);
        Clock.Now = DateTimeOffset.Parse("2026-12-01T06:00:00Z");
        var november = new BillingMonth(2026, 11);
        await Runs.RunAsync(november, Admin);
        await AccountAsync(Muenchen, leitweg: "09162000-0001-54");
        await AccountAsync(Nuernberg, leitweg: "09564000-12345-88");
        await AccountAsync(Flensburg, leitweg: "01001000-24");
        await Invoices.FinalizePeriodAsync(november, Admin);
        Clock.Now = DateTimeOffset.Parse("2026-12-10T09:00:00Z");
    }

    /// <summary>Instants in tests are written in UTC ("2026-11-01T00:00:00Z") or local Berlin time with offset.</summary>
    public static string Iso(string instant) => StoredTimestamp.Format(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture));

    public static UsageEventInput Event(string id, string subscription, string dimension, long quantity, string at) =>
        new(id, subscription, dimension, quantity, DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture));

    public ValueTask DisposeAsync() => Db.DisposeAsync();
}

/// <summary>A clock the test sets.</summary>
public sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}
