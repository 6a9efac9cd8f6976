using Marketplace.Kernel;
using Dapper;
using Marketplace.Audit;
using Marketplace.Storage;
using Marketplace.Community;
using Marketplace.Community.Requests;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Identity.Tests.Community;

/// <summary>Subscriptions with a crafted timeline and feature requests, written straight into a host's database.</summary>
public static class CommunityData
{
    /// <summary>One step of a subscription's timeline: the state it reached, minutes after the start.</summary>
    public sealed record Step(string ToState, int Minutes);

    public static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-10-01T08:00:00Z");

    /// <summary>A subscription of the municipality to the offering whose timeline is <paramref name="steps"/> (the last step is its state).</summary>
    public static async Task<string> SubscribeAsync(IdentityHost host, string ags, string offeringId, params Step[] steps)
    {
        await using var c = await host.Database.Database.OpenAsync();
        var vendor = await c.ExecuteScalarAsync<string>("SELECT vendor_id FROM offerings WHERE id = @offeringId", new { offeringId });
        var id = $"sub-{ags}-{offeringId}";
        var existing = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM subscriptions WHERE id = @id", new { id });
        if (existing > 0) return id;
        var at = StoredTimestamp.Format(Start);
        await c.ExecuteAsync("""
            INSERT INTO subscriptions (id, municipality_ags, offering_id, vendor_id, plan_id, state, created_at, updated_at)
            VALUES (@id, @ags, @offeringId, @vendor, 'standard', @state, @at, @at)
            """, new { id, ags, offeringId, vendor, state = steps[^1].ToState, at });
        string? from = null;
        for (var i = 0; i < steps.Length; i++)
        {
            await c.ExecuteAsync("""
                INSERT INTO subscription_events (subscription_id, seq, occurred_at, kind, from_state, to_state, actor_user_id, message)
                VALUES (@id, @seq, @occurred, @kind, @from, @to, 'test', NULL)
                """, new { id, seq = i + 1, occurred = StoredTimestamp.Format(Start.AddMinutes(steps[i].Minutes)), kind = steps[i].ToState, from, to = steps[i].ToState });
            from = steps[i].ToState;
        }
        return id;
    }

    public static Task<string> ActiveAsync(IdentityHost host, string ags, string offeringId) =>
        SubscribeAsync(host, ags, offeringId, new Step("requested", 0), new Step("provisioning", 1), new Step("active", 5));

    /// <summary>AGS of municipalities no demo account belongs to, in a stable order.</summary>
    public static async Task<IReadOnlyList<string>> OtherMunicipalitiesAsync(IdentityHost host, int count)
    {
        await using var c = await host.Database.Database.OpenAsync();
        var all = (await c.QueryAsync<string>("SELECT ags FROM municipalities WHERE ags NOT IN ('09162000', '05315000') ORDER BY ags")).ToList();
        return all.Take(count).ToList();
    }

    public static Task<FeatureRequest> RequestAsync(IdentityHost host, string ags, string offeringId, string title = "Export als CSV") =>
        host.Services.GetRequiredService<FeatureRequestService>().SubmitAsync(new Actor("test", null), ags, offeringId, title, "Bitte die Liste als CSV herunterladen können.");

    public static async Task<IReadOnlyList<AuditRecord>> AuditAsync(IdentityHost host, string action, string objectId) =>
        await host.Services.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery(Action: action, ObjectId: objectId));
}
