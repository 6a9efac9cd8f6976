# Sub-processors in force on the public views, withdrawing an objection, and leaving before a change takes effect (Art. 28(2) GDPR).
T = {
"Compare.SubProcessorsPending": ("Änderung angekündigt (Version {0}), wirksam ab {1}", "Change announced (version {0}), in effect from {1}"),
}
T.update({
"Objection.Withdraw": ("Widerspruch gegen Version {0} zurücknehmen", "Withdraw the objection to version {0}"),
"Objection.ExitHeading": ("Vor dem Wirksamwerden kündigen", "Cancel before the change takes effect"),
"Objection.Exit": ("Sie können dieses Abonnement kündigen, bevor die Änderung am {0} wirksam wird. Die Kündigung wirkt sofort, ohne Kündigungsfrist und ohne Mindestlaufzeit: Ab der Kündigung berechnen wir keine Zusatzleistungen und keine Nutzung mehr, und die neuen Unterauftragsverarbeiter erhalten Ihre Daten nie.", "You can cancel this subscription before the change takes effect on {0}. The cancellation takes effect at once, with no notice period and no minimum term: from the cancellation on, no add-ons and no usage are charged, and the new sub-processors never receive your data."),
"Objection.ExitCancel": ("Abonnement jetzt kündigen", "Cancel the subscription now"),
# Who may object to or withdraw from a change of sub-processors, record Fachverfahren, or set the data policy (403).
"Problem.objection.buyer-admins-only": ("Nur die Einkaufsverantwortlichen der Kommune widersprechen einer Änderung der Unterauftragsverarbeiter.", "Only the municipality's buyer administrators can object to a change of sub-processors."),
"Problem.objection.withdraw-buyer-admins-only": ("Nur die Einkaufsverantwortlichen der Kommune nehmen einen Widerspruch zurück.", "Only the municipality's buyer administrators can withdraw an objection."),
"Problem.fachverfahren.buyer-admins-only": ("Nur die Einkaufsverantwortlichen der Kommune erfassen ihre Fachverfahren.", "Only the municipality's buyer administrators can record its back-office systems."),
"Problem.data-policy.buyer-admins-only": ("Nur die Einkaufsverantwortlichen der Kommune legen ihre Datenrichtlinie fest.", "Only the municipality's buyer administrators can set its data policy."),
# The way out an objection's API answer names ({0} the day the change takes effect).
"Objection.ExitExplanation": ("Sie können das Abonnement kündigen, bevor die Änderung am {0:dd.MM.yyyy} wirksam wird: Die Kündigung wirkt sofort, ohne Kündigungsfrist und Mindestlaufzeit, und ab der Kündigung wird nichts mehr berechnet.", "You can cancel the subscription before the change takes effect on {0:yyyy-MM-dd}: the cancellation takes effect at once, with no notice period and no minimum term, and nothing is charged from the cancellation on."),
})
