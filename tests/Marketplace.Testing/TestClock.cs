namespace Marketplace.Testing;

/// <summary>
/// The day the seed catalogue's evidence and standard versions were written for. Tests that depend on the seed being
/// orderable run on this clock, so they do not change their outcome as real time passes and seed evidence expires.
/// </summary>
public static class TestClock
{
    public static readonly DateTimeOffset CatalogueDate = new(2026, 11, 29, 9, 0, 0, TimeSpan.Zero);
}
