"""Crawler plugins: one module per kind of source, registered as `kartlegg.crawlers` entry points."""
