# Texts of provisioning jobs as buyers see them: why a subscription failed, and what is under way at the vendor.
# The raw broker answer stays with the vendor and the platform; buyers read these (German, English).
T = {
"Failure.rejected": ("Der Anbieter hat die Bestellung abgelehnt.", "The vendor rejected the order."),
"Failure.unreachable": ("Der Anbieter war wiederholt nicht erreichbar. Sie können es erneut versuchen.", "The vendor could not be reached, several times. You can try again."),
"Failure.vendor-error": ("Beim Anbieter ist wiederholt ein Fehler aufgetreten. Sie können es erneut versuchen.", "An error occurred at the vendor, several times. You can try again."),
"Failure.vendor-failed": ("Der Anbieter konnte den Dienst nicht einrichten.", "The vendor could not set up the service."),
"Failure.platform": ("Auf dem Marktplatz ist ein Fehler aufgetreten; der Betrieb ist informiert.", "An error occurred on the marketplace; operations have been informed."),
"Failure.unknown": ("Die Einrichtung ist fehlgeschlagen.", "The set-up failed."),
"Condition.retrying": ("Der Anbieter ist nicht erreichbar, wir versuchen es weiter.", "The vendor cannot be reached; we keep trying."),
"Condition.being-removed": ("wird beim Anbieter entfernt", "being removed at the vendor"),
"Ordering.Condition": ("Hinweis", "Note"),
}
