"""Executors (entry-point group `kartlegg.executors`): where a scan's units are read and examined."""
