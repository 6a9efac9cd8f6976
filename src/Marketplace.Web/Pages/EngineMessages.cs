using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages;

/// <summary>
/// The provisioning engine words its validation messages in German (they also go out in API problem details); pages
/// show them in the request's language through the resources here. A message this table does not know is shown as is.
/// </summary>
public static partial class EngineMessages
{
    // Pattern of the engine's German message → resource key; the groups become the text's {0}, {1}.
    private static readonly (Regex Pattern, string Key)[] Known =
    [
        (RequiredMissing(), "Engine.RequiredMissing"),
        (new("^keine ganze Zahl$"), "Engine.NotInteger"),
        (new("^keine Zahl$"), "Engine.NotNumber"),
        (new("^unbekanntes Feld: das Schema erlaubt es hier nicht$"), "Engine.UnknownField"),
        (new("^keine gültige http\\(s\\)-Adresse$"), "Engine.InvalidUrl"),
        (new("^Begründung fehlt$"), "Engine.ReasonMissing"),
        (new("^unbekanntes Angebot$"), "Engine.UnknownOffering"),
        (new("^unbekanntes Angebot (.+)$"), "Engine.UnknownOfferingId"),
        (new("^unbekannter Tarif$"), "Engine.UnknownPlan"),
        (new("^Zusatzleistung '(.+)' gehört nicht zum Tarif$"), "Engine.AddOnNotInPlan"),
        (new("^entweder eine Liste von AGS oder ein Land angeben$"), "Engine.AgsOrLand"),
        (new("^unbekannte Gemeinde$"), "Engine.UnknownMunicipality"),
        (new("^Gemeinde gehört nicht zum Rollout$"), "Engine.NotInRollout"),
        (new("^Angebot in (.+) nicht bestellbar$"), "Engine.NotOrderableIn"),
        (new("^in (.+) nicht bestellbar$"), "Engine.NotOrderableIn"),
        (new("^bereits abonniert \\(Zustand (.+)\\)$"), "Engine.AlreadySubscribed"),
        (new("^mindestens ein Angebot wählen$"), "Engine.ChooseOne"),
        (new("^Die Merkliste ist leer\\.$"), "Engine.BasketEmpty"),
        (new("^Angebot steht nicht auf der Merkliste$"), "Engine.NotInBasket"),
        (new("^erforderlich$"), "Engine.Required"),
        (new("^Leistung gehört nicht zum Bündel$"), "Engine.NotInBundle"),
        (new("^Leistung doppelt gewählt$"), "Engine.LeistungTwice"),
        (new("^Angebot doppelt gewählt$"), "Engine.OfferingTwice"),
        (new("^Angebot erbringt die Leistung (.+) nicht$"), "Engine.DoesNotProvide"),
        (new("^die erste Zeile muss die Spalte 'ags' enthalten$"), "Engine.CsvNeedsAgs"),
        (new("^'(.*)' ist kein AGS$"), "Engine.NotAnAgs"),
        (new("^Gemeinde steht mehrfach in der Datei$"), "Engine.CsvTwice"),
        (new("^darf nicht negativ sein$"), "Engine.NotNegative"),
        (new("^Vier-Augen-Prinzip: wer bestellt, gibt nicht selbst frei$"), "Engine.FourEyes"),
        (new("^unbekanntes Aufgabengebiet$"), "Engine.UnknownArea"),
        (new("^Aufgabengebiet doppelt: je Gebiet ein Fachverfahren$"), "Engine.AreaTwice"),
        (new("^unbekanntes Fachverfahren in diesem Aufgabengebiet$"), "Engine.UnknownProduct"),
        (new("^unbekannte Version des Fachverfahrens$"), "Engine.UnknownProductVersion"),
        // JSON Schema keywords, worded by TenantSchema from the field's schema.
        (new("^mindestens (.+) Zeichen$"), "Engine.MinLength"),
        (new("^höchstens (.+) Zeichen$"), "Engine.MaxLength"),
        (new("^mindestens (.+) Einträge$"), "Engine.MinItems"),
        (new("^höchstens (.+) Einträge$"), "Engine.MaxItems"),
        (new("^mindestens (.+)$"), "Engine.Minimum"),
        (new("^höchstens (.+)$"), "Engine.Maximum"),
        (new("^größer als (.+)$"), "Engine.ExclusiveMinimum"),
        (new("^kleiner als (.+)$"), "Engine.ExclusiveMaximum"),
        (new("^Einträge doppelt$"), "Engine.UniqueItems"),
        (new("^kein erlaubter Wert$"), "Engine.NotAllowed"),
        (new("^entspricht nicht dem verlangten Format$"), "Engine.Pattern"),
        (new("^keine gültige E-Mail-Adresse$"), "Engine.Email"),
        (new("^keine gültige Adresse$"), "Engine.Uri"),
        (new("^kein gültiges Datum$"), "Engine.Date"),
        (new("^entspricht nicht dem Format (.+)$"), "Engine.Format"),
        (new("^falscher Typ$"), "Engine.Type"),
    ];

    /// <summary>The message in the request's language when it is one of the engine's; otherwise unchanged.</summary>
    public static string Localize(this IStringLocalizer texts, string message)
    {
        foreach (var (pattern, key) in Known)
            if (pattern.Match(message) is { Success: true } m)
                return texts[key, m.Groups.Values.Skip(1).Select(g => (object)Word(texts, key, g.Value)).ToArray()];
        return message;
    }

    /// <summary>A subscription state the engine names by its code ("active") is worded in the page's language.</summary>
    private static string Word(IStringLocalizer texts, string key, string value) =>
        key == "Engine.AlreadySubscribed" && texts["State." + value] is { ResourceNotFound: false } state ? state.Value : value;

    [GeneratedRegex("^Pflichtangabe fehlt: (.+)$")]
    private static partial Regex RequiredMissing();
}
