# Texts of the conformance pages (German, English); tools/resx.py merges them into the .resx files.
T = {
}
