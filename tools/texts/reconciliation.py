# Texts of the reconciliation with the brokers: what a buyer reads about a mismatch between its subscription and the
# vendor's instance (the broker's answer stays with the vendor and the platform), and the vendor's and admin's pages.
T = {
"Finding.missing": ("Der Anbieter führt diesen Dienst derzeit nicht. Wir klären das mit dem Anbieter.", "The vendor does not currently have this service. We are clarifying this with the vendor."),
"Finding.plan": ("Beim Anbieter ist ein anderer Tarif eingerichtet als der, den Sie bestellt haben. Wir klären das mit dem Anbieter.", "The vendor has set up a different plan from the one you ordered. We are clarifying this with the vendor."),
"Finding.parameters": ("Die Einstellungen beim Anbieter weichen von Ihren Einstellungen ab. Wir klären das mit dem Anbieter.", "The vendor's settings differ from your settings. We are clarifying this with the vendor."),
"Nav.Reconciliation": ("Abgleich", "Reconciliation"),
"Reconciliation.Title": ("Abgleich mit den Brokern", "Reconciliation with the brokers"),
"Reconciliation.Intro": ("Abweichungen zwischen den Abonnements auf dem Marktplatz und den Instanzen bei den Brokern der Anbieter, neueste zuerst. Verglichen wird täglich und nach jeder fehlgeschlagenen Änderung, wo der Broker das Abrufen von Instanzen anbietet.", "Differences between the subscriptions on the marketplace and the instances at the vendors' brokers, newest first. They are compared daily and after every failed change, where the broker offers fetching instances."),
"Reconciliation.None": ("Keine Abweichungen gefunden.", "No differences found."),
"Reconciliation.Subscription": ("Abonnement", "Subscription"),
"Reconciliation.Kind": ("Abweichung", "Difference"),
"Reconciliation.Platform": ("Marktplatz", "Marketplace"),
"Reconciliation.Broker": ("Broker", "Broker"),
"Reconciliation.Answer": ("Antwort des Brokers", "Broker's answer"),
"Reconciliation.FoundAt": ("Gefunden", "Found"),
"Reconciliation.LastSeenAt": ("Zuletzt gesehen", "Last seen"),
"Reconciliation.Status": ("Status", "Status"),
"Reconciliation.Open": ("offen", "open"),
"Reconciliation.Resolved": ("behoben", "resolved"),
"Reconciliation.Kind.missing": ("Instanz fehlt beim Broker", "Instance missing at the broker"),
"Reconciliation.Kind.plan": ("Anderer Tarif", "Different plan"),
"Reconciliation.Kind.parameters": ("Andere Parameter", "Different parameters"),
}
