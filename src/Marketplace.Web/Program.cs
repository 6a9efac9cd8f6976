using Marketplace.Web.Hosting;

// `dotnet run -- migrate | import-catalog [folder] | import-municipalities <file> | verify-audit` runs one command and exits;
// without a command the marketplace serves.
var (command, commandArgs, hostArgs) = MarketplaceCommands.Split(args);

var builder = WebApplication.CreateBuilder(hostArgs);
builder.AddMarketplace();
var app = builder.Build();

if (command is not null)
    return await MarketplaceCommands.RunAsync(app, command, commandArgs);

await app.PrepareAsync();
app.UseMarketplace();
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
