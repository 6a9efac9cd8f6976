using System.Data.Common;
using System.Globalization;
using Marketplace.Storage;

namespace Marketplace.Billing;

/// <summary>Small helpers the billing services share for reading and writing rows.</summary>
internal static class BillingStore
{
    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly ParseDate(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Runs the dialect's duplicate-skipping bulk insert and returns the values of the return column it inserted.</summary>
    public static async Task<List<string>> InsertIgnoringDuplicatesAsync(
        DbConnection c, DbTransaction tx, ISqlDialect dialect, string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<string> keyColumns,
        string? returnColumn, CancellationToken ct)
    {
        var inserted = new List<string>();
        if (columns.Count == 0 || columns[0].Values.Length == 0) return inserted;
        foreach (var statement in dialect.InsertIgnoringDuplicates(table, columns, keyColumns, returnColumn))
        {
            await using var command = statement.CreateCommand(c, tx);
            if (returnColumn is null)
            {
                await command.ExecuteNonQueryAsync(ct);
                continue;
            }
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) inserted.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }
        return inserted;
    }

    /// <summary>Makes sure the period rows exist (open) and locks them for the rest of the transaction; returns period → state.</summary>
    public static async Task<Dictionary<string, string>> LockPeriodsAsync(
        DbConnection c, DbTransaction tx, ISqlDialect dialect, IReadOnlyCollection<string> periods, RowLock mode, CancellationToken ct)
    {
        var sql = BillingSql.LockPeriods(dialect, mode);
        var states = await Read();
        var missing = periods.Where(p => !states.ContainsKey(p)).ToArray();
        if (missing.Length == 0) return states;
        await InsertIgnoringDuplicatesAsync(c, tx, dialect, "billing_periods",
            [new("period", missing), new("state", missing.Select(_ => "open").ToArray())], ["period"], null, ct);
        return await Read();

        async Task<Dictionary<string, string>> Read() =>
            (await Dapper.SqlMapper.QueryAsync<(string Period, string State)>(c, new Dapper.CommandDefinition(sql, new { periods = periods.ToArray() }, tx, cancellationToken: ct)))
            .ToDictionary(r => r.Period, r => r.State);
    }
}
