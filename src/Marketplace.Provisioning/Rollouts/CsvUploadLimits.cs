namespace Marketplace.Provisioning.Rollouts;

/// <summary>
/// What a CSV upload (a rollout's per-municipality overrides) may be: Germany has about 11,000 municipalities, so more rows,
/// megabytes of text or kilobyte cells are no honest list. Checked before the parser runs, so a refusal costs milliseconds.
/// </summary>
public static class CsvUploadLimits
{
    public const int MaxBytes = 2 * 1024 * 1024;
    public const int MaxRows = 12_000;
    public const int MaxColumns = 200;
    public const int MaxFieldLength = 4_000;

    /// <summary>The refusal for text over the size limit, else null (rows, columns and cells are checked while reading).</summary>
    public static FieldError? Check(string text) => Check((long)text.Length);

    /// <summary>The refusal for an upload of <paramref name="length"/> bytes, before it is read.</summary>
    public static FieldError? Check(long length) => length > MaxBytes
        ? FieldError.Coded("overridesCsv", "rollout.csv-too-big", $"die Datei ist größer als {MaxBytes / 1024 / 1024} MiB", MaxBytes / 1024 / 1024)
        : null;
}
