namespace Marketplace.Community.Availability;

/// <summary>The availability tables' statements; portable SQL (the increment upsert is the same on SQLite and PostgreSQL).</summary>
internal static class AvailabilitySql
{
    public const string RoundTaken = "SELECT COUNT(*) FROM availability_rounds WHERE slot = @slot";
    public const string ClaimRound = "INSERT INTO availability_rounds (slot, claimed_by, claimed_at) VALUES (@slot, @instance, @now)";
    public const string FinishRound = "UPDATE availability_rounds SET finished_at = @now, probed = @probed WHERE slot = @slot";
    public const string PruneRounds = "DELETE FROM availability_rounds WHERE slot < @before";

    public const string InsertProbe = """
        INSERT INTO availability_probes (offering_id, probed_at, up, latency_ms, status_code, error)
        VALUES (@OfferingId, @ProbedAt, @Up, @LatencyMs, @StatusCode, @Error)
        """;
    public const string CountDay = """
        UPDATE availability_days SET probes = probes + @probes, up_probes = up_probes + @up WHERE offering_id = @offering AND day = @day
        """;
    public const string InsertDay = "INSERT INTO availability_days (offering_id, day, probes, up_probes) VALUES (@offering, @day, @probes, @up)";
    public const string DayCount = "SELECT COUNT(*) FROM availability_days";
    public const string PruneProbes = "DELETE FROM availability_probes WHERE probed_at < @before";

    public const string Totals = """
        SELECT COALESCE(SUM(probes), 0) AS Probes, COALESCE(SUM(up_probes), 0) AS Up FROM availability_days
        WHERE offering_id = @offering AND day >= @from AND day <= @to
        """;
    public const string MonthTotals = """
        SELECT offering_id, SUM(probes) AS Probes, SUM(up_probes) AS Up FROM availability_days
        WHERE day >= @from AND day <= @to GROUP BY offering_id ORDER BY offering_id
        """;
    public static string LastProbe(Storage.ISqlDialect d) => $"""
        SELECT offering_id, probed_at, up, latency_ms, status_code, error
        FROM availability_probes WHERE offering_id = @offering ORDER BY probed_at DESC {d.Page("limit", "offset")}
        """;

    public const string EvaluationTaken = "SELECT COUNT(*) FROM availability_evaluations WHERE month = @month";
    public const string ClaimEvaluation = "INSERT INTO availability_evaluations (month, evaluated_at, breaches) VALUES (@month, @now, 0)";
    public const string FinishEvaluation = "UPDATE availability_evaluations SET breaches = @breaches WHERE month = @month";
    public const string BreachExists = "SELECT COUNT(*) FROM availability_breaches WHERE offering_id = @OfferingId AND month = @Month";
    public const string InsertBreach = """
        INSERT INTO availability_breaches (offering_id, month, promised_basis_points, measured_basis_points, probes, finding, flagged_at, promised_version)
        VALUES (@OfferingId, @Month, @PromisedBasisPoints, @MeasuredBasisPoints, @Probes, @Finding, @FlaggedAt, @PromisedVersion)
        """;
    private const string BreachColumns = """
        offering_id, month, promised_basis_points, measured_basis_points,
               probes, finding, flagged_at, promised_version
        """;
    public const string Breaches = "SELECT " + BreachColumns + " FROM availability_breaches WHERE offering_id = @offering ORDER BY month DESC";
    public static string RecentBreaches(Storage.ISqlDialect d) =>
        $"SELECT {BreachColumns} FROM availability_breaches ORDER BY month DESC, offering_id {d.Page("limit", "offset")}";
}
