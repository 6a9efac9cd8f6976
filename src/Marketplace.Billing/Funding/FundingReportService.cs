using System.Globalization;
using Marketplace.Billing.Pricing;
using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Queries;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;

namespace Marketplace.Billing.Funding;

/// <summary>What the funded standard packages of one offering in one Land were worth to one funder in one month.</summary>
public sealed record FundingRow(
    string Period, string Funder, string LandCode, string LandName, string OfferingId, string OfferingName, int Subscriptions, long ListValueCents);

/// <summary>
/// The funding report: per funder and month, the list value of every standard package in use, by Land and offering. A package
/// booked for part of a month counts by day, as add-ons are billed (list value × days ÷ days of the month, rounded per
/// booking to whole cents), so the report is what the funded standard was worth, not what was ordered.
/// </summary>
public sealed class FundingReportService(Database database, BillingCalendar calendar, SubscriptionRecords subscriptions, OfferingRecords offerings,
    PlanRecords plans, MunicipalityDirectory municipalities)
{
    private sealed record Row(string SubscriptionId, string OfferingId, string OfferingName, string LandCode, string LandName, string Funder,
        long ListValueCentsPerMonth, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);

    /// <summary>The billable history overlapping the months with its offering, Land and plan; history of a plan or municipality the catalogue no longer knows is left out.</summary>
    private async Task<List<Row>> RowsAsync(BillingMonth from, BillingMonth to, CancellationToken ct)
    {
        IReadOnlyList<BilledPeriod> periods;
        IReadOnlyDictionary<string, string> names;
        Dictionary<(string, string), PlanRow> prices;
        await using (var c = await database.OpenAsync(ct))
        {
            periods = await subscriptions.BilledPeriodsAsync(c, null, BillingStore.Date(from.FirstDay.AddDays(-1)), BillingStore.Date(to.EndDay.AddDays(1)), ct: ct);
            names = await offerings.NamesAsync(c, null, periods.Select(p => p.OfferingId));
            prices = (await plans.PlansAsync(c, null, ct)).ToDictionary(p => (p.OfferingId, p.PlanId));
        }
        var places = await municipalities.GetManyAsync(periods.Select(p => p.MunicipalityAgs), ct);
        return periods
            .Where(p => names.ContainsKey(p.OfferingId) && places.ContainsKey(p.MunicipalityAgs) && prices.ContainsKey((p.OfferingId, p.PlanId)))
            .Select(p => (Period: p, Place: places[p.MunicipalityAgs], Plan: prices[(p.OfferingId, p.PlanId)]))
            .Select(x => new Row(x.Period.SubscriptionId, x.Period.OfferingId, names[x.Period.OfferingId], x.Place.LandCode, x.Place.LandName, x.Plan.Funder,
                x.Plan.ListValueCentsPerMonth, x.Period.ValidFrom, x.Period.ValidTo))
            .ToList();
    }

    public async Task<IReadOnlyList<FundingRow>> GetAsync(BillingMonth from, BillingMonth to, CancellationToken ct = default)
    {
        if (to < from) throw RequestValidationException.Coded("to", "months.reversed", "Der letzte Monat („to“) liegt vor dem ersten („from“).");
        if (to.CompareTo(from) > 0 && (to.Year - from.Year) * 12 + to.Month - from.Month >= 120)
            throw RequestValidationException.Coded("to", "months.too-many", "Von „from“ bis „to“ höchstens zehn Jahre auf einmal.");
        var rows = await RowsAsync(from, to, ct);
        var report = new List<FundingRow>();
        for (var month = from; month <= to; month = month.Next)
        {
            var m = month;
            report.AddRange(rows
                .Select(r => (Row: r, Days: calendar.ChargedDays(m, r.ValidFrom, r.ValidTo)))
                .Where(x => x.Days > 0)
                .GroupBy(x => (x.Row.Funder, x.Row.LandCode, x.Row.LandName, x.Row.OfferingId, x.Row.OfferingName))
                .Select(g => new FundingRow(m.Period, g.Key.Funder, g.Key.LandCode, g.Key.LandName, g.Key.OfferingId, g.Key.OfferingName,
                    g.Select(x => x.Row.SubscriptionId).Distinct().Count(),
                    g.Sum(x => Money.LineAmount(x.Days, x.Row.ListValueCentsPerMonth, m.Days))))
                .OrderBy(r => r.Funder, StringComparer.Ordinal).ThenBy(r => r.LandCode, StringComparer.Ordinal).ThenBy(r => r.OfferingName, StringComparer.Ordinal));
        }
        return report;
    }

    /// <summary>The report as CSV for spreadsheets set to German: semicolons, decimal comma in the euro column, UTF-8.</summary>
    public static string ToCsv(IEnumerable<FundingRow> rows) => CsvExport.Text(
        ["Monat", "Foerdergeber", "Land", "Landesname", "Angebot", "Angebotsname", "Abonnements", "Listenwert_Cent", "Listenwert_EUR"],
        rows.Select(r => (IReadOnlyList<string?>)[r.Period, r.Funder, r.LandCode, r.LandName, r.OfferingId, r.OfferingName,
            r.Subscriptions.ToString(CultureInfo.InvariantCulture), r.ListValueCents.ToString(CultureInfo.InvariantCulture), CsvExport.Euros(r.ListValueCents)]));
}
