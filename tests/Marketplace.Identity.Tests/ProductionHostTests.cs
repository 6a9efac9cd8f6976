using System.Text.Json.Nodes;
using Marketplace.DevelopmentHosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>
/// The production host carries no sample broker: neither its assembly nor its dependency manifest (what a publish ships)
/// names it; test and development hosts get the development services from Marketplace.DevelopmentHosting.
/// </summary>
public class ProductionHostTests
{
    private static readonly string[] DevelopmentOnly = ["Marketplace.SampleBroker", "Marketplace.DevelopmentHosting"];

    [Test]
    public void The_host_assembly_references_neither_the_sample_broker_nor_the_development_services()
    {
        var referenced = typeof(Program).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.That(referenced, Does.Contain("Marketplace.Provisioning"), "the check sees the host's references");
        Assert.That(referenced.Intersect(DevelopmentOnly), Is.Empty);
    }

    [Test]
    public void The_host_dependency_manifest_does_not_name_the_sample_broker()
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, "Marketplace.Web.deps.json");
        var libraries = JsonNode.Parse(File.ReadAllText(manifest))!["libraries"]!.AsObject().Select(l => l.Key.Split('/')[0]).ToList();
        Assert.That(libraries, Does.Contain("Marketplace.Provisioning"));
        Assert.That(libraries.Intersect(DevelopmentOnly), Is.Empty);
    }

    [Test]
    public async Task A_test_host_runs_with_the_development_services()
    {
        var host = await SharedHosts.For(Marketplace.Storage.DatabaseEngine.Sqlite);
        Assert.That(host.Services.GetRequiredService<IHostEnvironment>().IsProduction(), Is.False);
        Assert.That(host.Services.GetServices<IDemoDataSeeder>().Select(s => s.GetType()).Select(t => t.Assembly),
            Does.Contain(typeof(EmbeddedSampleBroker).Assembly), "the demo availability seeder comes from the development assembly");
    }
}
