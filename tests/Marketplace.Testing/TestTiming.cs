using System.Diagnostics;

namespace Marketplace.Testing;

/// <summary>
/// Where a test run's set-up time goes: with MARKETPLACE_TEST_TIMING naming a file, each timed step (a template built,
/// a database copied, a host started) appends one line "milliseconds<TAB>step" to it. Nothing is written otherwise.
/// </summary>
public static class TestTiming
{
    private static readonly string? File = Environment.GetEnvironmentVariable("MARKETPLACE_TEST_TIMING") is { Length: > 0 } f ? f : null;
    private static readonly Lock Gate = new();

    public static async Task<T> TimeAsync<T>(string step, Func<Task<T>> action)
    {
        var watch = Stopwatch.StartNew();
        var result = await action();
        Record(step, watch.Elapsed);
        return result;
    }

    public static async Task TimeAsync(string step, Func<Task> action) => await TimeAsync(step, async () => { await action(); return true; });

    public static void Record(string step, TimeSpan elapsed)
    {
        if (File is null) return;
        lock (Gate) System.IO.File.AppendAllText(File, $"{elapsed.TotalMilliseconds:F0}\t{step}{Environment.NewLine}");
    }
}
