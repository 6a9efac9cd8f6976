using Marketplace.Catalog.Queries;
using Marketplace.Storage;

namespace Marketplace.Provisioning.Subscriptions;

/// <summary>A municipality's subscriptions as CSV. Callers check access first.</summary>
public sealed class SubscriptionExport(SubscriptionService subscriptions, CatalogRepository catalogue)
{
    public async Task<byte[]> CsvAsync(string ags, CancellationToken ct = default)
    {
        var names = await catalogue.OfferingNamesAsync(ct);
        var rows = (await subscriptions.ListAsync(ags, ct)).Select(s => (IReadOnlyList<string?>)
        [
            s.Id, s.OfferingId, names.GetValueOrDefault(s.OfferingId, s.OfferingId), s.VendorId, s.PlanId, string.Join(", ", s.AddOnIds), s.State,
            s.Fulfilment, s.OrderId, s.RolloutId, StoredTimestamp.Format(s.CreatedAt), StoredTimestamp.Format(s.UpdatedAt), s.FailureReason,
        ]);
        return CsvExport.Write(["Abonnement", "Angebot", "Angebotsname", "Anbieter", "Tarif", "Zusatzleistungen", "Zustand", "Bereitstellung",
            "Bestellung", "Rollout", "Angelegt", "Geaendert", "Fehler"], rows);
    }
}
