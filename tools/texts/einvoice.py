# Texts of e-invoicing: VAT categories on invoices, credit notes for voided and corrected invoices (German, English).
T = {
"Billing.Vat.Z": ("Umsatzsteuer 0 % (Nullsatz)", "VAT 0 % (zero rated)"),
"Billing.Vat.E": ("Steuerfrei: {0}", "Exempt from VAT: {0}"),
"Billing.Vat.O": ("Nicht steuerbar: {0}", "Not subject to VAT: {0}"),
"Billing.Invoice.Voided": ("Diese Rechnung ist storniert. Die Gutschrift unten hebt sie auf; die Rechnung bleibt so abrufbar, wie sie gestellt wurde.", "This invoice has been voided. The credit note below cancels it; the invoice stays available as it was issued."),
"Billing.Invoice.DownloadVoided": ("Stornierte Rechnung herunterladen (XRechnung, XML)", "Download the voided invoice (XRechnung, XML)"),
"Billing.Invoice.CreditNotes": ("Gutschriften zu dieser Rechnung", "Credit notes for this invoice"),
"Billing.CreditNotes.Title": ("Gutschriften", "Credit notes"),
"Billing.CreditNotes.Lead": ("Gutschriften heben stornierte Rechnungen auf oder erstatten den Unterschied, wenn eine Rechnung berichtigt wurde (etwa eine vom Anbieter korrigierte Nutzung).", "Credit notes cancel voided invoices or credit the difference when an invoice was corrected (for example usage the vendor corrected)."),
"Billing.CreditNote.Number": ("Gutschriftnummer", "Credit note number"),
"Billing.CreditNote.Invoice": ("Zur Rechnung", "For invoice"),
"Billing.CreditNote.Kind": ("Anlass", "Reason"),
"Billing.CreditNote.Kind.void": ("Storno", "Cancellation"),
"Billing.CreditNote.Kind.correction": ("Korrektur", "Correction"),
"Billing.CreditNote.IssueDate": ("Datum", "Date"),
"Billing.CreditNote.Gross": ("Gutschriftbetrag brutto", "Gross amount credited"),
"Billing.CreditNote.Download": ("XRechnung (XML)", "XRechnung (XML)"),
}
