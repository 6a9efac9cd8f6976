using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Marketplace.Audit.Tests;

[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class AuditTrailTests(DatabaseEngine engine)
{
    private TestDatabase _db = null!;
    private AuditTrail _trail = null!;

    [SetUp]
    public async Task SetUp()
    {
        _db = await TestDatabase.CreateAsync(engine);
        _trail = new AuditTrail(_db.Database, Options.Create(new AuditOptions { ChainKey = "test-key" }), TimeProvider.System);
        for (var i = 1; i <= 5; i++)
            await _trail.AppendAsync(new AuditEntry($"user-{i}", "org-1", "offering.update", "offering", $"o-{i}",
                JsonNode.Parse($$"""{"price":{{i}}}"""), JsonNode.Parse($$"""{"price":{{i + 1}}}""")));
    }

    [TearDown]
    public async Task TearDown() => await _db.DisposeAsync();

    private async Task Sql(string sql)
    {
        await using var c = await _db.Database.OpenAsync();
        await c.ExecuteAsync(sql);
    }

    [Test]
    public async Task An_untouched_log_verifies()
    {
        var result = await _trail.VerifyAsync();
        Assert.That(result.Intact, Is.True, result.ToString());
        Assert.That(result.Entries, Is.EqualTo(5));
    }

    [Test]
    public async Task Entries_appended_together_continue_the_chain_in_order()
    {
        await using (var c = await _db.Database.OpenAsync())
        await using (var tx = await c.BeginTransactionAsync())
        {
            var records = await _trail.AppendAsync(c, tx, Enumerable.Range(1, 3)
                .Select(i => new AuditEntry("batch", null, "subscription.requested", "subscription", $"s-{i}", null, null)).ToList());
            Assert.That(records.Select(r => r.Seq), Is.EqualTo(new[] { 6L, 7L, 8L }));
            await tx.CommitAsync();
        }
        await _trail.AppendAsync(new AuditEntry("after", null, "x", "y", "z", null, null));
        var result = await _trail.VerifyAsync();
        Assert.That((result.Intact, result.Entries), Is.EqualTo((true, 9L)), result.ToString());
    }

    [Test]
    public async Task Editing_an_entry_names_that_entry()
    {
        await Sql("UPDATE audit_log SET after_json = '{\"price\":1000}' WHERE seq = 3");
        var result = await _trail.VerifyAsync();
        Assert.That((result.Intact, result.FirstBadSeq), Is.EqualTo((false, 3L)));
        Assert.That(result.Problem, Does.StartWith("altered"));
    }

    [Test]
    public async Task Editing_an_entry_and_recomputing_a_plain_hash_is_still_caught()
    {
        // Without the chain key a forger cannot produce a matching hash, whatever they write.
        await Sql("UPDATE audit_log SET actor_user_id = 'someone-else', hash = 'ffff' WHERE seq = 2");
        var result = await _trail.VerifyAsync();
        Assert.That(result.FirstBadSeq, Is.EqualTo(2));
    }

    [Test]
    public async Task Deleting_an_entry_names_the_missing_entry()
    {
        await Sql("DELETE FROM audit_log WHERE seq = 4");
        var result = await _trail.VerifyAsync();
        Assert.That((result.Intact, result.FirstBadSeq), Is.EqualTo((false, 4L)));
        Assert.That(result.Problem, Does.StartWith("deleted"));
    }

    [Test]
    public async Task Deleting_the_last_entry_is_caught_by_the_head()
    {
        await Sql("DELETE FROM audit_log WHERE seq = 5");
        var result = await _trail.VerifyAsync();
        Assert.That((result.Intact, result.FirstBadSeq), Is.EqualTo((false, 5L)));
    }

    [Test]
    public async Task Inserting_an_entry_names_the_inserted_entry()
    {
        await Sql("""
            INSERT INTO audit_log (seq, occurred_at, actor_user_id, actor_org_id, action, object_type, object_id, before_json, after_json, prev_hash, hash)
            SELECT 6, occurred_at, 'intruder', actor_org_id, action, object_type, object_id, before_json, after_json, hash, hash FROM audit_log WHERE seq = 5
            """);
        var result = await _trail.VerifyAsync();
        Assert.That((result.Intact, result.FirstBadSeq), Is.EqualTo((false, 6L)));
        Assert.That(result.Problem, Does.StartWith("inserted"));
    }

    [Test]
    public async Task Appending_after_a_verified_chain_keeps_it_intact_and_entries_are_filterable()
    {
        await _trail.AppendAsync(new AuditEntry("user-9", "org-2", "order.create", "order", "x", null, JsonNode.Parse("{}")));
        Assert.That((await _trail.VerifyAsync()).Intact, Is.True);
        var byOrg = await _trail.QueryAsync(new AuditQuery(OrganisationId: "org-2"));
        Assert.That(byOrg.Select(r => r.ObjectId), Is.EqualTo(new[] { "x" }));
        var byType = await _trail.QueryAsync(new AuditQuery(ObjectType: "offering", Limit: 2));
        Assert.That(byType.Select(r => r.Seq), Is.EqualTo(new[] { 5L, 4L }));
    }

    [Test]
    public async Task Concurrent_appenders_never_fork_the_chain()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            for (var k = 0; k < 10; k++)
                await _trail.AppendAsync(new AuditEntry($"u{i}", null, "test", "t", $"{i}-{k}", null, null));
        })));
        var result = await _trail.VerifyAsync();
        Assert.That(result.Intact, Is.True, result.ToString());
        Assert.That(result.Entries, Is.EqualTo(85));
    }
}
