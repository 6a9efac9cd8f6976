namespace Marketplace.Storage;

/// <summary>The database engines the marketplace runs on.</summary>
public enum DatabaseEngine
{
    /// <summary>Embedded default: one file under ./data/.</summary>
    Sqlite,
    /// <summary>The server engine tested in CI.</summary>
    Postgres,
    /// <summary>Production engine of most municipal data centres.</summary>
    SqlServer,
}

/// <summary>Configuration section "Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseEngine Engine { get; set; } = DatabaseEngine.Sqlite;

    /// <summary>ADO.NET connection string; for SQLite the default is a file under ./data/.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/marketplace.db";
}
