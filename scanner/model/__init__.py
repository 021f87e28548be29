"""The bottom layer: the shapes every other layer shares (units of work, samples, records,
sources, settings, progress, redaction, plugins and protocols). It imports nothing above it."""
