namespace Marketplace.Testing;

/// <summary>Where the repo and the shared reference data are, found from the test binaries upwards.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Catalog => Path.Combine(Root, "catalog");

    /// <summary>../shared/data beside the repo, as on every developer machine and in CI.</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    /// <summary>
    /// A file of the shared reference data. Outside CI a missing folder ignores the test (a reason is given);
    /// under CI it fails, since CI always has the folder.
    /// </summary>
    public static string RequireSharedFile(string name)
    {
        var path = Path.Combine(SharedData, name);
        if (File.Exists(path)) return path;
        if (TestDatabase.IsCi) NUnit.Framework.Assert.Fail($"{path} is missing; CI must have ../shared/data.");
        // Allowed outside CI only: the shared data folder sits beside the repo, not in it.
        NUnit.Framework.Assert.Ignore($"{path} is not here (the shared reference data lies beside the repo).");
        return path;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Marketplace.sln not found above " + AppContext.BaseDirectory);
    }
}
