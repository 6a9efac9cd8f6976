# Texts of the input guard at the edge (German, English); tools/resx.py merges them into the .resx files.
T = {
"Input.Invalid.Title": ("Ungültige Eingabe", "Invalid input"),
"Input.Invalid.Nul": ("Das Feld enthält ein NUL-Zeichen (U+0000); das ist in keinem Textfeld erlaubt.", "The field contains a NUL character (U+0000), which no text field allows."),
"Input.Invalid.Surrogate": ("Das Feld enthält ein einzelnes Ersatzzeichen (Surrogat) und ist kein gültiger Unicode-Text.", "The field contains a lone surrogate and is not valid Unicode text."),
"Input.Invalid.TooLarge": ("Der JSON-Inhalt ist zu groß: höchstens 4 MiB und 50.000 Werte.", "The JSON body is too large: at most 4 MiB and 50,000 values."),
"Input.Invalid.Json": ("Der Wert hat nicht die erwartete Form (Typ, Pflichtangabe oder JSON-Syntax).", "The value does not have the expected form (type, required value or JSON syntax)."),
"Input.Invalid.Parameter": ("Der Parameter fehlt oder hat nicht den erwarteten Typ.", "The parameter is missing or does not have the expected type."),
"Input.Invalid.Form": ("Das Formular enthält ungültige Zeichen (etwa NUL).", "The form contains invalid characters (such as NUL)."),
}
