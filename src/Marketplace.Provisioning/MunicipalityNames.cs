using Marketplace.Catalog.Municipalities;

namespace Marketplace.Provisioning;

/// <summary>
/// Municipalities as people name them ("München, Landeshauptstadt"): pages show names, the AGS only as secondary text.
/// An AGS the directory does not know is shown as it is. Reads Catalog's <see cref="MunicipalityDirectory"/>.
/// </summary>
public sealed class MunicipalityNames(MunicipalityDirectory directory)
{
    public Task<IReadOnlyDictionary<string, string>> NamesAsync(IEnumerable<string> agsList, CancellationToken ct = default) =>
        directory.NamesAsync(agsList, ct);

    public async Task<string> NameAsync(string ags, CancellationToken ct = default) => (await NamesAsync([ags], ct))[ags];
}
