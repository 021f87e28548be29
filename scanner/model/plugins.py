"""Plugins: one loader for every entry-point group, loaded lazily.

Built-ins are registered in pyproject.toml exactly like third-party plugins, and an entry point's
name is the value the CLI accepts (`--detector NAME`, `--format NAME`, `--executor NAME`, a
source's `crawler:`). Nothing is imported until it is used: a broken plugin costs only the scans
that ask for it, and `kartlegg plugins` lists all four kinds with the distribution of each.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from importlib.metadata import EntryPoint, EntryPoints, entry_points

CRAWLERS = "kartlegg.crawlers"
DETECTORS = "kartlegg.detectors"
REPORTS = "kartlegg.reports"
EXECUTORS = "kartlegg.executors"
KINDS = {"crawler": CRAWLERS, "detector": DETECTORS, "report": REPORTS, "executor": EXECUTORS}


class PluginError(Exception):
    """A plugin that is not installed or cannot be loaded: a scan without it would under-report."""


def _kind(group: str) -> str:
    return next((k for k, g in KINDS.items() if g == group), group)


@dataclass(frozen=True)
class Plugin:
    name: str
    group: str
    entry_point: EntryPoint

    @property
    def kind(self) -> str:
        return _kind(self.group)

    @property
    def distribution(self) -> str:
        dist = self.entry_point.dist
        return _name_and_version(dist) if dist else "?"

    def load(self):
        """The plugin's class (or factory); its module is imported only here."""
        try:
            return self.entry_point.load()
        except Exception as exc:
            raise PluginError(f"{self.kind} plugin {self.name!r} ({self.entry_point.value}, from {self.distribution}) "
                              f"failed to load: {type(exc).__name__}: {exc}") from exc

    def create(self, *args, **kwargs):
        """An instance (a detector's recognizer): loading and constructing fail alike."""
        factory = self.load()
        try:
            return factory(*args, **kwargs)
        except Exception as exc:
            raise PluginError(f"{self.kind} plugin {self.name!r} ({self.entry_point.value}, from {self.distribution}) "
                              f"failed to load: {type(exc).__name__}: {exc}") from exc


@functools.lru_cache(maxsize=64)
def _name_and_version(dist) -> str:
    """One reading of a distribution's metadata for all its plugins: `dist.name` and
    `dist.version` each parse it again (~2 ms), and a report header names every detector's.
    The entry points of one distribution share its object, which `_installed` keeps."""
    metadata = dist.metadata
    return f"{metadata['Name']} {metadata['Version']}"


@functools.lru_cache(maxsize=4)
def _installed(path: tuple[str, ...]) -> EntryPoints:
    """Every installed entry point, read once per import path: each reading walks every
    distribution's metadata (~25 ms), and one `--validate` asked seven times."""
    return entry_points()


def available(group: str) -> dict[str, Plugin]:
    """The group's plugins by name, sorted."""
    found = _installed(tuple(sys.path)).select(group=group)
    return {ep.name: Plugin(ep.name, group, ep) for ep in sorted(found, key=lambda e: e.name)}


def group(name: str) -> dict[str, EntryPoint]:
    return {n: p.entry_point for n, p in available(name).items()}


def select(group: str, names=None) -> list[Plugin]:
    """The named plugins of a group in the order given (all of them when `names` is empty)."""
    plugins = available(group)
    if not names:
        return list(plugins.values())
    unknown = [n for n in names if n not in plugins]
    if unknown:
        what = f"{_kind(group)} {unknown[0]!r}" if len(unknown) == 1 else f"{_kind(group)}s {', '.join(unknown)}"
        raise PluginError(f"unknown {what}; known: {', '.join(plugins) or 'none'}")
    return [plugins[n] for n in names]


def load(name: str, group: str):
    (plugin,) = select(group, [name])
    return plugin.load()


def _likely(url: str, names) -> str | None:
    """The crawler a URL's scheme points to, asked first so that the others need not be imported
    (each import ~10 ms, with what the crawler reads: formats, AWS clients): the plugin named
    like the scheme (`s3`, `journald`, `file` → `files`), and `sql` for a database's. Only an
    order: the plugin still decides, and the others are asked when it declines."""
    from scanner.model.sources import DRIVERS, scheme_of

    scheme = scheme_of(url).split("+", 1)[0]
    if scheme in DRIVERS or scheme == "sqlite":
        return "sql" if "sql" in names else None
    return next((n for n in names if n == scheme), None) or next((n for n in names if n.startswith(scheme)), None)


def crawler_for(url: str, explicit: str | None = None):
    """(entry-point name, crawler class) for a source URL; crawlers are imported one by one, the
    one the URL's scheme points to first."""
    if explicit:
        return explicit, load(explicit, CRAWLERS)
    broken = []
    plugins = available(CRAWLERS)
    first = _likely(url, plugins)
    for plugin in sorted(plugins.values(), key=lambda p: p.name != first):  # stable: the rest by name
        try:
            cls = plugin.load()
        except PluginError as exc:  # one broken plugin must not stop scans the others can do
            broken.append(str(exc))
            continue
        if cls.handles(url):
            return plugin.name, cls
    also = f" ({'; '.join(broken)})" if broken else ""
    raise PluginError(f"no crawler handles {url.split('://', 1)[0]}:// sources{also}")
