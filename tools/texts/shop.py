# Texts of the buyer's shop pages and shared shop elements (German, English); tools/resx.py merges them into the .resx files.
T = {
"Evidence.NotUploaded": ("Dokument liegt beim Anbieter, nicht auf der Plattform", "document held by the vendor, not on the platform"),
"Rollout.TargetsHint.one": ("Alle Gemeinden eines Landes, die Ihnen das Bestellen übertragen haben, oder eine Liste von AGS ({0} Gemeinde hat übertragen).", "Every municipality of a Land that delegated ordering to you, or a list of AGS ({0} municipality delegated)."),
"Rollout.TargetsHint.other": ("Alle Gemeinden eines Landes, die Ihnen das Bestellen übertragen haben, oder eine Liste von AGS ({0} Gemeinden haben übertragen).", "Every municipality of a Land that delegated ordering to you, or a list of AGS ({0} municipalities delegated)."),
"Rollout.ProgressTitle": ("Rollout von {0}", "Rollout of {0}"),
"Rollout.EtaDone": ("abgeschlossen", "completed"),
"Rollout.EtaSeconds.one": ("etwa {0} Sekunde", "about {0} second"),
"Rollout.EtaSeconds.other": ("etwa {0} Sekunden", "about {0} seconds"),
"Rollout.EtaMinutes.one": ("etwa {0} Minute", "about {0} minute"),
"Rollout.EtaMinutes.other": ("etwa {0} Minuten", "about {0} minutes"),
}
