# Texts of the municipality's billing pages: invoices replaced after an upward correction, the billing account with its
# checklist, and the billing run's notes (German, English).
T = {
"Billing.CreditNote.Kind.replacement": ("Storno wegen Neuausstellung", "Cancelled and reissued"),
"Billing.Invoice.Replaces": ("ersetzt {0}", "replaces {0}"),
"Billing.Invoice.ReplacedBy": ("ersetzt durch {0}", "replaced by {0}"),
"Billing.Invoice.ReplacedNotice": ("Diese Rechnung wurde berichtigt: Die Gutschrift unten hebt sie auf, eine neue Rechnung ersetzt sie. Bitte zahlen Sie nur die neue Rechnung:", "This invoice has been corrected: the credit note below cancels it and a new invoice replaces it. Please pay the new invoice only:"),
"Billing.Invoice.ReplacesNotice": ("Diese Rechnung berichtigt und ersetzt die stornierte Rechnung vom {0}:", "This invoice corrects and replaces the voided invoice of {0}:"),
}
