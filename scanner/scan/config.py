"""Scan configuration files (YAML) for scheduled scans: sources, credentials, settings, declared
metadata, output, inventory, lock and logging.

Everything is checked before anything connects; an error names the file, the line, the key and
the problem, and never echoes a secret. `${VAR}` (or `${VAR:-default}`) in any string takes an
environment variable, `$$` is a literal `$`; `password_file:` reads a secret from a file (Docker
and Kubernetes secrets). Relative paths are relative to the configuration file, so a scheduled
run does not depend on its working directory.

Loading (YAML, the environment, secret files) is scanner.scan.config_load's, checking (keys,
values, sources) scanner.scan.config_check's; this module puts them together.
"""

from __future__ import annotations

import os
from pathlib import Path

from scanner.scan.config_check import LEVELS, LOG_FORMATS, Checker, Config, SourceSpec
from scanner.scan.config_load import ConfigError, read

__all__ = ["LEVELS", "LOG_FORMATS", "Config", "ConfigError", "SourceSpec", "example", "load"]


def load(path: str | Path, environ: dict | None = None) -> Config:
    """The checked configuration; raises ConfigError listing every problem."""
    reader, data = read(Path(path))
    return Checker(reader, os.environ if environ is None else environ).check(data)


EXAMPLE = Path(__file__).with_name("example-config.yaml")


def example() -> str:
    """`kartlegg init`'s commented example."""
    return EXAMPLE.read_text(encoding="utf-8")
