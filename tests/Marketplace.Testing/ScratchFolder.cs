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

    private static readonly Lazy<string> Root = new(() =>
    {
        try
        {
            if (OperatingSystem.IsLinux() && Directory.Exists(SharedMemory) && new DriveInfo(SharedMemory).AvailableFreeSpace >= RoomNeeded)
                return SharedMemory;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Path.GetTempPath();
    });

    /// <summary>A new empty folder whose name starts with <paramref name="prefix"/>.</summary>
    public static string Create(string prefix)
    {
        var folder = Path.Combine(Root.Value, prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
