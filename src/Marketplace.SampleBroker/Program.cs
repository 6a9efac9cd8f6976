using Marketplace.SampleBroker;

// `dotnet run --project src/Marketplace.SampleBroker` serves the broker of the seed catalogue's osb offerings on
// http://127.0.0.1:5081. Settings: --SampleBroker:Mode=Sync, --SampleBroker:LatencyMs=500, --urls=...
var app = SampleBrokerApp.Build(args, o => o.CatalogPath ??= SampleBrokerApp.FindCatalog());
await app.RunAsync();

/// <summary>Internal: the marketplace host embeds this broker, and its tests see the host's public Program only.</summary>
internal partial class Program;
