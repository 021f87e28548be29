"""The command line: `kartlegg scan|detect|report|inventory|plugins`."""
