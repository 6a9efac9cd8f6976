using Marketplace.Testing;
using NUnit.Framework;
using YamlDotNet.RepresentationModel;

namespace Marketplace.Infra.Tests;

/// <summary>The deployment files in infra/ parse and carry what operators rely on (probes, limits, non-root, budgets).</summary>
public class DeploymentFilesTests
{
    private static string Infra => Path.Combine(RepoPaths.Root, "infra");

    private static List<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Infra, file))));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlNode? At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next)) return null;
            node = next;
        }
        return node;
    }

    private static string? Text(YamlNode node, params string[] path) => (At(node, path) as YamlScalarNode)?.Value;

    [Test]
    public void Every_YAML_file_in_infra_parses()
    {
        var files = Directory.EnumerateFiles(Infra, "*.yaml", SearchOption.AllDirectories).ToList();
        Assert.That(files, Is.Not.Empty);
        foreach (var file in files)
            Assert.DoesNotThrow(() => new YamlStream().Load(new StringReader(File.ReadAllText(file))), file);
    }

    [Test]
    public void Deployments_have_probes_resources_and_run_as_non_root_on_a_read_only_root()
    {
        var deployments = Documents("kubernetes/marketplace.yaml").Where(d => Text(d, "kind") == "Deployment").ToList();
        Assert.That(deployments.Select(d => Text(d, "metadata", "name")), Is.EquivalentTo(new[] { "marketplace-web", "marketplace-worker" }));
        foreach (var d in deployments)
        {
            var name = Text(d, "metadata", "name");
            Assert.That(Text(d, "spec", "template", "spec", "securityContext", "runAsNonRoot"), Is.EqualTo("true"), name);
            foreach (YamlMappingNode c in ((YamlSequenceNode)At(d, "spec", "template", "spec", "containers")!).Children)
            {
                Assert.That(Text(c, "readinessProbe", "httpGet", "path"), Is.EqualTo("/health/ready"), name);
                Assert.That(Text(c, "livenessProbe", "httpGet", "path"), Is.EqualTo("/health/live"), name);
                Assert.That(At(c, "resources", "requests", "memory"), Is.Not.Null, name);
                Assert.That(At(c, "resources", "limits", "memory"), Is.Not.Null, name);
                Assert.That(Text(c, "securityContext", "readOnlyRootFilesystem"), Is.EqualTo("true"), name);
                Assert.That(Text(c, "securityContext", "allowPrivilegeEscalation"), Is.EqualTo("false"), name);
                var env = ((YamlSequenceNode)At(c, "env")!).Children.Select(e => Text(e, "name")).ToList();
                Assert.That(env, Does.Contain("Instance__Role"), name);
            }
        }
    }

    [Test]
    public void Budgets_autoscalers_secrets_and_a_migration_job_exist()
    {
        var kinds = Documents("kubernetes/marketplace.yaml").Select(d => Text(d, "kind")).ToList();
        Assert.That(kinds, Does.Contain("PodDisruptionBudget"));
        Assert.That(kinds, Does.Contain("HorizontalPodAutoscaler"));
        Assert.That(kinds, Does.Contain("Secret"));
        Assert.That(kinds, Does.Contain("Job"));
    }

    [Test]
    public void The_image_is_multi_stage_and_runs_as_an_unprivileged_user()
    {
        var lines = File.ReadAllLines(Path.Combine(Infra, "Dockerfile")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.That(lines.Count(l => l.StartsWith("FROM ")), Is.GreaterThanOrEqualTo(2));
        var lastUser = lines.Last(l => l.StartsWith("USER "));
        Assert.That(lastUser, Is.Not.EqualTo("USER root").And.Not.EqualTo("USER 0"));
        Assert.That(lines.IndexOf(lastUser), Is.GreaterThan(lines.FindLastIndex(l => l.StartsWith("FROM "))), "USER is set in the final stage");
        Assert.That(lines.Last(l => l.StartsWith("FROM ")), Does.Contain("aspnet"), "the runtime stage has no SDK");
    }

    [Test]
    public void Compose_runs_SQL_Server_2022_migrations_and_both_roles()
    {
        var compose = Documents("compose.yaml").Single();
        var services = ((YamlMappingNode)At(compose, "services")!).Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToList();
        Assert.That(services, Is.SupersetOf(new[] { "sqlserver", "migrate", "web", "worker" }));
        Assert.That(Text(compose, "services", "sqlserver", "image"), Does.StartWith("mcr.microsoft.com/mssql/server:2022"));
        Assert.That(Text(compose, "services", "web", "read_only"), Is.EqualTo("true"));
    }

    [Test]
    public void Every_alert_has_a_runbook_section()
    {
        var runbook = File.ReadAllText(Path.Combine(Infra, "RUNBOOK.md"));
        var rules = (YamlSequenceNode)At((YamlSequenceNode)At(Documents("prometheus-alerts.yaml").Single(), "groups")! is { } g ? g.Children[0] : null!, "rules")!;
        foreach (YamlMappingNode rule in rules.Children)
        {
            var anchor = Text(rule, "annotations", "runbook")!.Split('#')[1];
            Assert.That(runbook, Does.Contain("### " + anchor), Text(rule, "alert"));
        }
    }
}
