using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Testing;

/// <summary>What a host runs before it starts: every options validation a module registered with ValidateOnStart.</summary>
public static class StartupSettings
{
    /// <summary>Registers a module with <paramref name="settings"/> as its configuration and validates its options as the host's start does.</summary>
    public static void Validate(Action<IServiceCollection, IConfiguration> addModule, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var services = new ServiceCollection();
        addModule(services, configuration);
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
    }
}
