using System.Text.RegularExpressions;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Infra.Tests;

/// <summary>
/// A page's folder is the first segment of its address (Pages/Gemeinden/Merkliste.cshtml answers /gemeinden/{ags}/merkliste),
/// so the page behind an address is found by reading it. Folder names are the segments with ä, ö, ü written ae, oe, ue.
/// </summary>
public partial class PageFolderTests
{
    [Test]
    public void Every_page_lives_in_the_folder_its_address_starts_with()
    {
        var pages = Path.Combine(RepoPaths.Root, "src", "Marketplace.Web", "Pages");
        var misplaced = new List<string>();
        var checkedPages = 0;
        foreach (var file in Directory.GetFiles(pages, "*.cshtml", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(pages, file).Replace('\\', '/');
            if (!relative.Contains('/') || PageRoute().Match(File.ReadAllText(file)) is not { Success: true } route) continue;
            var folder = relative[..relative.IndexOf('/')];
            var segment = route.Groups["route"].Value.TrimStart('/').Split('/')[0];
            checkedPages++;
            if (!string.Equals(folder, segment, StringComparison.OrdinalIgnoreCase))
                misplaced.Add($"{relative} answers /{route.Groups["route"].Value.TrimStart('/')}: move it to Pages/{segment}");
        }
        Assert.That(checkedPages, Is.GreaterThan(40), "pages with an address of their own");
        Assert.That(misplaced, Is.Empty);
    }

    [GeneratedRegex("^@page\\s+\"(?<route>[^\"]*)\"", RegexOptions.Multiline)]
    private static partial Regex PageRoute();
}
