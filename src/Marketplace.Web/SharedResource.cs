using System.Resources;

[assembly: NeutralResourcesLanguage("de")]

namespace Marketplace.Web;

/// <summary>Marker for the shared UI texts in Resources/SharedResource*.resx (German neutral, English in .en).</summary>
public sealed class SharedResource;
