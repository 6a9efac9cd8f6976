using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Marketplace.Testing;

/// <summary>
/// A throw-away PostgreSQL server of its own (initdb into a temporary folder, on a free loopback port) for fault tests
/// that restart the database; the shared test server must not be restarted under the other tests. Runs the server as the
/// postgres user when the tests run as root (as in CI), as the current user otherwise.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _dir;
    private readonly bool _asPostgres;

    public int Port { get; }

    /// <summary>Superuser connection string to the "postgres" database; pass to <see cref="TestDatabase.CreateAsync(DatabaseEngine, bool, string?)"/>.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Timeout=5";

    private PostgresCluster(string bin, string dir, int port, bool asPostgres) => (_bin, _dir, Port, _asPostgres) = (bin, dir, port, asPostgres);

    /// <summary>True when a PostgreSQL installation is on this machine (the CI image has one).</summary>
    public static bool IsInstalled => FindBin() is not null;

    public static async Task<PostgresCluster> StartAsync()
    {
        var bin = FindBin() ?? throw new InvalidOperationException("no PostgreSQL under /usr/lib/postgresql");
        var asPostgres = Environment.UserName == "root";
        var dir = ScratchFolder.Create("marketplace-pgfault-");
        var cluster = new PostgresCluster(bin, dir, FreePort(), asPostgres);
        if (asPostgres) await RunAsync("chown", "-R", "postgres:postgres", dir);
        await cluster.PgAsync($"initdb -D {dir}/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync");
        await cluster.StartServerAsync();
        return cluster;
    }

    /// <summary>Restarts the server with a fast shutdown: open transactions are rolled back and every connection is cut.</summary>
    public async Task RestartAsync(TimeSpan down = default)
    {
        await PgAsync($"pg_ctl -D {_dir}/data -m fast -w stop");
        if (down > TimeSpan.Zero) await Task.Delay(down);
        await StartServerAsync();
    }

    private Task StartServerAsync() =>
        PgAsync($"pg_ctl -D {_dir}/data -l {_dir}/server.log -w -o \"-p {Port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try { await PgAsync($"pg_ctl -D {_dir}/data -m immediate -w stop"); } catch (InvalidOperationException) { }
        try { Directory.Delete(_dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private Task PgAsync(string command) => _asPostgres
        ? RunAsync("su", "postgres", "-s", "/bin/sh", "-c", $"{_bin}/{command}")
        : RunAsync("/bin/sh", "-c", $"{_bin}/{command}");

    private static async Task RunAsync(string file, params string[] arguments)
    {
        using var p = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({p.ExitCode}): {await output}{await error}");
    }

    private static string? FindBin() => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
            .OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
        : null;

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
