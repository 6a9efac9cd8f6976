using Dapper;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Storage.Tests;

/// <summary>Fixtures running side by side copy the same template at the same moment; every copy must succeed.</summary>
public class TemplateCopyTests
{
    [Test]
    public async Task Many_copies_of_one_SQLite_template_taken_at_once_all_succeed_and_hold_its_rows()
    {
        var key = "copy-test-" + Guid.NewGuid().ToString("N");
        var copies = new List<TestDatabase>();
        try
        {
            for (var round = 0; round < 6; round++)
            {
                var batch = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
                    TestDatabase.FromTemplateAsync(DatabaseEngine.Sqlite, key, async db =>
                    {
                        await using var c = await db.Database.OpenAsync();
                        await c.ExecuteAsync("PRAGMA journal_mode=WAL; CREATE TABLE marks (n INTEGER); INSERT INTO marks VALUES (1), (2), (3)");
                    }))));
                copies.AddRange(batch);
            }
            foreach (var copy in copies)
            {
                await using var c = await copy.Database.OpenAsync();
                Assert.That(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM marks"), Is.EqualTo(3));
            }
        }
        finally
        {
            foreach (var copy in copies) await copy.DisposeAsync();
        }
    }
}
