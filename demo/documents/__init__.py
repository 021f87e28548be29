"""Documents written on the spot, of synthetic people: PDFs with and without a text layer,
scanned pages, Word and OpenDocument files, RTF, e-mail and markup. Used by the tests, the
demo estate and bench.documents; nothing here is read from disk or the network."""
