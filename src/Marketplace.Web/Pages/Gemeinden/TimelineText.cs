using Marketplace.Provisioning.Subscriptions;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Gemeinden;

/// <summary>
/// A timeline entry in the page's language: the state it reached and what happened, from the resource files by the
/// event's kind. The stored note is the platform's own (German) record and may quote a broker; a buyer reads it only
/// where a person wrote it for them (a vendor's reason or set-up notes, a rejection's reason; the buyer's view has
/// no platform notes, see SubscriptionView.ForBuyer), platform staff always.
/// </summary>
public static class TimelineText
{
    private static readonly HashSet<string> PeoplesWords = ["rejected", "order-rejected", "activated", "updated", "cancelled"];

    public static string Line(IStringLocalizer texts, SubscriptionEvent e, bool platformReader)
    {
        var what = texts["Timeline." + e.Kind];
        var parts = new List<string>();
        if (e.ToState is not null) parts.Add(texts["State." + e.ToState].Value);
        if (!what.ResourceNotFound) parts.Add(what.Value);
        else if (e.ToState is null) parts.Add(e.Kind);
        var line = string.Join(" – ", parts);
        var showNote = e.Message is { Length: > 0 } && (platformReader || PeoplesWords.Contains(e.Kind));
        return showNote ? $"{line}: {e.Message}" : line;
    }
}
