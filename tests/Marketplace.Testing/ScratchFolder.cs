using System.Text.RegularExpressions;

namespace Marketplace.Testing;

/// <summary>
/// Temporary folders for the tests' databases, in memory where the machine offers it. A SQLite database in WAL mode
/// syncs its log at every commit, and on the CI machine's disk those syncs and the discards of deleted files kept a
/// kernel block-I/O worker busy for about 50 CPU-seconds a run; on tmpfs (Linux's /dev/shm) a sync costs nothing.
/// The data is thrown away anyway. Elsewhere, or where /dev/shm is small (a container's 64 MB), the system's temp folder.
/// </summary>
public static class ScratchFolder
{
    private const string SharedMemory = "/dev/shm";
    private const long RoomNeeded = 2L << 30;
    private static readonly Regex OwnerPid = new(@"^marketplace-.*-pid(\d+)-[0-9a-f]{12}$");

    private static readonly Lazy<string> Root = new(() =>
    {
        var root = Path.GetTempPath();
        try
        {
            if (OperatingSystem.IsLinux() && Directory.Exists(SharedMemory) && new DriveInfo(SharedMemory).AvailableFreeSpace >= RoomNeeded)
                root = SharedMemory;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        RemoveLeftovers(root);
        return root;
    });

    /// <summary>A new empty folder whose name starts with <paramref name="prefix"/> and names this process.</summary>
    public static string Create(string prefix)
    {
        var folder = Path.Combine(Root.Value, $"{prefix}pid{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// Removes the folders of test processes that have ended (a process's first folder does it). A process deletes its
    /// templates when it exits, but the test platform may kill a test process once its tests have run, and in memory
    /// every leftover would hold RAM until reboot.
    /// </summary>
    public static void RemoveLeftovers() => RemoveLeftovers(Root.Value);

    private static void RemoveLeftovers(string root)
    {
        if (!OperatingSystem.IsLinux()) return;
        foreach (var folder in Directory.EnumerateDirectories(root, "marketplace-*"))
        {
            var owner = OwnerPid.Match(Path.GetFileName(folder));
            if (!owner.Success || Directory.Exists($"/proc/{owner.Groups[1].Value}")) continue;
            try { Directory.Delete(folder, true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
