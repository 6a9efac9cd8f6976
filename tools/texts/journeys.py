# Texts of the layout and page fixes made for the browser journeys (German, English); tools/resx.py merges them.
T = {
"Layout.Menu": ("Menü", "Menu"),
}
