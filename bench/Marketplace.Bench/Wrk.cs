using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Marketplace.Bench;

/// <summary>One load run of wrk: throughput and latency percentiles as wrk measured them.</summary>
public sealed record WrkResult(string Name, double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Errors)
{
    public override string ToString() =>
        $"{Name,-28} {RequestsPerSecond,10:N0} req/s   p50 {P50Ms,7:N2} ms   p99 {P99Ms,7:N2} ms   {Requests,9:N0} requests   {Errors} errors";

    /// <summary>
    /// Runs of equal length as one: their mean throughput, the p50 weighted by requests and the worst p99 (percentiles of
    /// separate runs cannot be merged exactly; the worst one never flatters).
    /// </summary>
    public static WrkResult Combine(string name, IReadOnlyList<WrkResult> runs) =>
        runs.Count == 1 ? runs[0] with { Name = name } : new(name, runs.Average(r => r.RequestsPerSecond),
            runs.Sum(r => r.P50Ms * r.Requests) / Math.Max(1, runs.Sum(r => r.Requests)), runs.Max(r => r.P99Ms),
            runs.Sum(r => r.Requests), runs.Sum(r => r.Errors));
}

/// <summary>Drives wrk (Debian's package) against loopback; a Lua script rotates through the given paths.</summary>
public static class Wrk
{
    public static Task<WrkResult> RunAsync(string name, string baseUrl, IReadOnlyList<string> paths, int connections, int seconds, int timeoutSeconds = 2) =>
        RunScriptAsync(name, baseUrl,
            "local paths = {" + string.Join(",", paths.Select(p => "\"" + p.Replace("\"", "\\\"") + "\"")) + "}\n" +
            "local i = 0\n" +
            "request = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n",
            connections, seconds, timeoutSeconds);

    /// <summary>
    /// Runs wrk with a Lua script of the caller's (a request() function, optionally setup/init). A request without an
    /// answer after <paramref name="timeoutSeconds"/> (wrk's default: 2) counts as an error.
    /// </summary>
    public static async Task<WrkResult> RunScriptAsync(string name, string baseUrl, string lua, int connections, int seconds, int timeoutSeconds = 2)
    {
        var script = Path.Combine(Path.GetTempPath(), $"wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, lua);
        try
        {
            var psi = new ProcessStartInfo("wrk", $"-t{Math.Min(2, connections)} -c{connections} -d{seconds}s --timeout {timeoutSeconds}s --latency -s {script} {baseUrl}")
                { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("wrk did not start");
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException("wrk failed: " + await process.StandardError.ReadToEndAsync());
            return Parse(name, output);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static WrkResult Parse(string name, string output)
    {
        double Latency(string percentile)
        {
            var m = Regex.Match(output, $@"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
            if (!m.Success) throw new InvalidOperationException("no latency line in wrk output:\n" + output);
            var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return m.Groups[2].Value switch { "us" => v / 1000, "s" => v * 1000, _ => v };
        }
        var rps = double.Parse(Regex.Match(output, @"Requests/sec:\s+([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var requests = long.Parse(Regex.Match(output, @"(\d+) requests in").Groups[1].Value, CultureInfo.InvariantCulture);
        var errors = 0L;
        var non2xx = Regex.Match(output, @"Non-2xx or 3xx responses:\s+(\d+)");
        if (non2xx.Success) errors += long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture);
        foreach (Match m in Regex.Matches(output, @"(connect|read|write|timeout) (\d+)"))
            errors += long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        return new WrkResult(name, rps, Latency("50"), Latency("99"), requests, errors);
    }
}
