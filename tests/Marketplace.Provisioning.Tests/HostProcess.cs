using System.Collections.Concurrent;
using System.Diagnostics;
using Marketplace.Testing;

namespace Marketplace.Provisioning.Tests;

/// <summary>
/// The marketplace host (src/Marketplace.Web) started as a child process with the provisioning worker role, so a test
/// can kill it the hard way (SIGKILL) or run several on one database.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _workerStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process) => _process = process;

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Output => string.Join(Environment.NewLine, _output);

    public static async Task<HostProcess> StartWorkerAsync(string postgresConnectionString, IDictionary<string, string>? settings = null)
    {
        var web = Path.Combine(RepoPaths.Root, "src", "Marketplace.Web");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(web, "bin", configuration, "net10.0", "Marketplace.Web.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("build src/Marketplace.Web first", dll);
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = web, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var env = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["Database__Engine"] = "Postgres",
            ["Database__ConnectionString"] = postgresConnectionString,
            ["Catalog__SeedOnStart"] = "false",
            ["Instance__Role"] = "Worker",
            ["OutboundHttp__AllowPrivateNetworks"] = "true",
            ["Identity__PublicBaseUrl"] = "https://marketplace.test", // Production refuses to start without the address for links
            ["Hosting__HttpsRedirect"] = "false", // the test talks plain HTTP on loopback
            ["Provisioning__PollInterval"] = "00:00:00.100",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Marketplace.Provisioning.Jobs.ProvisioningWorker"] = "Information",
        };
        foreach (var (k, v) in ServerCertificates.EnvironmentVariables) env[k] = v;
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) env[k] = v;
        foreach (var (k, v) in env) info.Environment[k] = v;
        var watch = Stopwatch.StartNew();
        var process = new HostProcess(Process.Start(info)!);
        process._process.OutputDataReceived += (_, e) => process.Line(e.Data);
        process._process.ErrorDataReceived += (_, e) => process.Line(e.Data);
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        var started = await Task.WhenAny(process._workerStarted.Task, process._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(180)));
        if (started != process._workerStarted.Task)
        {
            var output = process.Output;
            await process.DisposeAsync();
            throw new InvalidOperationException($"host did not start its worker:{Environment.NewLine}{output}");
        }
        TestTiming.Record("host process started", watch.Elapsed);
        return process;
    }

    private void Line(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        if (line.Contains("Provisioning worker", StringComparison.Ordinal)) _workerStarted.TrySetResult();
    }

    /// <summary>SIGKILL: no shutdown, no lease released, nothing flushed.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as Kubernetes or systemd stop a process: the host shuts down gracefully. Waits for the exit.</summary>
    public async Task TerminateAsync(TimeSpan within)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
