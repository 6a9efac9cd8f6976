using System.Data.Common;
using Dapper;

namespace Marketplace.Storage;

/// <summary>
/// Inserts many rows with multi-row VALUES lists: one round trip per chunk instead of one per row. Portable to all
/// three engines; chunks stay under SQL Server's limits (2,100 parameters, 1,000 rows per VALUES list).
/// </summary>
public static class MultiRowInsert
{
    private const int MaxParameters = 2000;

    /// <summary>One statement for a few rows (no more than fit one chunk), to combine with others in one command.</summary>
    public static string Statement(string table, IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows, DynamicParameters parameters)
    {
        if (rows.Count * columns.Count > MaxParameters || rows.Count > 1000) throw new ArgumentException("too many rows for one statement", nameof(rows));
        var values = new string[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r].Length != columns.Count) throw new ArgumentException($"row {r} has {rows[r].Length} values for {columns.Count} columns", nameof(rows));
            var names = new string[columns.Count];
            for (var c = 0; c < columns.Count; c++)
            {
                names[c] = $"@r{r}c{c}";
                parameters.Add(names[c], rows[r][c]);
            }
            values[r] = "(" + string.Join(", ", names) + ")";
        }
        return $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES {string.Join(", ", values)}";
    }

    /// <param name="rows">One value per column, in column order, for each row.</param>
    public static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string table, IReadOnlyList<string> columns,
        IReadOnlyList<object?[]> rows)
    {
        var perChunk = Math.Min(1000, Math.Max(1, MaxParameters / columns.Count));
        for (var start = 0; start < rows.Count; start += perChunk)
        {
            var chunk = rows.Skip(start).Take(perChunk).ToList();
            var parameters = new DynamicParameters();
            await connection.ExecuteAsync(Statement(table, columns, chunk, parameters), parameters, transaction);
        }
    }
}
