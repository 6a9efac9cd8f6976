using Marketplace.Testing;

namespace Marketplace.Catalog.Tests;

/// <summary>A temporary copy of the repo's catalog/ that a test may edit.</summary>
public sealed class CatalogFolder : IDisposable
{
    public CatalogFolder()
    {
        Path = Directory.CreateTempSubdirectory("marketplace-catalog-").FullName;
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Catalog, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(Path, System.IO.Path.GetRelativePath(RepoPaths.Catalog, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string Path { get; }

    public string File_(string relative) => System.IO.Path.Combine(Path, relative);

    public void Edit(string relative, Func<string, string> change)
    {
        var file = File_(relative);
        var before = File.ReadAllText(file);
        var after = change(before);
        if (after == before) throw new InvalidOperationException($"the edit of {relative} changed nothing");
        File.WriteAllText(file, after);
    }

    /// <summary>Any one offering file of the repo catalogue, by sorted name, so tests do not depend on a particular one.</summary>
    public static string FirstOffering => "offerings/" + System.IO.Path.GetFileName(
        Directory.EnumerateFiles(System.IO.Path.Combine(RepoPaths.Catalog, "offerings")).Order(StringComparer.Ordinal).First());

    public void Dispose() => Directory.Delete(Path, true);
}
