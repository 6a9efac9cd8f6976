using System.Globalization;
using System.Text.Json.Nodes;

namespace Marketplace.Notifications;

/// <summary>
/// The words of every notification kind in German and English, filled from the parameters stored with it. In-app they
/// render in the reader's UI language; e-mails in the language the user chose (German when none).
/// </summary>
public static class NotificationTexts
{
    /// <summary>Kinds the notifier writes (audit actions are mapped onto these).</summary>
    public static class Kinds
    {
        public const string OrderPlaced = "order.placed";
        public const string OrderAwaitingApproval = "order.awaiting-approval";
        public const string OrderApproved = "order.approved";
        public const string OrderRejected = "order.rejected";
        public const string SubscriptionState = "subscription.state";
        public const string ConformanceChanged = "conformance.changed";
        public const string OfferingDeprecated = "offering.deprecated";
        public const string OfferingRetired = "offering.retired";
        public const string OfferingRepublished = "offering.republished";
        public const string InvoiceFinalized = "invoice.finalized";
        public const string RequestAnswered = "feature-request.answered";
        public const string SavedSearchMatch = "saved-search.match";
        public const string ApprovalThresholdChanged = "order-settings.threshold";
        public const string LandDefaultChanged = "land-default.changed";
        public const string SubProcessorsChanged = "offering.subprocessors-changed";
        public const string SlaBreach = "offering.sla-breach";
        public const string SlaBreachFinding = "offering.sla-breach-finding";
    }

    private static readonly Dictionary<string, (string De, string En)> Titles = new()
    {
        [Kinds.OrderPlaced] = ("Bestellung aufgegeben: {offerings}", "Order placed: {offerings}"),
        [Kinds.OrderAwaitingApproval] = ("Bestellung wartet auf Freigabe: {offerings}", "Order awaiting approval: {offerings}"),
        [Kinds.OrderApproved] = ("Bestellung freigegeben", "Order approved"),
        [Kinds.OrderRejected] = ("Bestellung nicht freigegeben", "Order rejected"),
        [Kinds.SubscriptionState] = ("{offeringName}: Abonnement {state}", "{offeringName}: subscription {state}"),
        [Kinds.ConformanceChanged] = ("{offeringName}: Konformität geändert", "{offeringName}: conformance changed"),
        [Kinds.OfferingDeprecated] = ("{offeringName} wird abgekündigt", "{offeringName} is being deprecated"),
        [Kinds.OfferingRetired] = ("{offeringName} wird eingestellt", "{offeringName} is being retired"),
        [Kinds.OfferingRepublished] = ("{offeringName}: neue Version veröffentlicht", "{offeringName}: new version published"),
        [Kinds.InvoiceFinalized] = ("Neue Rechnung {number}", "New invoice {number}"),
        [Kinds.RequestAnswered] = ("Antwort auf Ihre Anfrage zu {offeringName}", "Answer to your request about {offeringName}"),
        [Kinds.SavedSearchMatch] = ("Neues Angebot für „{searchName}“: {offeringName}", "New offering for “{searchName}”: {offeringName}"),
        [Kinds.ApprovalThresholdChanged] = ("Freigabegrenze geändert", "Approval threshold changed"),
        [Kinds.LandDefaultChanged] = ("{offeringName}: Landesvorgabe geändert", "{offeringName}: Land default changed"),
        [Kinds.SubProcessorsChanged] = ("{offeringName}: Unterauftragsverarbeiter ändern sich", "{offeringName}: sub-processors change"),
        [Kinds.SlaBreach] = ("{offeringName}: zugesicherte Verfügbarkeit im {period} verfehlt", "{offeringName}: promised availability missed in {period}"),
        [Kinds.SlaBreachFinding] = ("{offeringName}: zugesicherte Verfügbarkeit im {period} verfehlt (Konformitätsbefund)",
            "{offeringName}: promised availability missed in {period} (conformance finding)"),
    };

    private static readonly Dictionary<string, (string De, string En)> Bodies = new()
    {
        [Kinds.OrderPlaced] = ("Die Bestellung {orderId} ist eingegangen und wird bereitgestellt.", "Order {orderId} was received and is being provisioned."),
        [Kinds.OrderAwaitingApproval] = ("Die Bestellung {orderId} überschreitet die Freigabegrenze und wartet auf die Freigabe durch eine zweite Person.",
            "Order {orderId} exceeds the approval threshold and awaits approval by a second person."),
        [Kinds.OrderApproved] = ("Die Bestellung {orderId} wurde freigegeben und wird bereitgestellt.", "Order {orderId} was approved and is being provisioned."),
        [Kinds.OrderRejected] = ("Die Bestellung {orderId} wurde nicht freigegeben. Begründung: {reason}", "Order {orderId} was rejected. Reason: {reason}"),
        [Kinds.SubscriptionState] = ("Das Abonnement von „{offeringName}“ ist jetzt {state}. {message}", "The subscription to “{offeringName}” is now {state}. {message}"),
        [Kinds.ConformanceChanged] = ("Die geprüfte Konformität von „{offeringName}“, das Sie abonniert haben, hat sich geändert: {statuses}.",
            "The checked conformance of “{offeringName}”, which you subscribe to, has changed: {statuses}."),
        [Kinds.OfferingDeprecated] = ("„{offeringName}“ wird vom Anbieter abgekündigt: Neue Bestellungen sind nicht mehr möglich, Ihr Abonnement läuft weiter.",
            "“{offeringName}” is being deprecated by its vendor: no new orders; your subscription continues."),
        [Kinds.OfferingRetired] = ("„{offeringName}“ wird vom Anbieter eingestellt und ist nicht mehr im Katalog. Bitte klären Sie mit dem Anbieter, wie es mit Ihrem Abonnement weitergeht.",
            "“{offeringName}” is being retired by its vendor and has left the catalogue. Please agree with the vendor how your subscription goes on."),
        [Kinds.OfferingRepublished] = ("Von „{offeringName}“, das Sie abonniert haben, ist Version {version} veröffentlicht.",
            "Version {version} of “{offeringName}”, which you subscribe to, has been published."),
        [Kinds.InvoiceFinalized] = ("Die Rechnung {number} über {gross} für {period} ist ausgestellt, fällig am {dueDate}.",
            "Invoice {number} for {gross} covering {period} has been issued, due on {dueDate}."),
        [Kinds.RequestAnswered] = ("Der Anbieter hat Ihre Anfrage zu „{offeringName}“ beantwortet; Status jetzt: {status}.",
            "The vendor answered your request about “{offeringName}”; status now: {status}."),
        [Kinds.SavedSearchMatch] = ("Ein neues Angebot passt zu Ihrer gespeicherten Suche „{searchName}“: {offeringName}.",
            "A new offering matches your saved search “{searchName}”: {offeringName}."),
        [Kinds.ApprovalThresholdChanged] = ("{by} hat die Freigabegrenze (Vier-Augen-Prinzip, Monatskosten in Cent) von „{before}“ auf „{after}“ geändert; leer heißt: keine Freigabe nötig.",
            "{by} changed the approval threshold (four eyes, monthly cost in cents) from “{before}” to “{after}”; empty means no approval needed."),
        [Kinds.SubProcessorsChanged] = ("Der Anbieter von „{offeringName}“ ändert mit Version {version} seine Unterauftragsverarbeiter (Art. 28 Abs. 2 DSGVO). Neu: {added}. Entfällt: {removed}. Sie können binnen {objectionDays} Tagen widersprechen; wirksam wird die Änderung erst ab {effectiveFrom}. Widersprechen können Einkaufsverantwortliche auf der Seite Ihres Abonnements.",
            "The vendor of “{offeringName}” changes its sub-processors with version {version} (Art. 28(2) GDPR). Added: {added}. Removed: {removed}. You may object within {objectionDays} days; the change takes effect only from {effectiveFrom}. Buyer administrators can object on your subscription's page."),
        [Kinds.SlaBreach] = ("Die Plattform hat die Statusseite von „{offeringName}“ im {period} {probes}-mal abgefragt: Verfügbar war das Angebot zu {measuredPercent} %, zugesichert sind {promisedPercent} %. Die gemessene Verfügbarkeit steht auf der Seite des Angebots.",
            "The platform probed the status page of “{offeringName}” {probes} times in {period}: the offering was available {measuredPercent} % of the time; {promisedPercent} % is promised. The measured availability is shown on the offering's page."),
        [Kinds.SlaBreachFinding] = ("Die Plattform hat die Statusseite von „{offeringName}“ im {period} {probes}-mal abgefragt: Verfügbar war das Angebot zu {measuredPercent} %, zugesichert sind {promisedPercent} %. Nach der Konformitätsrichtlinie des Marktplatzes ist das ein Konformitätsbefund.",
            "The platform probed the status page of “{offeringName}” {probes} times in {period}: the offering was available {measuredPercent} % of the time; {promisedPercent} % is promised. Under the marketplace's conformance policy this is a conformance finding."),
        [Kinds.LandDefaultChanged] = ("Die Landesvorgabe ({source}) für „{offeringName}“ wurde geändert; sie gilt für Ihr Abonnement, soweit Sie keinen eigenen Wert gesetzt haben. Auf der Seite des Abonnements sehen Sie, woher jeder Wert stammt, und können ihn überschreiben.",
            "The Land default ({source}) for “{offeringName}” has changed; it applies to your subscription wherever you have not set a value of your own. The subscription page shows where each value comes from and lets you override it."),
    };

    private static readonly Dictionary<string, (string De, string En)> States = new()
    {
        ["requested"] = ("beantragt", "requested"), ["provisioning"] = ("in Einrichtung", "being provisioned"), ["active"] = ("aktiv", "active"),
        ["updating"] = ("in Änderung", "being updated"), ["suspended"] = ("pausiert", "suspended"), ["deprovisioning"] = ("im Abbau", "being removed"),
        ["cancelled"] = ("gekündigt", "cancelled"), ["failed"] = ("fehlgeschlagen", "failed"),
        ["conformant"] = ("konform", "conformant"), ["non-conformant"] = ("nicht konform", "non-conformant"), ["expired"] = ("abgelaufen", "expired"),
        ["pending"] = ("ausstehend", "pending"), ["open"] = ("offen", "open"), ["planned"] = ("geplant", "planned"), ["declined"] = ("abgelehnt", "declined"),
        ["done"] = ("umgesetzt", "done"), ["implemented"] = ("umgesetzt", "implemented"), ["in-progress"] = ("in Arbeit", "in progress"),
    };

    /// <summary>A state or status in words; unknown values as they are.</summary>
    public static string State(string? value, bool english) =>
        value is null ? "" : States.TryGetValue(value, out var t) ? (english ? t.En : t.De) : value;

    public static bool IsEnglish(CultureInfo culture) => culture.TwoLetterISOLanguageName == NotificationLanguages.English;

    public static (string Title, string Body) Render(string kind, string paramsJson, bool english)
    {
        var parameters = JsonNode.Parse(paramsJson) as JsonObject ?? [];
        var title = Titles.TryGetValue(kind, out var t) ? (english ? t.En : t.De) : kind;
        var body = Bodies.TryGetValue(kind, out var b) ? (english ? b.En : b.De) : "";
        return (Fill(title, parameters, english), Fill(body, parameters, english).Trim());
    }

    /// <summary>Where the notification leads: the order, subscription, invoice or offering page.</summary>
    public static string? Link(NotificationRow n) => n.ObjectType switch
    {
        "order" when n.MunicipalityAgs is not null => $"/gemeinden/{n.MunicipalityAgs}/bestellungen/{Uri.EscapeDataString(n.ObjectId)}",
        "subscription" when n.MunicipalityAgs is not null => $"/gemeinden/{n.MunicipalityAgs}/abonnements/{Uri.EscapeDataString(n.ObjectId)}",
        "invoice" => $"/abrechnung/rechnungen/{Uri.EscapeDataString(n.ObjectId)}",
        "offering" => $"/angebote/{Uri.EscapeDataString(n.ObjectId)}",
        _ => JsonNode.Parse(n.ParamsJson)?["offeringId"]?.GetValue<string>() is { } offering ? $"/angebote/{Uri.EscapeDataString(offering)}" : null,
    };

    private static string Fill(string template, JsonObject parameters, bool english)
    {
        var culture = CultureInfo.GetCultureInfo(english ? "en-GB" : "de-DE");
        foreach (var (key, value) in parameters)
        {
            var text = key switch
            {
                "state" or "status" => State(value?.GetValue<string>(), english),
                "gross" when value is JsonValue v && v.TryGetValue<long>(out var cents) => Marketplace.Billing.Pricing.Money.Display(cents, culture),
                // A billing month and a day in words of the reader's language: "November 2026", "5. Januar 2027" / "5 January 2027".
                "period" when DateOnly.TryParseExact(value?.ToString() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month) =>
                    month.ToString("MMMM yyyy", culture),
                "dueDate" when DateOnly.TryParseExact(value?.ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) =>
                    day.ToString(english ? "d MMMM yyyy" : "d. MMMM yyyy", culture),
                "measuredPercent" or "promisedPercent" when decimal.TryParse(value?.ToString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var percent) =>
                    percent.ToString("0.00", culture),
                "statuses" when value is JsonArray a => string.Join(", ", a.OfType<JsonObject>()
                    .Select(s => $"{s["standard"]?.GetValue<string>()}: {State(s["status"]?.GetValue<string>(), english)}")),
                _ => value?.ToString() ?? "",
            };
            template = template.Replace("{" + key + "}", text, StringComparison.Ordinal);
        }
        return template;
    }
}
