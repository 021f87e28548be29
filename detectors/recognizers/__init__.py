"""One recognizer per file; each is registered as a `kartlegg.detectors` entry point."""
