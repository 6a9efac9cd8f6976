using Marketplace.Storage;

namespace Marketplace.Provisioning.Residency;

/// <summary>The statements of data policies and bundlers' recommendations.</summary>
internal static class ResidencySql
{
    public const string AllPolicies = """
        SELECT municipality_ags AS Id, only_germany, only_own_land, public_operators_only,
               no_third_country_access, updated_at, updated_by
        FROM municipality_data_policies
        """;

    public const string Policy = AllPolicies + " WHERE municipality_ags = @ags";

    private const string AllRecommendations = """
        SELECT organisation_id AS Id, only_germany, only_own_land,
               public_operators_only, no_third_country_access, updated_at
        FROM bundler_data_policy_recommendations
        """;

    public const string Recommendation = AllRecommendations + " WHERE organisation_id = @org";

    public static string RecommendationsOf(ISqlDialect d) => $"{AllRecommendations} WHERE organisation_id {d.InList("orgs")}";

}
