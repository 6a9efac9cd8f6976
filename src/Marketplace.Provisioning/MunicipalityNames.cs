using Dapper;
using Marketplace.Storage;

namespace Marketplace.Provisioning;

/// <summary>
/// Municipalities as people name them ("München, Landeshauptstadt"): pages show names, the AGS only as secondary text.
/// An AGS the directory does not know is shown as it is.
/// </summary>
public sealed class MunicipalityNames(Database database)
{
    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(IEnumerable<string> agsList, CancellationToken ct = default)
    {
        var wanted = agsList.Distinct(StringComparer.Ordinal).ToArray();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (wanted.Length == 0) return names;
        await using var c = await database.OpenAsync(ct);
        // One query per batch of AGS: a bundler's picker can hold every municipality of a Land.
        foreach (var batch in wanted.Chunk(500))
            foreach (var (ags, name) in await c.QueryAsync<(string Ags, string Name)>(
                         new CommandDefinition(ProvisioningSql.MunicipalityNames(database.Dialect), new { agsList = batch }, cancellationToken: ct)))
                names[ags] = name;
        foreach (var ags in wanted) names.TryAdd(ags, ags);
        return names;
    }

    public async Task<string> NameAsync(string ags, CancellationToken ct = default) => (await NamesAsync([ags], ct))[ags];
}
