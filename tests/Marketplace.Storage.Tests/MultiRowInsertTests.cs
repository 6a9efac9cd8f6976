using Dapper;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Storage.Tests;

/// <summary>Multi-row inserts write every row, in chunks, with NULLs and text intact, on every engine.</summary>
public class MultiRowInsertTests
{
    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task Many_rows_are_inserted_in_chunks_within_the_parameter_limits(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var c = await db.Database.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        var rows = Enumerable.Range(0, 2500).Select(i => new object?[] { $"k{i:0000}", i % 7, i == 3 ? "Straße „Ä“" : $"Einheit {i}" }).ToList();
        await MultiRowInsert.ExecuteAsync(c, tx, "regional_units", ["regional_key", "satzart", "name"], rows);
        await tx.CommitAsync();

        Assert.That(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM regional_units"), Is.EqualTo(2500));
        Assert.That(await c.ExecuteScalarAsync<string>("SELECT name FROM regional_units WHERE regional_key = 'k0003'"), Is.EqualTo("Straße „Ä“"));
        Assert.That(await c.ExecuteScalarAsync<long>("SELECT satzart FROM regional_units WHERE regional_key = 'k2499'"), Is.EqualTo(2499 % 7));
    }

    [Test]
    public void A_row_with_the_wrong_number_of_values_is_refused() =>
        Assert.That(() => MultiRowInsert.Statement("t", ["a", "b"], [new object?[] { 1 }], new DynamicParameters()), Throws.Exception);
}
