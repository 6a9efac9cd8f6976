using Microsoft.Extensions.Configuration;

namespace Marketplace.Storage;

/// <summary>What one host process does: serve requests, run the background work (jobs, schedules), or both.</summary>
public enum InstanceRole
{
    /// <summary>The embedded default: one process does everything.</summary>
    Both,
    /// <summary>Serves pages and the API; leaves provisioning jobs, billing and conformance schedules to workers.</summary>
    Web,
    /// <summary>Runs the background work; still answers health and metrics so it can be probed and scraped.</summary>
    Worker,
}

/// <summary>Reads the one setting "Instance:Role" (environment: Instance__Role) every module consults.</summary>
public static class InstanceRoles
{
    public const string Key = "Instance:Role";

    public static InstanceRole Of(IConfiguration configuration)
    {
        var value = configuration[Key];
        if (string.IsNullOrWhiteSpace(value)) return InstanceRole.Both;
        return Enum.TryParse<InstanceRole>(value, ignoreCase: true, out var role)
            ? role
            : throw new InvalidOperationException($"{Key} is \"{value}\"; use web, worker or both.");
    }

    /// <summary>True when this process runs background work (every role but web).</summary>
    public static bool RunsBackgroundWork(IConfiguration configuration) => Of(configuration) != InstanceRole.Web;
}
