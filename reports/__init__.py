"""Report writers and the JSON Schema of kartlegg's reports."""
