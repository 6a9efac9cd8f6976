using System.Diagnostics;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Storage.Tests;

/// <summary>The test databases' folders (in memory where possible) do not outlive the test processes that made them.</summary>
public class ScratchFolderTests
{
    [Test]
    public void The_folders_of_ended_test_processes_are_removed_and_those_of_running_ones_kept()
    {
        // Leftovers are found by their owner's entry in /proc, so elsewhere RemoveLeftovers does nothing to test; CI is Linux.
        if (!OperatingSystem.IsLinux()) Assert.Ignore("a process's liveness is read from /proc");
        int endedId;
        using (var ended = Process.Start(new ProcessStartInfo("true"))!)
        {
            ended.WaitForExit();
            endedId = ended.Id;
        }
        var mine = ScratchFolder.Create("marketplace-test-");
        var theirs = Path.Combine(Path.GetDirectoryName(mine)!, $"marketplace-test-pid{endedId}-0123456789ab");
        Directory.CreateDirectory(theirs);
        File.WriteAllText(Path.Combine(theirs, "test.db"), "left behind");
        try
        {
            ScratchFolder.RemoveLeftovers();

            Assert.That(Directory.Exists(theirs), Is.False, "the folder of a process that has ended");
            Assert.That(Directory.Exists(mine), Is.True, "the folder of this running process");
        }
        finally
        {
            Directory.Delete(mine, true);
            if (Directory.Exists(theirs)) Directory.Delete(theirs, true);
        }
    }
}
