using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Kernel;

/// <summary>
/// Path prefixes a module answers to programs, not to people ("/connect" of the token server): the host answers their
/// errors as problem details instead of its error page. Each module declares its own with <see cref="MachineFacingPathsExtensions"/>.
/// </summary>
public sealed record MachineFacingPaths(IReadOnlyList<string> Prefixes)
{
    public bool Applies(HttpContext http) => Prefixes.Any(p => http.Request.Path.StartsWithSegments(p));
}

public static class MachineFacingPathsExtensions
{
    public static IServiceCollection AddMachineFacingPaths(this IServiceCollection services, params string[] prefixes) =>
        services.AddSingleton(new MachineFacingPaths(prefixes));
}
