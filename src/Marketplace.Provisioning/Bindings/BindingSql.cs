namespace Marketplace.Provisioning.Bindings;

/// <summary>The statements of service bindings.</summary>
internal static class BindingSql
{
    private const string Columns = """
        id, subscription_id, name, state, credentials_protected,
        credentials_revealed_at, replaces_binding_id, failure_reason,
        created_by, created_at, updated_at, deleted_at
        """;

    public const string Insert = """
        INSERT INTO subscription_bindings (id, subscription_id, name, state, credentials_protected, credentials_revealed_at, replaces_binding_id,
            failure_reason, created_by, created_at, updated_at, deleted_at)
        VALUES (@id, @subscriptionId, @name, @state, NULL, NULL, @replaces, NULL, @createdBy, @now, @now, NULL)
        """;
    public const string ById = $"SELECT {Columns} FROM subscription_bindings WHERE id = @id";
    public const string OfSubscription = $"SELECT {Columns} FROM subscription_bindings WHERE subscription_id = @subscriptionId AND state <> 'deleted' ORDER BY created_at, id";
    /// <summary>The next binding a cancellation deletes at the broker first: any not confirmed deleted (a failed one may be an orphan).</summary>
    public const string NextToRemove = $"SELECT {Columns} FROM subscription_bindings WHERE subscription_id = @subscriptionId AND state <> 'deleted' ORDER BY created_at, id";
    /// <summary>Changes the state from one of two expected states (a list parameter would need a dialect: PostgreSQL takes arrays, SQLite does not).</summary>
    public const string SetState = """
        UPDATE subscription_bindings SET state = @state, failure_reason = @reason, updated_at = @now WHERE id = @id AND state IN (@from1, @from2)
        """;

    public static object SetStateArgs(string? id, string state, string? reason, DateTimeOffset now, params string[] from) =>
        new { id, state, reason, now, from1 = from[0], from2 = from.Length > 1 ? from[1] : from[0] };
    public const string Activate = """
        UPDATE subscription_bindings SET state = 'active', credentials_protected = @credentials, failure_reason = NULL, updated_at = @now
        WHERE id = @id AND state = 'creating'
        """;
    /// <summary>Gone at the broker: the credentials no longer work, so they are not kept either.</summary>
    public const string MarkDeleted = """
        UPDATE subscription_bindings SET state = 'deleted', credentials_protected = NULL, deleted_at = @now, updated_at = @now
        WHERE id = @id AND state <> 'deleted'
        """;
    public const string Reveal = """
        UPDATE subscription_bindings SET credentials_revealed_at = @now
        WHERE id = @id AND state = 'active' AND credentials_revealed_at IS NULL AND credentials_protected IS NOT NULL
        """;
    /// <summary>A cancellation deletes every binding before the instance: they show as being deleted from the start.</summary>
    public const string DeletingAllOf = """
        UPDATE subscription_bindings SET state = 'deleting', updated_at = @now WHERE subscription_id = @subscriptionId AND state IN ('active', 'creating')
        """;
    public const string LiveJobs = "SELECT COUNT(*) FROM provisioning_jobs WHERE subscription_id = @id AND state IN ('queued', 'running', 'polling')";
}
