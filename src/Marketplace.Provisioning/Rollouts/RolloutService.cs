using System.Globalization;
using System.Text.Json.Nodes;
using CsvHelper;
using CsvHelper.Configuration;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Queries;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;

namespace Marketplace.Provisioning.Rollouts;

/// <summary>
/// A bulk rollout: one offering for many municipalities (a list of AGS, or every inhabited municipality of a Land).
/// Each municipality's configuration is its Land defaults, then the rollout's common values, then its row of the
/// overrides CSV (column "ags", other columns named like form fields: "fitConnect.umgebung", "bueroaemter[0].name").
/// </summary>
public sealed record RolloutRequest(
    string OfferingId, string PlanId, IReadOnlyList<string>? AddOnIds, IReadOnlyList<string>? MunicipalityAgs, string? LandCode,
    JsonObject? CommonConfiguration, string? OverridesCsv);

/// <summary>
/// A municipality the rollout left out, and why: code "already-subscribed", or "data-policy" when the municipality's own
/// data policy excludes the offering (Violations names the rules). A bundling organisation cannot make an exception to a
/// municipality's policy: only the municipality's buyer-admin can, by ordering the offering itself with a reason.
/// </summary>
public sealed record RolloutSkip(string Ags, string Reason)
{
    public const string AlreadySubscribed = "already-subscribed";
    public const string DataPolicy = "data-policy";
    public string Code { get; init; } = AlreadySubscribed;
    public IReadOnlyList<Marketplace.Catalog.Residency.PolicyViolation> Violations { get; init; } = [];

    /// <summary>The state of the municipality's subscription when it is already subscribed, as the reason names it; null otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? State { get; init; }

    /// <summary>The reason in the language of <paramref name="texts"/>; <see cref="Reason"/> (German) where it has no coded text.</summary>
    public string Word(Microsoft.Extensions.Localization.IStringLocalizer texts) => State is { } state
        ? CodedProblems.Word(texts, "order.already-subscribed", [ResourceWord.State(state)], Reason)
        : Reason;
}

public sealed record RolloutResult(string RolloutId, int Created, IReadOnlyList<RolloutSkip> Skipped);

/// <summary>A failed municipality of a rollout with the reason the broker or the platform gave.</summary>
public sealed record RolloutFailure(string Ags, string SubscriptionId, string? Reason);

/// <summary>Live progress: counts per state, failures, throughput so far and the estimated time to completion.</summary>
public sealed record RolloutProgress(
    string RolloutId, string OfferingId, int Total, IReadOnlyDictionary<string, int> CountsByState, IReadOnlyList<RolloutFailure> Failures,
    DateTimeOffset StartedAt, TimeSpan Elapsed, double CompletedPerSecond, TimeSpan? EstimatedRemaining)
{
    /// <summary>The municipalities the rollout left out, with the reason.</summary>
    public IReadOnlyList<RolloutSkip> Skipped { get; init; } = [];

    public int Count(string state) => CountsByState.GetValueOrDefault(state);
    public bool Finished => Count(SubscriptionStates.Active) + Count(SubscriptionStates.Failed) + Count(SubscriptionStates.Cancelled) == Total;
}

/// <summary>A rollout in the list of its organisation.</summary>
public sealed class RolloutSummary
{
    public string Id { get; init; } = "";
    public string OfferingId { get; init; } = "";
    public string PlanId { get; init; } = "";
    public string CreatedBy { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public long Total { get; init; }
}

/// <summary>Bulk rollouts of one offering to many municipalities: creation, live progress, retry of the failed ones.</summary>
public sealed class RolloutService(Database database, AuditTrail audit, OfferingDirectory offerings, ConfigSecrets secrets,
    MunicipalityDirectory municipalities, SubscriptionWriter writer, SubscriptionService subscriptions, JobStore jobs, TimeProvider clock)
{
    private const int MaxReportedErrors = 200;
    private static readonly System.Text.Json.JsonSerializerOptions SkipJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    public async Task<RolloutResult> CreateAsync(string actingUserId, string? actingOrgId, RolloutRequest request, CancellationToken ct = default)
    {
        var offering = await offerings.GetAsync(request.OfferingId, ct)
            ?? throw new RequestValidationException([FieldError.Coded("offeringId", "order.unknown-offering", "unbekanntes Angebot")]);
        var plan = offering.Plan(request.PlanId) ?? throw new RequestValidationException([FieldError.Coded("planId", "order.unknown-plan", "unbekannter Tarif")]);
        var addOns = (request.AddOnIds ?? []).Distinct().Order(StringComparer.Ordinal).ToList();
        var errors = addOns.Where(a => plan.AddOnList.All(x => x.Id != a)).Select(a => FieldError.Coded("addOnIds", "order.add-on-not-in-plan", $"Zusatzleistung '{a}' gehört nicht zum Tarif", a)).ToList();
        if ((request.MunicipalityAgs is null) == (request.LandCode is null))
            errors.Add(FieldError.Coded("municipalityAgs", "rollout.ags-or-land", "entweder eine Liste von AGS oder ein Land angeben"));
        if (errors.Count > 0) throw new RequestValidationException(errors);
        var schema = TenantSchema.For(offering.Descriptor.TenantConfigSchema);
        var overrides = ReadOverrides(schema, request.OverridesCsv, errors);

        List<MunicipalityInfo> targets;
        Dictionary<string, SubscriptionRecord> existing;
        Dictionary<string, IReadOnlyList<LandDefault>> defaultsByLand = new();
        IReadOnlyDictionary<string, Marketplace.Catalog.Residency.DataPolicy> policies;
        await using (var c = await database.OpenAsync(ct))
        {
            // The same rule as a single order: a deprecated, retired or non-conformant offering is rolled out nowhere.
            var listing = await OrderabilityRule.CurrentAsync(c, null, offering.Id);
            var why = listing is null ? NotOrderableReasons.Retired : OrderabilityRule.WhyNot(listing);
            if (why is not null)
                throw new RequestValidationException([new NotOrderable(why, listing is null ? [] : OrderabilityRule.MissingStandards(listing), null).At("offeringId")]);
            if (request.LandCode is { } land)
                targets = (await municipalities.InhabitedOfLandAsync(land, ct)).ToList();
            else
            {
                var wanted = request.MunicipalityAgs!.ToHashSet(StringComparer.Ordinal);
                targets = (await municipalities.GetManyAsync(wanted, ct)).Values.OrderBy(m => m.Ags, StringComparer.Ordinal).ToList();
                foreach (var missing in wanted.Except(targets.Select(t => t.Ags)).Take(MaxReportedErrors))
                    errors.Add(FieldError.Coded($"municipalityAgs/{missing}", "rollout.unknown-municipality", "unbekannte Gemeinde"));
            }
            existing = (await c.QueryAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionsOfOffering, new { offeringId = offering.Id }))
                .ToDictionary(s => s.MunicipalityAgs, StringComparer.Ordinal);
            foreach (var landCode in targets.Select(t => t.LandCode).Distinct())
                defaultsByLand[landCode] = await LandDefaults.ForAsync(c, null, offering.Id, landCode);
            policies = await Residency.DataPolicies.AllRulesAsync(c);
        }
        foreach (var ags in overrides.Keys.Except(targets.Select(t => t.Ags)).Take(MaxReportedErrors))
            errors.Add(FieldError.Coded($"overridesCsv/{ags}", "rollout.not-in-rollout", "Gemeinde gehört nicht zum Rollout"));
        foreach (var t in targets.Where(t => !offering.LandCodes.Contains(t.LandCode)).Take(MaxReportedErrors))
            errors.Add(new NotOrderable(NotOrderableReasons.Land, [], t.LandName).At($"municipalityAgs/{t.Ags}"));

        var skipped = new List<RolloutSkip>();
        var prepared = new List<(MunicipalityInfo Municipality, JsonObject ProtectedOwn, string? RenewId)>();
        foreach (var m in targets)
        {
            if (existing.TryGetValue(m.Ags, out var s) && s.State != SubscriptionStates.Cancelled)
            {
                skipped.Add(new RolloutSkip(m.Ags, $"bereits abonniert (Zustand {s.State})") { State = s.State });
                continue;
            }
            // A municipality's data policy is its own decision: a rollout never orders what it excludes.
            if (policies.TryGetValue(m.Ags, out var policy) && !policy.IsEmpty
                && Marketplace.Catalog.Residency.DataPolicyFit.Evaluate(offering.Descriptor.Hosting, policy, m.LandAbbreviation) is { Fits: false } misfit)
            {
                skipped.Add(new RolloutSkip(m.Ags, "passt nicht zur Datenrichtlinie der Kommune (" + string.Join(", ", misfit.Violations.Select(v => v.Code).Distinct())
                    + "); bestellen kann sie nur die Kommune selbst mit einer begründeten Ausnahme") { Code = RolloutSkip.DataPolicy, Violations = misfit.Violations });
                continue;
            }
            // The rollout's own values are the municipality's own values from now on; CSV cells win over common values.
            var own = (JsonObject)(request.CommonConfiguration?.DeepClone() ?? new JsonObject());
            if (overrides.TryGetValue(m.Ags, out var row)) own = EffectiveConfiguration.Merge(schema, [new(ConfigSource.Own, own), new(ConfigSource.Own, row)]).Values;
            var effective = EffectiveConfiguration.Merge(schema, LandDefaults.Layers(defaultsByLand[m.LandCode]).Append(new ConfigLayer(ConfigSource.Own, own)));
            foreach (var e in schema.Validate(secrets.Reveal(effective.Values)))
                if (errors.Count < MaxReportedErrors) errors.Add(e.At($"municipalities/{m.Ags}/configuration"));
            prepared.Add((m, secrets.Protect(schema, own), s?.Id));
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var rolloutId = Guid.NewGuid().ToString();
        await using var work = await Work.BeginAsync(database, audit, ct);
        await work.Exec(ProvisioningSql.InsertRollout, new
        {
            id = rolloutId, offering = offering.Id, plan = plan.Id, addOns = string.Join(",", addOns), org = actingOrgId, user = actingUserId,
            now = clock.GetUtcNow(), total = prepared.Count,
        });
        var fees = plan.SetupFeeList.Select(f => f.Id).ToList();
        var fulfilment = offering.IsBroker ? Fulfilments.Broker : Fulfilments.Manual;
        SubscriptionWriter.NewSubscription New(MunicipalityInfo m, JsonObject own, string? id) => new(id ?? Guid.NewGuid().ToString(), m.Ags, offering.Id,
            offering.VendorId, plan.Id, addOns, fees, fulfilment, own, null, rolloutId, actingUserId, actingOrgId);
        var fresh = prepared.Where(p => p.RenewId is null).Select(p => New(p.Municipality, p.ProtectedOwn, null)).ToList();
        await writer.InsertManyAsync(work, fresh);
        await work.Exec(ProvisioningSql.InsertRolloutSkip, skipped.Select(skip => new
        {
            rolloutId, ags = skip.Ags, code = skip.Code, reason = skip.Reason,
            violations = skip.Violations.Count == 0 ? null : System.Text.Json.JsonSerializer.Serialize(skip.Violations, SkipJson),
        }).ToList());
        var starter = new OperationStarter(jobs);
        foreach (var (m, own, renewId) in prepared.Where(p => p.RenewId is not null))
        {
            var renewed = New(m, own, renewId);
            await writer.RenewAsync(work, renewed, renewId!);
            await starter.StartAsync(work, renewed.Id, offering.VendorId, fulfilment, JobKinds.Provision, actingUserId);
        }
        if (offering.IsBroker)
        {
            await jobs.EnsureBrokerAsync(work, offering.VendorId);
            var payload = new OperationPayload(actingUserId).ToJson();
            await jobs.EnqueueManyAsync(work, fresh.Select(s => new NewJob(JobKinds.Provision, s.Id, offering.VendorId, Phases.Request, payload)).ToList());
        }
        work.Audit(new AuditEntry(actingUserId, actingOrgId, "rollout.created", "rollout", rolloutId, null, new JsonObject
        {
            ["offering"] = offering.Id, ["plan"] = plan.Id, ["land"] = request.LandCode, ["municipalities"] = prepared.Count, ["skipped"] = skipped.Count,
            ["skippedForDataPolicy"] = new JsonArray(skipped.Where(x => x.Code == RolloutSkip.DataPolicy).Select(x => (JsonNode)JsonValue.Create(x.Ags)!).ToArray()),
        }));
        await work.CommitAsync(ct);
        return new RolloutResult(rolloutId, prepared.Count, skipped);
    }

    /// <summary>
    /// The rollout's progress; with <paramref name="visibleAgs"/>, only of those municipalities (the ones the caller
    /// holds a delegation for now): a municipality that revoked its delegation is no longer shown, failure details included.
    /// </summary>
    public async Task<RolloutProgress> ProgressAsync(string rolloutId, int maxFailures = 100, IReadOnlySet<string>? visibleAgs = null,
        CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = (await c.QueryAsync<(string OfferingId, DateTimeOffset CreatedAt, long Total)>(ProvisioningSql.RolloutById, new { id = rolloutId })).ToList();
        if (rows.Count == 0) throw new NotFoundException("rollout", rolloutId);
        var rollout = rows[0];
        Dictionary<string, int> counts;
        List<RolloutFailure> failures;
        if (visibleAgs is null)
        {
            counts = (await c.QueryAsync<(string State, long Count)>(ProvisioningSql.RolloutCounts, new { id = rolloutId }))
                .ToDictionary(r => r.State, r => (int)r.Count);
            failures = (await c.QueryAsync<RolloutFailure>(ProvisioningSql.RolloutFailures(database.Dialect), new { id = rolloutId, limit = maxFailures, offset = 0 })).ToList();
        }
        else
        {
            var items = (await c.QueryAsync<(string Ags, string State)>(ProvisioningSql.RolloutItemStates, new { id = rolloutId })).Where(i => visibleAgs.Contains(i.Ags)).ToList();
            counts = items.GroupBy(i => i.State).ToDictionary(g => g.Key, g => g.Count());
            failures = (await c.QueryAsync<RolloutFailure>(ProvisioningSql.AllRolloutFailures, new { id = rolloutId }))
                .Where(f => visibleAgs.Contains(f.Ags)).Take(maxFailures).ToList();
            rollout = rollout with { Total = items.Count };
        }
        var started = rollout.CreatedAt;
        var elapsed = clock.GetUtcNow() - started;
        var done = counts.GetValueOrDefault(SubscriptionStates.Active) + counts.GetValueOrDefault(SubscriptionStates.Failed);
        var rate = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
        var remaining = (int)rollout.Total - done - counts.GetValueOrDefault(SubscriptionStates.Cancelled);
        TimeSpan? eta = remaining <= 0 ? TimeSpan.Zero : rate > 0 ? TimeSpan.FromSeconds(remaining / rate) : null;
        var skips = (await c.QueryAsync<(string Ags, string Code, string Reason, string? Violations)>(ProvisioningSql.RolloutSkips, new { id = rolloutId }))
            .Where(x => visibleAgs is null || visibleAgs.Contains(x.Ags)).ToList();
        // The skip keeps its reason as a German sentence only: the state a page words is the subscription's state now.
        var states = !skips.Any(x => x.Code == RolloutSkip.AlreadySubscribed) ? new Dictionary<string, string>()
            : (await c.QueryAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionsOfOffering, new { offeringId = rollout.OfferingId }))
                .ToDictionary(s => s.MunicipalityAgs, s => s.State, StringComparer.Ordinal);
        var skipped = skips
            .Select(x => new RolloutSkip(x.Ags, x.Reason)
            {
                Code = x.Code,
                State = x.Code == RolloutSkip.AlreadySubscribed ? states.GetValueOrDefault(x.Ags) : null,
                Violations = x.Violations is null ? [] : System.Text.Json.JsonSerializer.Deserialize<List<Marketplace.Catalog.Residency.PolicyViolation>>(x.Violations, SkipJson) ?? [],
            }).ToList();
        return new RolloutProgress(rolloutId, rollout.OfferingId, (int)rollout.Total, counts, failures, started, elapsed, rate, eta) { Skipped = skipped };
    }

    /// <summary>The organisation that started the rollout (null when started without one); <see cref="NotFoundException"/> when unknown.</summary>
    public async Task<string?> OrganisationOfAsync(string rolloutId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = (await c.QueryAsync<string?>(ProvisioningSql.RolloutOrganisation, new { id = rolloutId })).ToList();
        return rows.Count == 0 ? throw new NotFoundException("rollout", rolloutId) : rows[0];
    }

    /// <summary>The rollouts an organisation started, newest first.</summary>
    public async Task<IReadOnlyList<RolloutSummary>> ListAsync(string organisationId, int limit = 100, int offset = 0, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<RolloutSummary>(ProvisioningSql.RolloutsOfOrganisation(database.Dialect), new { org = organisationId, limit, offset })).ToList();
    }

    /// <summary>
    /// Retries every failed municipality of the rollout, or with <paramref name="allowedAgs"/> only those (the ones the
    /// caller may order for now); returns how many were retried.
    /// </summary>
    public async Task<int> RetryFailedAsync(string rolloutId, string actingUserId, string? actingOrgId, IReadOnlySet<string>? allowedAgs = null,
        CancellationToken ct = default)
    {
        await using var work = await Work.BeginAsync(database, audit, ct);
        var failed = (await work.Connection.QueryAsync<SubscriptionRecord>(ProvisioningSql.FailedOfRollout, new { id = rolloutId }, work.Transaction))
            .Where(s => allowedAgs is null || allowedAgs.Contains(s.MunicipalityAgs)).ToList();
        foreach (var s in failed) await subscriptions.RetryInAsync(work, s, actingUserId, actingOrgId);
        if (failed.Count > 0)
            work.Audit(new AuditEntry(actingUserId, actingOrgId, "rollout.retry-failed", "rollout", rolloutId, null, new JsonObject { ["retried"] = failed.Count }));
        await work.CommitAsync(ct);
        return failed.Count;
    }

    /// <summary>AGS → that municipality's overrides, typed by the schema; cells that do not fit their field are errors.</summary>
    private static Dictionary<string, JsonObject> ReadOverrides(TenantSchema schema, string? csvText, List<FieldError> errors)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(csvText)) return result;
        if (CsvUploadLimits.Check(csvText) is { } tooBig)
        {
            errors.Add(tooBig);
            return result;
        }
        try
        {
            ReadOverrides(schema, csvText, errors, result);
        }
        catch (CsvHelperException e)
        {
            // Unbalanced quotes and the like: the line at fault, never a 500.
            errors.Add(FieldError.Coded($"overridesCsv/line {e.Context?.Parser?.Row}", "rollout.csv-line", "keine gültige CSV-Zeile"));
        }
        return result;
    }

    private static void ReadOverrides(TenantSchema schema, string csvText, List<FieldError> errors, Dictionary<string, JsonObject> result)
    {
        var delimiter = csvText.Split('\n')[0].Count(ch => ch == ';') > csvText.Split('\n')[0].Count(ch => ch == ',') ? ";" : ",";
        using var csv = new CsvReader(new StringReader(csvText), new CsvConfiguration(CultureInfo.InvariantCulture) { Delimiter = delimiter, TrimOptions = TrimOptions.Trim });
        if (!csv.Read() || !csv.ReadHeader() || !csv.HeaderRecord!.Contains("ags"))
        {
            errors.Add(FieldError.Coded("overridesCsv", "rollout.csv-needs-ags", "die erste Zeile muss die Spalte 'ags' enthalten"));
            return;
        }
        var columns = csv.HeaderRecord!.Where(h => h != "ags").ToList();
        if (columns.Count >= CsvUploadLimits.MaxColumns)
        {
            errors.Add(FieldError.Coded("overridesCsv", "rollout.csv-max-columns", $"höchstens {CsvUploadLimits.MaxColumns} Spalten", CsvUploadLimits.MaxColumns));
            return;
        }
        while (csv.Read())
        {
            var ags = csv.GetField("ags") ?? "";
            var line = csv.Parser.Row;
            if (line > CsvUploadLimits.MaxRows + 1)
            {
                errors.Add(FieldError.Coded("overridesCsv", "rollout.csv-max-rows", $"höchstens {CsvUploadLimits.MaxRows} Zeilen", CsvUploadLimits.MaxRows));
                return;
            }
            if (csv.Parser.Record?.FirstOrDefault(f => f.Length > CsvUploadLimits.MaxFieldLength) is not null)
            {
                errors.Add(FieldError.Coded($"overridesCsv/line {line}", "rollout.csv-field-too-long", $"ein Feld ist länger als {CsvUploadLimits.MaxFieldLength} Zeichen", CsvUploadLimits.MaxFieldLength));
                continue;
            }
            if (ags.Length != 8 || !ags.All(char.IsAsciiDigit)) { errors.Add(FieldError.Coded($"overridesCsv/line {line}", "rollout.not-an-ags", $"'{ags}' ist kein AGS", ags)); continue; }
            var form = columns.ToDictionary(h => h, h => (string?)csv.GetField(h));
            var values = ConfigForm.Read(schema, form, out var cellErrors);
            foreach (var e in cellErrors) errors.Add(e.At($"overridesCsv/{ags}"));
            if (!result.TryAdd(ags, values)) errors.Add(FieldError.Coded($"overridesCsv/{ags}", "rollout.csv-twice", "Gemeinde steht mehrfach in der Datei"));
        }
    }
}
