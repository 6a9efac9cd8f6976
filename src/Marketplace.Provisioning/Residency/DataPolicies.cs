using System.Security.Claims;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Residency;
using Marketplace.Identity.Access;
using Marketplace.Identity.Organisations;
using Marketplace.Storage;

namespace Marketplace.Provisioning.Residency;

/// <summary>A municipality's data policy as stored, with who set it when; Recommended is its bundling organisations' advice.</summary>
public sealed record DataPolicyView(string Ags, DataPolicy Rules, DateTimeOffset? UpdatedAt, string? UpdatedBy, IReadOnlyList<PolicyRecommendation> Recommendations);

/// <summary>The policy a bundling organisation recommends to the municipalities that delegate to it.</summary>
public sealed record PolicyRecommendation(string OrganisationId, string OrganisationName, DataPolicy Rules, DateTimeOffset UpdatedAt);

/// <summary>How an offering stands against the data policy of the municipality the viewer belongs to.</summary>
public sealed record MunicipalityFit(string Ags, string MunicipalityName, PolicyFit Fit);

/// <summary>
/// The data policies of municipalities (set by their buyer-admin, read by their members) and the recommendations of
/// bundling organisations (set by their bundler-admin). Every change is audited.
/// </summary>
public sealed class DataPolicies(Database database, AuditTrail audit, TimeProvider clock, MunicipalityDirectory municipalities,
    OrganisationStore organisations, DelegationStore delegations)
{
    // Property-mapped: SQLite hands booleans back as integers, which Dapper converts only for properties.
    private sealed class Row
    {
        public string Id { get; init; } = "";
        public bool OnlyGermany { get; init; }
        public bool OnlyOwnLand { get; init; }
        public bool PublicOperatorsOnly { get; init; }
        public bool NoThirdCountryAccess { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public string? UpdatedBy { get; init; }
        public DataPolicy Rules => new(OnlyGermany, OnlyOwnLand, PublicOperatorsOnly, NoThirdCountryAccess);
    }

    public async Task<DataPolicyView> GetAsync(string ags, CancellationToken ct = default)
    {
        // The bundling organisations the municipality has an active delegation with, by name.
        var bundlers = await organisations.GetByAgsAsync(ags, ct) is { } municipality
            ? (await delegations.ActiveOfMunicipalityAsync(municipality.Id, ct)).DistinctBy(d => d.BundlerOrganisationId).ToList()
            : [];
        await using var c = await database.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(ResidencySql.Policy, new { ags }, cancellationToken: ct));
        var recommended = bundlers.Count == 0 ? new Dictionary<string, Row>() : (await c.QueryAsync<Row>(new CommandDefinition(
                ResidencySql.RecommendationsOf(database.Dialect), new { orgs = bundlers.Select(d => d.BundlerOrganisationId).ToArray() }, cancellationToken: ct)))
            .ToDictionary(r => r.Id, StringComparer.Ordinal);
        var recommendations = (from d in bundlers
            where recommended.ContainsKey(d.BundlerOrganisationId)
            let r = recommended[d.BundlerOrganisationId]
            select new PolicyRecommendation(r.Id, d.BundlerName, r.Rules, r.UpdatedAt)).ToList();
        return new DataPolicyView(ags, row?.Rules ?? DataPolicy.None, row?.UpdatedAt, row?.UpdatedBy, recommendations);
    }

    /// <summary>The municipality's rules, read on the caller's connection (ordering checks them while validating).</summary>
    internal async Task<DataPolicy> RulesAsync(System.Data.Common.DbConnection c, string ags) =>
        (await c.QuerySingleOrDefaultAsync<Row>(ResidencySql.Policy, new { ags }))?.Rules ?? DataPolicy.None;

    /// <summary>Every municipality's rules that has set any, by AGS (a rollout checks many municipalities at once).</summary>
    internal static async Task<IReadOnlyDictionary<string, DataPolicy>> AllRulesAsync(System.Data.Common.DbConnection c) =>
        (await c.QueryAsync<Row>(ResidencySql.AllPolicies)).ToDictionary(r => r.Id, r => r.Rules, StringComparer.Ordinal);

    public async Task<DataPolicyView> SetAsync(string ags, DataPolicy rules, string userId, string? organisationId, CancellationToken ct = default)
    {
        await using (var work = await Work.BeginAsync(database, audit, ct))
        {
            var before = await work.Connection.QuerySingleOrDefaultAsync<Row>(ResidencySql.Policy, new { ags }, work.Transaction);
            await work.Connection.ExecuteAsync(database.Dialect.Upsert("municipality_data_policies", ["municipality_ags"],
                    ["only_germany", "only_own_land", "public_operators_only", "no_third_country_access", "updated_at", "updated_by"]),
                Params(rules, new { municipality_ags = ags }, userId), work.Transaction);
            work.Audit(new AuditEntry(userId, organisationId, "data-policy.set", "municipality", ags, before is null ? null : Json(before.Rules), Json(rules)));
            await work.CommitAsync(ct);
        }
        return await GetAsync(ags, ct);
    }

    public async Task<PolicyRecommendation?> RecommendationAsync(string organisationId, CancellationToken ct = default)
    {
        Row? r;
        await using (var c = await database.OpenAsync(ct))
            r = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(ResidencySql.Recommendation, new { org = organisationId }, cancellationToken: ct));
        return r is null ? null : new PolicyRecommendation(r.Id, (await organisations.GetAsync(organisationId, ct))?.Name ?? r.Id, r.Rules, r.UpdatedAt);
    }

    public async Task<PolicyRecommendation> RecommendAsync(string organisationId, DataPolicy rules, string userId, CancellationToken ct = default)
    {
        await using (var work = await Work.BeginAsync(database, audit, ct))
        {
            await work.Connection.ExecuteAsync(database.Dialect.Upsert("bundler_data_policy_recommendations", ["organisation_id"],
                    ["only_germany", "only_own_land", "public_operators_only", "no_third_country_access", "updated_at", "updated_by"]),
                Params(rules, new { organisation_id = organisationId }, userId), work.Transaction);
            work.Audit(new AuditEntry(userId, organisationId, "data-policy.recommended", "organisation", organisationId, null, Json(rules)));
            await work.CommitAsync(ct);
        }
        return (await RecommendationAsync(organisationId, ct))!;
    }

    /// <summary>The municipality's name and Land (abbreviation), or null when there is no such municipality.</summary>
    public async Task<(string Name, string Land)?> MunicipalityAsync(string ags, CancellationToken ct = default) =>
        await municipalities.GetAsync(ags, ct) is { } m ? (m.Name, m.LandAbbreviation) : null;

    /// <summary>How the offering fits the policy of a municipality; null when it has set no rule.</summary>
    public async Task<MunicipalityFit?> FitAsync(string ags, HostingDescriptor hosting, CancellationToken ct = default)
    {
        var policy = await GetAsync(ags, ct);
        if (policy.Rules.IsEmpty || await MunicipalityAsync(ags, ct) is not { } m) return null;
        return new MunicipalityFit(ags, m.Name, DataPolicyFit.Evaluate(hosting, policy.Rules, m.Land));
    }

    /// <summary>The fit for the municipality a signed-in municipal user belongs to; null for everyone else.</summary>
    public async Task<MunicipalityFit?> FitForViewerAsync(ClaimsPrincipal user, HostingDescriptor hosting, CancellationToken ct = default) =>
        user.Identity?.IsAuthenticated == true && user.OrganisationKindOf() == OrganisationKinds.Municipality && user.AgsOf() is { } ags
            ? await FitAsync(ags, hosting, ct) : null;

    /// <summary>The viewer's municipality with its policy and Land, for marking many offerings at once; null when none applies.</summary>
    public async Task<(string Ags, string Name, string Land, DataPolicy Rules)?> ViewerPolicyAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (user.Identity?.IsAuthenticated != true || user.OrganisationKindOf() != OrganisationKinds.Municipality || user.AgsOf() is not { } ags) return null;
        var policy = await GetAsync(ags, ct);
        if (policy.Rules.IsEmpty || await MunicipalityAsync(ags, ct) is not { } m) return null;
        return (ags, m.Name, m.Land, policy.Rules);
    }

    private object Params(DataPolicy r, object key, string userId)
    {
        var p = new DynamicParameters(key);
        p.AddDynamicParams(new
        {
            only_germany = r.OnlyGermany, only_own_land = r.OnlyOwnLand, public_operators_only = r.PublicOperatorsOnly,
            no_third_country_access = r.NoThirdCountryAccess, updated_at = clock.GetUtcNow().ToString("O"), updated_by = userId,
        });
        return p;
    }

    internal static JsonObject Json(DataPolicy r) => new()
    {
        ["onlyGermany"] = r.OnlyGermany, ["onlyOwnLand"] = r.OnlyOwnLand, ["publicOperatorsOnly"] = r.PublicOperatorsOnly,
        ["noThirdCountryAccess"] = r.NoThirdCountryAccess,
    };
}
