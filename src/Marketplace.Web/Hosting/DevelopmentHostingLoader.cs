using System.Reflection;
using System.Runtime.Loader;

namespace Marketplace.Web.Hosting;

/// <summary>
/// The development-only services (embedded sample broker, demo availability history) live in
/// Marketplace.DevelopmentHosting, which this host does not reference, so the production host carries no sample broker.
/// Outside Production the assembly is applied when it is there: among the app's own dependencies (the test projects
/// reference it) or in the development/ folder that building this project fills (never published).
/// </summary>
/// <remarks>
/// Why not ASP.NET Core's own switch (ASPNETCORE_HOSTINGSTARTUPASSEMBLIES): the host loads a startup assembly only from
/// its deps.json, so an unreferenced one also needs DOTNET_ADDITIONAL_DEPS with a deps file and a probing path set on every
/// start command (README, tests, bench, CI), and a missing variable would quietly start without the sample broker. The
/// assembly declares the standard <see cref="HostingStartupAttribute"/>, so moving to that switch later changes only this class.
/// </remarks>
internal static class DevelopmentHostingLoader
{
    public const string AssemblyName = "Marketplace.DevelopmentHosting";
    public const string Folder = "development";

    public static void Apply(WebApplicationBuilder builder)
    {
        if (builder.Environment.IsProduction() || Load() is not { } assembly) return;
        foreach (var startup in assembly.GetCustomAttributes<HostingStartupAttribute>())
            ((IHostingStartup)Activator.CreateInstance(startup.HostingStartupType)!).Configure(builder.WebHost);
    }

    private static Assembly? Load()
    {
        try
        {
            return Assembly.Load(AssemblyName);
        }
        catch (FileNotFoundException)
        {
            var path = Path.Combine(AppContext.BaseDirectory, Folder, AssemblyName + ".dll");
            if (!File.Exists(path)) return null;
            // Its own dependencies the host lacks (the sample broker) come from the same folder, by its deps.json.
            var resolver = new AssemblyDependencyResolver(path);
            AssemblyLoadContext.Default.Resolving += (context, name) => resolver.ResolveAssemblyToPath(name) is { } file ? context.LoadFromAssemblyPath(file) : null;
            return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        }
    }
}
