# Texts of the shop front: result cards, rating stars, the one conformance badge, the filter disclosure (German, English).
T = {
"Search.FiltersActive.one": ("{0} Filter aktiv", "{0} filter active"),
"Search.FiltersActive.other": ("{0} Filter aktiv", "{0} filters active"),
"Search.ShowFilters": ("Filter", "Filters"),
"Stars.Label": ("{0} von 5 Sternen", "{0} out of 5 stars"),
"Stars.Count.one": ("{0} Bewertung", "{0} rating"),
"Stars.Count.other": ("{0} Bewertungen", "{0} ratings"),
"Card.StandardFunded": ("Standardpaket für Ihre Kommune kostenfrei", "Standard package free for your municipality"),
"Card.StandardValue": ("Wert {0} je Monat", "worth {0} per month"),
"Card.ExtrasFrom": ("Extras: {0}", "Extras: {0}"),
"Card.NoExtras": ("keine kostenpflichtigen Extras", "no paid extras"),
"Card.Leistungen": ("Für", "For"),
"Conformance.Checked": ("geprüft", "checked"),
"Conformance.CheckedHint": ("erfüllt alle Pflichtstandards", "meets every required standard"),
"Conformance.InReview": ("Prüfung läuft", "check in progress"),
"Conformance.Failed": ("Pflichtstandard nicht erfüllt", "a required standard is not met"),
"Conformance.Details": ("Prüfergebnisse je Standard", "Results per standard"),
"Vendor.Logo": ("Logo von {0}", "Logo of {0}"),
}
T.update({
"Subscription.Municipality": ("Gemeinde", "Municipality"),
"Subscription.Ags": ("AGS {0}", "AGS {0}"),
"Subscription.Bool.true": ("ja", "yes"),
"Subscription.Bool.false": ("nein", "no"),
})
