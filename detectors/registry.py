"""Detector plugins: the `kartlegg.detectors` entry-point group, loaded lazily.

Built-in recognizers are registered in pyproject.toml exactly like third-party ones; the
entry-point name is what `--detector` accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

GROUP = "kartlegg.detectors"


class PluginError(Exception):
    """A detector plugin that cannot be loaded: a scan without it would under-report."""


@dataclass(frozen=True)
class DetectorPlugin:
    name: str
    entry_point: EntryPoint

    @property
    def distribution(self) -> str:
        dist = self.entry_point.dist
        return f"{dist.name} {dist.version}" if dist else "?"

    def load(self):
        """Instantiate the recognizer; importing its module happens only here."""
        try:
            factory = self.entry_point.load()
            return factory()
        except Exception as exc:
            raise PluginError(
                f"detector plugin {self.name!r} ({self.entry_point.value}, from {self.distribution}) "
                f"failed to load: {type(exc).__name__}: {exc}"
            ) from exc


def available() -> dict[str, DetectorPlugin]:
    return {ep.name: DetectorPlugin(ep.name, ep) for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name)}


def select(names: list[str] | tuple[str, ...] | None = None) -> list[DetectorPlugin]:
    plugins = available()
    if not names:
        return list(plugins.values())
    unknown = [n for n in names if n not in plugins]
    if unknown:
        raise PluginError(f"unknown detector(s): {', '.join(unknown)}; known: {', '.join(plugins)}")
    return [plugins[n] for n in names]
