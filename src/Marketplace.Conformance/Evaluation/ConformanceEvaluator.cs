using System.Globalization;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;
using Marketplace.Conformance.Standards;

namespace Marketplace.Conformance.Evaluation;

/// <summary>
/// Computes the conformance of one offering version to each standard it claims or the policy requires, on a given day,
/// from the stored automated check results and the evidence with its decisions. Pure: the same inputs give the same
/// statuses, which is what lets the daily job and the tests (with a fake clock) rely on it.
/// </summary>
public static class ConformanceEvaluator
{
    public static IReadOnlyList<StandardStatus> Evaluate(OfferingDescriptor offering, StandardsSnapshot standards,
        IReadOnlyList<CheckResult> checks, IReadOnlyList<Evidence> evidence, DateOnly today, bool liveChecked = true)
    {
        var required = standards.RequiredOf(offering, liveChecked);
        var result = new List<StandardStatus>();
        foreach (var id in offering.Standards.Select(s => s.Standard).Concat(required.Keys).Distinct())
        {
            if (!standards.Standards.TryGetValue(id, out var standard) || standard.Versions.Count == 0) continue;
            var isRequired = required.TryGetValue(id, out var why);
            var claim = offering.Standards.FirstOrDefault(s => s.Standard == id);
            if (claim is null)
            {
                result.Add(new StandardStatus(id, standard.InForce(today).Version, ConformanceStatuses.NonConformant, true,
                    $"Die Plattform verlangt diesen Standard ({why}); das Angebot beansprucht ihn nicht.", null, null));
                continue;
            }
            if (standard.Version(claim.Version) is not { } version)
            {
                result.Add(new StandardStatus(id, claim.Version, ConformanceStatuses.NonConformant, isRequired,
                    $"Version {claim.Version} des Standards ist unbekannt.", null, null));
                continue;
            }
            result.Add(EvaluateVersion(standard, version, isRequired, checks, evidence, today));
        }
        return result;
    }

    private static StandardStatus EvaluateVersion(StandardInfo standard, StandardVersionInfo version, bool required,
        IReadOnlyList<CheckResult> checks, IReadOnlyList<Evidence> evidence, DateOnly today)
    {
        if (version.PublishedOn > today)
            return new StandardStatus(standard.Id, version.Version, ConformanceStatuses.Pending, required,
                $"Version {version.Version} gilt erst ab {Day(version.PublishedOn)}.", null, null);

        var failed = new List<string>();
        var expired = new List<string>();
        var pending = new List<string>();
        DateOnly? validUntil = null;
        DateTimeOffset? checkedAt = null;

        // A newer version in force ends the acceptance of this one when its grace period is over.
        var successors = standard.Versions.Where(v => v.PublishedOn > version.PublishedOn && v.PublishedOn <= today).ToList();
        if (successors.Count > 0)
        {
            var graceEnds = successors.Min(v => v.GraceEndsOn);
            if (today >= graceEnds)
                expired.Add($"Version {version.Version} wird seit {Day(graceEnds)} nicht mehr anerkannt; gültig ist Version {successors[^1].Version}");
            else validUntil = graceEnds.AddDays(-1);
        }

        foreach (var criterion in version.Criteria)
        {
            if (criterion.IsAutomated)
            {
                var check = checks.FirstOrDefault(c => c.StandardId == standard.Id && c.StandardVersion == version.Version && c.CriterionId == criterion.Id);
                if (check is null) pending.Add($"{criterion.Id}: noch nicht geprüft");
                else
                {
                    checkedAt = Later(checkedAt, check.CheckedAt);
                    if (check.Outcome == CheckOutcomes.Fail) failed.Add($"{criterion.Id}: {check.Detail}");
                    else if (check.Outcome != CheckOutcomes.Pass) pending.Add($"{criterion.Id}: {check.Detail}");
                }
                continue;
            }

            var mine = evidence.Where(e => e.StandardId == standard.Id && e.StandardVersion == version.Version && e.CriterionId == criterion.Id).ToList();
            var valid = mine.Where(e => e.State == EvidenceStates.Accepted && today <= Date(e.ExpiresOn)).ToList();
            if (valid.Count > 0)
            {
                var until = valid.Max(e => Date(e.ExpiresOn));
                validUntil = validUntil is { } v && v < until ? v : until;
                checkedAt = Later(checkedAt, valid.Max(e => e.DecidedAt));
            }
            else if (mine.Any(e => e.State == EvidenceStates.Submitted)) pending.Add($"{criterion.Id}: Nachweis liegt zur Prüfung vor");
            else if (mine.Where(e => e.State == EvidenceStates.Accepted).MaxBy(e => e.ExpiresOn) is { } old)
            {
                expired.Add($"{criterion.Id}: Nachweis von {old.Issuer} ist am {old.ExpiresOn} abgelaufen");
                checkedAt = Later(checkedAt, old.DecidedAt);
            }
            else if (mine.Where(e => e.State == EvidenceStates.Rejected).MaxBy(e => e.DecidedAt) is { } rejected)
            {
                failed.Add($"{criterion.Id}: Nachweis abgelehnt: {rejected.DecisionReason}");
                checkedAt = Later(checkedAt, rejected.DecidedAt);
            }
            else pending.Add($"{criterion.Id}: kein Nachweis");
        }

        var (status, reasons) = failed.Count > 0 ? (ConformanceStatuses.NonConformant, failed)
            : expired.Count > 0 ? (ConformanceStatuses.Expired, expired)
            : pending.Count > 0 ? (ConformanceStatuses.Pending, pending)
            : (ConformanceStatuses.Conformant, [$"Alle {version.Criteria.Count} Kriterien erfüllt"]);
        return new StandardStatus(standard.Id, version.Version, status, required, string.Join("; ", reasons) + ".", checkedAt,
            status == ConformanceStatuses.Conformant && validUntil is { } u ? Day(u) : null);
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a >= b ? a : b;

    public static DateOnly Date(string day) => DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
