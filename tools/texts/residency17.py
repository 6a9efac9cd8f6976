# Sub-processors in force on the public views, withdrawing an objection, and leaving before a change takes effect (Art. 28(2) GDPR).
T = {
"Compare.SubProcessorsPending": ("Änderung angekündigt (Version {0}), wirksam ab {1}", "Change announced (version {0}), in effect from {1}"),
}
T.update({
"Objection.Withdraw": ("Widerspruch gegen Version {0} zurücknehmen", "Withdraw the objection to version {0}"),
"Objection.ExitHeading": ("Vor dem Wirksamwerden kündigen", "Cancel before the change takes effect"),
"Objection.Exit": ("Sie können dieses Abonnement kündigen, bevor die Änderung am {0} wirksam wird. Die Kündigung wirkt sofort, ohne Kündigungsfrist und ohne Mindestlaufzeit: Ab der Kündigung berechnen wir keine Zusatzleistungen und keine Nutzung mehr, und die neuen Unterauftragsverarbeiter erhalten Ihre Daten nie.", "You can cancel this subscription before the change takes effect on {0}. The cancellation takes effect at once, with no notice period and no minimum term: from the cancellation on, no add-ons and no usage are charged, and the new sub-processors never receive your data."),
"Objection.ExitCancel": ("Abonnement jetzt kündigen", "Cancel the subscription now"),
})
