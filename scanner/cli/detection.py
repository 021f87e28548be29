"""What the commands that find or show personal data share: the installation's fingerprint key
and the detection engine, each a usage error (exit 2) when it cannot be had."""

from __future__ import annotations

import click


def fingerprint_key(warn) -> bytes:
    """The installation's fingerprint key, checked before anything is read: a key that would
    not protect the fingerprints (empty, short, not hex) or cannot be read is a usage error."""
    from detectors.evidence import KeyProblem, load_key

    try:
        return load_key(warn=warn)
    except KeyProblem as exc:
        raise click.UsageError(str(exc)) from None


def build_engine(detectors: tuple[str, ...], model: str | None):
    """The engine with these detectors (all when none) and spaCy model."""
    from detectors.engine import Engine
    from scanner.model.plugins import PluginError

    try:
        return Engine(detectors=list(detectors) or None, model=model)
    except (PluginError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
