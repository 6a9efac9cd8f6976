using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Xml;
using System.Xml.Schema;
using Marketplace.Audit;
using Marketplace.Billing;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Metering;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Billing.XRechnung;
using Marketplace.Kernel;
using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Queries;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Billing.Accounts;
using LeitwegId = Marketplace.Identity.Organisations.LeitwegId;
using Marketplace.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

// Usage: dotnet run -c Release --project bench/Marketplace.Billing.Bench [-- EVENTS [WORKERS]]
// Needs MARKETPLACE_TEST_POSTGRES (see .ci/start-postgres.sh). Creates and drops a database of its own.
// 1. Loads the Destatis municipality directory and gives every municipality 5 subscriptions (5 offerings of 5 vendors).
// 2. Ingests EVENTS usage events (default 10 million) for November 2026 through UsageIngestionService, batches of 1,000,
//    WORKERS batches in flight (default 4), and reports events/s.
// 3. COPYs the same rows (binary COPY) into a twin table with the same keys and indexes, and reports the ratio.
// 4. Times one raw SQL aggregate over the month's events and the billing run of the month, and reports the ratio.
// 5. Issues the run's invoices (one for each of the 10,800 municipalities) in memory (buyer and seller frozen as finalising does) and times writing them as XRechnung
//    and validating them (the platform's pre-finalisation rules and the official UBL 2.1 schema from ../shared/xrechnung)
//    against serialising the same documents as plain JSON.
var events = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
var workers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
var admin = Environment.GetEnvironmentVariable("MARKETPLACE_TEST_POSTGRES")
    ?? throw new InvalidOperationException("Set MARKETPLACE_TEST_POSTGRES (bash .ci/start-postgres.sh prints it).");
var name = "mp_bench_" + Guid.NewGuid().ToString("N")[..8];
await Admin($"CREATE DATABASE {name}");
try
{
    var connection = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 50 }.ConnectionString;
    var database = new Database(DatabaseEngine.Postgres, connection);
    Migrator.Run(database);
    var world = await Seed.LoadAsync(database);
    Console.WriteLine($"Seeded {world.Municipalities:N0} municipalities, {world.Subscriptions.Count:N0} subscriptions.");

    var clock = new FixedClock(DateTimeOffset.Parse("2026-12-01T06:00:00Z", CultureInfo.InvariantCulture));
    var options = Options.Create(new BillingOptions());
    var (subscriptions, offerings, plans, municipalities) =
        (new SubscriptionRecords(database), new OfferingRecords(database), new PlanRecords(), new MunicipalityDirectory(database));
    var ingestion = new UsageIngestionService(database, BillingCalendar.Berlin, clock, options, subscriptions, plans);

    // ---- ingestion through the service ----
    var batches = (events + 999) / 1000;
    var next = -1L;
    var accepted = 0L;
    var sw = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
    {
        long b;
        while ((b = Interlocked.Increment(ref next)) < batches)
        {
            var batch = world.Batch(b, (int)Math.Min(1000, events - b * 1000));
            var result = await ingestion.IngestAsync(batch.Vendor, batch.Events);
            Interlocked.Add(ref accepted, result.Count(UsageEventStatus.Accepted));
        }
    })));
    sw.Stop();
    if (accepted != events) throw new InvalidOperationException($"Only {accepted} of {events} events were accepted.");
    var ingestRate = events / sw.Elapsed.TotalSeconds;
    Console.WriteLine($"Ingestion: {events:N0} events in {sw.Elapsed.TotalSeconds:F1} s = {ingestRate:N0} events/s ({workers} batches of 1,000 in flight)");

    // ---- COPY of the same rows into a twin table ----
    await using (var c = new NpgsqlConnection(connection))
    {
        await c.OpenAsync();
        await Exec(c, "CREATE TABLE usage_events_copy (LIKE usage_events INCLUDING ALL)");
        sw.Restart();
        await using (var copy = await c.BeginBinaryImportAsync(
            "COPY usage_events_copy (vendor_id, event_id, subscription_id, dimension, quantity, occurred_at, period, received_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (long b = 0; b < batches; b++)
            {
                var batch = world.Batch(b, (int)Math.Min(1000, events - b * 1000));
                foreach (var e in batch.Events)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(batch.Vendor, NpgsqlDbType.Text);
                    await copy.WriteAsync(e.EventId, NpgsqlDbType.Text);
                    await copy.WriteAsync(e.SubscriptionId, NpgsqlDbType.Text);
                    await copy.WriteAsync(e.Dimension, NpgsqlDbType.Text);
                    await copy.WriteAsync(e.Quantity, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(StoredTimestamp.Format(e.Timestamp), NpgsqlDbType.Text);
                    await copy.WriteAsync("2026-11", NpgsqlDbType.Text);
                    await copy.WriteAsync(world.ReceivedAt, NpgsqlDbType.Text);
                }
            }
            await copy.CompleteAsync();
        }
        sw.Stop();
        var copyRate = events / sw.Elapsed.TotalSeconds;
        Console.WriteLine($"COPY:      {events:N0} rows in {sw.Elapsed.TotalSeconds:F1} s = {copyRate:N0} rows/s");
        Console.WriteLine($"Ingestion / COPY = {ingestRate / copyRate:P1} (target >= 25 %); ingestion {(ingestRate >= 20_000 ? "meets" : "misses")} 20,000 events/s");
        await Exec(c, "DROP TABLE usage_events_copy");
        await Exec(c, "VACUUM ANALYZE usage_events");
    }

    // ---- raw aggregate vs. billing run ----
    TimeSpan aggregate;
    await using (var c = new NpgsqlConnection(connection))
    {
        await c.OpenAsync();
        sw.Restart();
        await using var cmd = new NpgsqlCommand("SELECT subscription_id, dimension, SUM(quantity) FROM usage_events WHERE period = '2026-11' GROUP BY subscription_id, dimension", c);
        await using var reader = await cmd.ExecuteReaderAsync();
        var groups = 0;
        while (await reader.ReadAsync()) groups++;
        sw.Stop();
        aggregate = sw.Elapsed;
        Console.WriteLine($"Raw aggregate: {groups:N0} groups in {aggregate.TotalSeconds:F2} s");
    }
    var audit = new AuditTrail(database, Options.Create(new AuditOptions()), clock);
    var runs = new BillingRunService(database, audit, BillingCalendar.Berlin, clock, options, NullLogger<BillingRunService>.Instance,
        subscriptions, offerings, plans);
    sw.Restart();
    var run = await runs.RunAsync(new BillingMonth(2026, 11), Actor.Named("bench"));
    sw.Stop();
    Console.WriteLine($"Billing run: {run.Run.InvoiceCount:N0} invoices, net {run.Run.NetCents / 100m:N2} EUR, in {sw.Elapsed.TotalSeconds:F2} s");
    Console.WriteLine($"Billing run / raw aggregate = {sw.Elapsed / aggregate:F2}x (target <= 3x)");

    // ---- the run's invoices as XRechnung (written and validated) vs. the same data as plain JSON ----
    var accounts = new BillingAccountService(database, audit, clock,
        new Marketplace.Identity.Organisations.OrganisationStore(database, audit, municipalities, new CatalogRepository(database), clock), municipalities);
    var invoices = new InvoiceService(database, audit, BillingCalendar.Berlin, clock, options, accounts, offerings);
    var documents = new List<InvoiceDocument>();
    foreach (var draft in await invoices.ListForPeriodAsync(new BillingMonth(2026, 11)))
        documents.Add(EInvoices.Finalised((await invoices.GetAsync(draft.Id))!));
    var schemas = EInvoices.Schemas();
    long jsonBytes = 0, xmlBytes = 0, findings = 0;
    sw.Restart();
    foreach (var d in documents) jsonBytes += JsonSerializer.SerializeToUtf8Bytes(d).Length;
    sw.Stop();
    var json = sw.Elapsed;
    sw.Restart();
    foreach (var d in documents)
    {
        var xml = XRechnungWriter.Write(d);
        findings += XRechnungRules.Check(xml).Count;
        using var stream = new MemoryStream();
        xml.Save(stream);
        var bytes = stream.ToArray();
        xmlBytes += bytes.Length;
        findings += EInvoices.SchemaFindings(bytes, schemas);
    }
    sw.Stop();
    if (documents.Count != world.Municipalities)
        throw new InvalidOperationException($"{documents.Count:N0} invoices for {world.Municipalities:N0} municipalities; every municipality books an add-on and must be invoiced.");
    Console.WriteLine($"XRechnung: {documents.Count:N0} invoices, one per municipality ({documents.Sum(d => d.Lines.Count):N0} lines), written, checked by the platform's rules and the " +
                      $"UBL 2.1 schema in {sw.Elapsed.TotalSeconds:F2} s ({xmlBytes / 1_048_576.0:N0} MiB, {findings} findings); " +
                      $"plain JSON of the same data in {json.TotalSeconds:F2} s ({jsonBytes / 1_048_576.0:N0} MiB): {sw.Elapsed / json:F1}x");
    if (findings > 0) throw new InvalidOperationException($"{findings} findings in the XRechnung documents.");
}
finally
{
    NpgsqlConnection.ClearAllPools();
    await Admin($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
}
return 0;

async Task Admin(string sql)
{
    await using var c = new NpgsqlConnection(admin);
    await c.OpenAsync();
    await Exec(c, sql);
}

static async Task Exec(NpgsqlConnection c, string sql)
{
    await using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 0 };
    await cmd.ExecuteNonQueryAsync();
}

/// <summary>The run's drafts as issued e-invoices, and the official UBL 2.1 schema to check them with.</summary>
static class EInvoices
{
    private static readonly string Seller = JsonSerializer.Serialize(InvoiceSeller.From(new SellerOptions
    {
        Name = "Marktplatz Kommunal GmbH", Street = "Beispielweg 1", PostalCode = "10115", City = "Berlin", CountryCode = "DE",
        VatId = "DE123456789", ContactName = "Rechnungsstelle", ContactPhone = "+49 30 1234567", ContactEmail = "rechnung@example.org",
        ElectronicAddress = "rechnung@example.org", Iban = "DE02120300000000202051", Bic = "BYLADEM1001", AccountHolder = "Marktplatz Kommunal GmbH",
    }));

    /// <summary>What finalising sets: state, dates and the frozen buyer (with a Leitweg-ID whose check digits are right) and seller.</summary>
    public static InvoiceDocument Finalised(InvoiceDocument d)
    {
        var ags = d.Invoice.MunicipalityAgs;
        var buyer = new InvoiceBuyer(ags, $"Gemeinde {ags}", $"{ags}-{LeitwegId.CheckDigits(ags)}", "Rathausplatz 1", "12345", "Musterstadt", "DE", "kasse@example.org");
        return d with
        {
            Invoice = d.Invoice with
            {
                State = InvoiceStates.Finalized, PaymentChannel = PaymentChannels.XRechnung, IssueDate = "2026-12-01", DueDate = "2026-12-31",
                BuyerJson = JsonSerializer.Serialize(buyer), SellerJson = Seller,
            },
        };
    }

    public static XmlSchemaSet Schemas()
    {
        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "Marketplace.sln"))) repo = repo.Parent;
        var xsd = Path.GetFullPath(Path.Combine(repo!.FullName, "..", "shared", "xrechnung", "ubl-2.1-xsd", "maindoc", "UBL-Invoice-2.1.xsd"));
        var set = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        using var reader = XmlReader.Create(xsd, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = new XmlUrlResolver() });
        set.Add(null, reader);
        set.Compile();
        return set;
    }

    public static int SchemaFindings(byte[] document, XmlSchemaSet schemas)
    {
        var findings = 0;
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, _) => findings++;
        using var reader = XmlReader.Create(new MemoryStream(document), settings);
        while (reader.Read()) { }
        return findings;
    }
}

/// <summary>The benchmark's fixed clock: 1 December 2026, so November can be billed.</summary>
sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>Seed data: municipalities from the Destatis directory, 5 vendors with one offering each, 5 subscriptions per municipality.</summary>
sealed class Seed
{
    public const int Offerings = 5;
    public required int Municipalities { get; init; }
    /// <summary>Subscriptions of each offering (index = offering), so a batch belongs to one vendor.</summary>
    public required List<string>[] ByOffering { get; init; }
    /// <summary>When each subscription became billable: usage before that would be refused.</summary>
    public required Dictionary<string, DateTimeOffset> Starts { get; init; }
    public List<string> Subscriptions => ByOffering.SelectMany(s => s).ToList();
    public string ReceivedAt => StoredTimestamp.Format(DateTimeOffset.Parse("2026-12-01T06:00:00Z", CultureInfo.InvariantCulture));
    private static readonly DateTimeOffset MonthStart = DateTimeOffset.Parse("2026-10-31T23:00:00Z", CultureInfo.InvariantCulture);
    private static readonly DateTimeOffset MonthEnd = DateTimeOffset.Parse("2026-11-30T23:00:00Z", CultureInfo.InvariantCulture);

    /// <summary>Batch b: 1,000 events of one vendor, spread over its subscriptions and over the month; ids are stable per b.</summary>
    public (string Vendor, UsageEventInput[] Events) Batch(long b, int size)
    {
        var offering = (int)(b % Offerings);
        var subs = ByOffering[offering];
        var random = new Random((int)b);
        var events = new UsageEventInput[size];
        for (var i = 0; i < size; i++)
        {
            var sub = subs[random.Next(subs.Count)];
            var from = Starts[sub] > MonthStart ? Starts[sub] : MonthStart;
            events[i] = new UsageEventInput($"e-{b}-{i}", sub, "vorgaenge", 1 + random.Next(3),
                from.AddSeconds(random.Next((int)(MonthEnd - from).TotalSeconds - 60)));
        }
        return ($"vendor-{offering}", events);
    }

    public static async Task<Seed> LoadAsync(Database database)
    {
        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "Marketplace.sln"))) repo = repo.Parent;
        var file = Path.GetFullPath(Path.Combine(repo!.FullName, "..", "shared", "data", "destatis-gv-auszug-2020q4.csv"));
        var directory = GvIsysReader.ReadFile(file);
        await using var c = (NpgsqlConnection)await database.OpenAsync();
        var laender = directory.Units.Where(u => u.Satzart == 10).ToList();
        foreach (var l in laender)
            await Exec(c, "INSERT INTO laender (code, abbreviation, name, name_en, content_hash) VALUES (@p0, @p0, @p1, @p1, 'h')", l.RegionalKey, l.Name);
        // The 10,800 municipalities the issue names (the directory of 2020 has a few more, counting unincorporated areas).
        var municipalities = directory.Municipalities.GroupBy(m => m.Ags).Select(g => g.First()).OrderBy(m => m.Ags, StringComparer.Ordinal).Take(10_800).ToList();
        await using (var copy = await c.BeginBinaryImportAsync("COPY municipalities (ags, ars, name, land_code, kreis_key, population, postal_code) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var m in municipalities)
                await copy.WriteRowAsync(default, m.Ags, m.Ars, m.Name, m.LandCode, m.KreisKey, m.Population, m.PostalCode);
            await copy.CompleteAsync();
        }
        for (var o = 0; o < Offerings; o++)
        {
            await Exec(c, "INSERT INTO vendors (id, name, short_name, vat_id, website, description, document_json, content_hash) VALUES (@p0, @p0, @p0, 'DE1', 'https://example.org', 'd', '{}', 'h')", $"vendor-{o}");
            await Exec(c, "INSERT INTO offerings (id, vendor_id, name, name_en, summary, reifegrad, hosting_location, provisioning_type, price_from_cents, document_json, content_hash) VALUES (@p0, @p1, @p0, @p0, 's', 3, 'de', 'manual', 0, '{}', 'h')", $"offering-{o}", $"vendor-{o}");
            await Exec(c, "INSERT INTO plans (offering_id, plan_id, position, name, name_en, funder, list_value_cents_per_month) VALUES (@p0, 'standard', 0, 'Standard', 'Standard', 'EfA-Finanzierung Bund', 5000)", $"offering-{o}");
            await Exec(c, "INSERT INTO plan_extras (offering_id, plan_id, extra_id, kind, name, name_en, billing_interval, price_cents, unit, included_per_month) VALUES (@p0, 'standard', 'support', 'addon', 'Support', 'Support', 'month', 2900, NULL, NULL)", $"offering-{o}");
            await Exec(c, "INSERT INTO plan_extras (offering_id, plan_id, extra_id, kind, name, name_en, billing_interval, price_cents, unit, included_per_month) VALUES (@p0, 'standard', 'einrichtung', 'setup', 'Einrichtung', 'Setup', NULL, 25000, NULL, NULL)", $"offering-{o}");
            await Exec(c, "INSERT INTO plan_extras (offering_id, plan_id, extra_id, kind, name, name_en, billing_interval, price_cents, unit, included_per_month) VALUES (@p0, 'standard', 'vorgaenge', 'metered', 'Vorgänge', 'Cases', NULL, NULL, 'Vorgang', 100)", $"offering-{o}");
            await Exec(c, "INSERT INTO plan_extra_tiers (offering_id, plan_id, extra_id, tier_no, up_to, unit_price_cents) VALUES (@p0, 'standard', 'vorgaenge', 0, 200, 50), (@p0, 'standard', 'vorgaenge', 1, NULL, 30)", $"offering-{o}");
        }
        // Every municipality books all five offerings: most since before the month, every tenth from a day in it, with the
        // support add-on on its first offering and on every third subscription besides, and a setup fee due in November for
        // those starting in it. The add-on makes every municipality owe extras, so the run invoices all 10,800 of them,
        // whatever the usage: the e-invoice comparison below covers every municipality, as the issue asks.
        var byOffering = Enumerable.Range(0, Offerings).Select(_ => new List<string>()).ToArray();
        var random = new Random(42);
        await using (var subs = await c.BeginBinaryImportAsync("COPY subscriptions (id, municipality_ags, offering_id, vendor_id, plan_id, state, created_at, updated_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var m in municipalities)
                for (var o = 0; o < Offerings; o++)
                {
                    var id = $"sub-{m.Ags}-{o}";
                    byOffering[o].Add(id);
                    await subs.WriteRowAsync(default, id, m.Ags, $"offering-{o}", $"vendor-{o}", "standard", "active", "2026-01-01T00:00:00.0000000Z", "2026-01-01T00:00:00.0000000Z");
                }
            await subs.CompleteAsync();
        }
        var starts = new Dictionary<string, DateTimeOffset>();
        await using (var periods = await c.BeginBinaryImportAsync("COPY subscription_billing_periods (subscription_id, seq, plan_id, addon_ids, valid_from, valid_to) FROM STDIN (FORMAT BINARY)"))
        {
            var i = 0;
            foreach (var id in byOffering.SelectMany(s => s))
            {
                var from = i % 10 == 0 ? MonthStart.AddDays(random.Next(1, 20)) : DateTimeOffset.Parse("2026-01-01T00:00:00Z", CultureInfo.InvariantCulture);
                starts[id] = from;
                await periods.WriteRowAsync(default, id, 1, "standard", i < municipalities.Count || i % 3 == 0 ? "support" : "", StoredTimestamp.Format(from), (string?)null);
                i++;
            }
            await periods.CompleteAsync();
        }
        await using (var fees = await c.BeginBinaryImportAsync("COPY subscription_setup_fees (subscription_id, extra_id, due_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (id, from) in starts.Where(s => s.Value > MonthStart))
                await fees.WriteRowAsync(default, id, "einrichtung", StoredTimestamp.Format(from));
            await fees.CompleteAsync();
        }
        await Exec(c, "ANALYZE");
        return new Seed { Municipalities = municipalities.Count, ByOffering = byOffering, Starts = starts };
    }

    private static async Task Exec(NpgsqlConnection c, string sql, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        for (var i = 0; i < args.Length; i++) cmd.Parameters.AddWithValue($"p{i}", args[i]);
        await cmd.ExecuteNonQueryAsync();
    }
}
