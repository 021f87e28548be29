"""Crawler, report-writer and executor plugins (entry-point groups), loaded lazily.

Detector plugins live in detectors.registry; `kartlegg plugins` lists all four kinds.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

CRAWLERS = "kartlegg.crawlers"
REPORTS = "kartlegg.reports"
EXECUTORS = "kartlegg.executors"


class PluginError(Exception):
    pass


def group(name: str) -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in sorted(entry_points(group=name), key=lambda e: e.name)}


def load(name: str, kind: str):
    eps = group(kind)
    if name not in eps:
        raise PluginError(f"unknown {kind.rsplit('.', 1)[-1][:-1]} {name!r}; known: {', '.join(eps) or 'none'}")
    try:
        return eps[name].load()
    except Exception as exc:
        raise PluginError(f"plugin {name!r} ({eps[name].value}) failed to load: {type(exc).__name__}: {exc}") from exc


def crawler_for(url: str, explicit: str | None = None):
    """(entry-point name, crawler class) for a source URL; crawlers are imported one by one."""
    if explicit:
        return explicit, load(explicit, CRAWLERS)
    broken = []
    for name in group(CRAWLERS):
        try:
            cls = load(name, CRAWLERS)
        except PluginError as exc:  # one broken plugin must not stop scans the others can do
            broken.append(str(exc))
            continue
        if cls.handles(url):
            return name, cls
    also = f" ({'; '.join(broken)})" if broken else ""
    raise PluginError(f"no crawler handles {url.split('://', 1)[0]}:// sources{also}")
