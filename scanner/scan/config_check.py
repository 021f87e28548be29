"""Checking a scan configuration file: which keys each section may hold, what their values must
be, and what the file's sources are (a URL, a path, or a database's connection parts).

The scan settings' keys — under `scan:` for every source, and per source — come from the
settings table (scanner.model.settings), with its checks; the keys here are the rest: sources'
connections, AWS options, outputs, inventory, lock and logging. Every problem names the file,
the line and the key, and never echoes a secret.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scanner.model.settings import SETTINGS, Integer, Number, Switch
from scanner.model.sources import DRIVERS as SQL_DRIVERS
from scanner.scan.config_load import (
    BAD,
    NO_USER,
    ConfigError,
    Reader,
    Resolver,
    shown,
    with_password,
)

DRIVERS = {**SQL_DRIVERS, "sqlserver": "mssql+pyodbc", "sqlite": "sqlite"}  # `driver:` → dialect+driver
LEVELS = ("debug", "info", "warning", "error")
LOG_FORMATS = ("text", "json")


@dataclass
class SourceSpec:
    name: str
    url: str  # may hold a password: never print it
    crawler: str | None = None  # `type:`, when the URL alone does not say
    options: dict = field(default_factory=dict)  # the crawler's own: AWS profile, region, endpoint_url
    settings: dict = field(default_factory=dict)  # the source's own scan settings, by ScanSettings field
    declare: dict = field(default_factory=dict)  # declared inventory metadata


@dataclass
class Config:
    path: Path
    sources: list[SourceSpec]
    scan: dict  # by key: the scan settings' (the table's `key`), AWS defaults, fail_on_findings, executor, …
    output: dict  # report, format, html
    inventory: dict  # url (None: the default), enabled
    lock: dict  # directory, wait
    logging: dict  # level, format
    secrets: list[str]  # every password the file resolved, for scrubbing

    @property
    def key(self) -> str:
        """What makes two runs the same configuration: the file, wherever it is run from."""
        return "config:" + str(self.path.resolve())


# -- the keys a file may hold -------------------------------------------------------------------

def _text(value):
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
        raise ValueError("expected a non-empty string")
    return str(value).strip()


def _choice(*choices):
    def check(value):
        if value not in choices:
            raise ValueError(f"expected one of: {', '.join(map(str, choices))}")
        return value
    return check


def _fail_on(value):
    if value is True:
        return "any"
    if value is False or value is None:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = ",".join(value)
    if isinstance(value, str) and value.strip():
        return ",".join(fail_on_values(value))
    raise ValueError("expected true, false or a list of categories / entity types")


# -- --fail-on-findings / fail_on_findings ------------------------------------------------------------
class NotCategories(ValueError):
    """A --fail-on-findings value that is a path or a URL: the option took the next argument."""


def _third_party_entities() -> set[str]:
    """Entity types the installed third-party detectors declare (built-ins' are in
    scanner.model.categories); their classes are imported only when a value is not known."""
    from scanner.model.plugins import DETECTORS, PluginError, available

    found: set[str] = set()
    for plugin in available(DETECTORS).values():
        if plugin.entry_point.value.startswith("detectors."):
            continue
        try:
            cls = plugin.load()
        except PluginError:
            continue
        for attr in ("ENTITY", "ENTITIES", "supported_entities"):
            declared = getattr(cls, attr, None)
            if isinstance(declared, str):
                found.add(declared)
            elif isinstance(declared, (list, tuple, set, frozenset)):
                found |= {e for e in declared if isinstance(e, str)}
    return found


def fail_on_vocabulary(entities=()) -> tuple[list[str], list[str]]:
    """What --fail-on-findings takes: `any`, the categories and the entity types."""
    from scanner.model.categories import ENTITIES, UNKNOWN

    categories = sorted({i.category for i in ENTITIES.values()} | {UNKNOWN.category})
    return ["any", *categories], sorted(set(ENTITIES) | set(entities))


def _looks_like_a_path(value: str) -> bool:
    import os

    return any(c in value for c in "/\\.:~") or os.path.exists(value)


def fail_on_values(value: str) -> list[str]:
    """--fail-on-findings' comma-separated categories and entity types, checked and spelt as
    records spell them (categories lower case, entity types upper case), whatever case they
    were given in. A value that is not one of them is an error naming it and what is known;
    NotCategories when it is a path or URL (the option took a source for its value)."""
    names, entities = fail_on_vocabulary()
    parts = [p.strip() for p in value.split(",")]
    known = {n: n for n in names} | {e.lower(): e for e in entities}
    if any(p.lower() not in known for p in parts if p):
        entities = fail_on_vocabulary(_third_party_entities())[1]
        known |= {e.lower(): e for e in entities}
    out = []
    for part in parts:
        if not part:
            raise ValueError(f"an empty category in {value!r}: give categories or entity types, comma-separated")
        if part.lower() in known:
            out.append(known[part.lower()])
        elif _looks_like_a_path(part) or _looks_like_a_path(value):
            raise NotCategories(f"{value!r} is a path or URL, not categories or entity types")
        else:
            raise ValueError(f"unknown category or entity type {part!r}; categories: {', '.join(names)}; "
                             f"entity types: {', '.join(entities)} (either case)")
    return list(dict.fromkeys(out))


# the scan settings a source may have its own of: file key → setting
PER_SOURCE = {s.key: s for s in SETTINGS if s.per_source}
AWS = {"profile": _text, "region": _text, "endpoint_url": _text}  # options of s3 and cloudwatch sources
SCAN = {
    **{s.key: s.kind.check for s in SETTINGS if s.key}, **AWS,
    "fail_on_findings": _fail_on,
    "workers": Integer(1, 256).check,
    "executor": _text,
    "scheduler": _text,
}
CONNECTION = ("driver", "host", "port", "database", "user", "password", "password_file", "query")
SOURCE_KEYS = ("name", "url", "path", "type", *CONNECTION, *PER_SOURCE, *AWS, "declare")
OUTPUT = {"report": _text, "format": _text, "html": _text, "lang": _choice("nb", "en")}
INVENTORY = {"url": _text, "path": _text, "password_file": _text, "enabled": Switch().check}
LOCK = {"directory": _text, "wait": Number(0).check}
LOGGING = {"level": _choice(*LEVELS), "format": _choice(*LOG_FORMATS)}
TOP = ("version", "sources", "scan", "output", "inventory", "lock", "logging")


class Checker:
    """The checked Config from a file's plain values; raises ConfigError listing every problem."""

    def __init__(self, reader: Reader, environ):
        self.r = reader
        self.v = Resolver(reader, environ)

    def check(self, data) -> Config:
        r, v = self.r, self.v
        if not isinstance(data, dict):
            r.problem((), "expected a mapping with `sources:` (see `kartlegg init`)")
            raise ConfigError(r.problems)
        for key in data:
            if key not in TOP:
                r.problem((key,), f"unknown key (expected one of: {', '.join(TOP)})")
        if data.get("version", 1) != 1:
            r.problem(("version",), "this kartlegg reads version 1")
        scan = self._section(data, "scan", SCAN)
        output = self._section(data, "output", OUTPUT)
        inventory = self._section(data, "inventory", INVENTORY)
        lock = self._section(data, "lock", LOCK)
        logging = self._section(data, "logging", LOGGING)
        sources = self._sources(data.get("sources"))
        for key in ("report", "html"):
            if key in output and output[key] != "-":
                output[key] = str(v.path(output[key]))
        self._inventory(inventory)
        if "directory" in lock:
            lock["directory"] = str(v.path(lock["directory"]))
        if r.problems:
            raise ConfigError(r.problems)
        return Config(r.path, sources, scan, output, inventory, lock, logging, list(dict.fromkeys(v.secrets)))

    # -- sections ---------------------------------------------------------------------------

    def _section(self, data: dict, name: str, keys: dict) -> dict:
        value = data.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.r.problem((name,), "expected a mapping of keys")
            return {}
        return self._values(value, (name,), keys)

    def _values(self, values: dict, path: tuple, keys: dict) -> dict:
        out = {}
        for key, value in values.items():
            if key not in keys:
                self.r.problem(path + (key,), f"unknown key (expected one of: {', '.join(keys)})")
                continue
            value = self.v.expand(value, path + (key,))
            if value is BAD:
                continue
            try:
                out[key] = keys[key](value)
            except ValueError as exc:
                self.r.problem(path + (key,), f"{exc}{shown(key, value)}")
        return out

    def _inventory(self, inventory: dict) -> None:
        """The inventory's URL: a path relative to the file, with its password file's secret."""
        r, v = self.r, self.v
        if "url" in inventory and "path" in inventory:
            r.problem(("inventory",), "give url or path, not both")
        if "path" in inventory:
            inventory["url"] = str(v.path(inventory.pop("path")))
        elif "url" in inventory and "://" not in inventory["url"]:
            inventory["url"] = str(v.path(inventory["url"]))
        if "password_file" in inventory:
            secret = v.read_secret(("inventory", "password_file"), inventory.pop("password_file"))
            if secret is not None and "url" not in inventory:
                r.problem(("inventory", "password_file"), "needs inventory.url (a postgresql:// URL)")
            elif secret is not None:
                url = with_password(inventory["url"], secret)
                if url is None:
                    r.problem(("inventory", "url"), NO_USER)
                else:
                    inventory["url"] = url
        if inventory.get("url"):
            v.url_secrets(inventory["url"])

    def _sources(self, sources) -> list[SourceSpec]:
        r = self.r
        if not isinstance(sources, list) or not sources:
            r.problem(("sources",), "expected a list of sources, each with a url, a path or connection parts")
            return []
        out, names = [], {}
        for i, spec in enumerate(sources):
            path = ("sources", i)
            if not isinstance(spec, dict):
                r.problem(path, "expected a mapping (name, url or path or driver/host/…)")
                continue
            for key in spec:
                if key not in SOURCE_KEYS:
                    r.problem(path + (key,), f"unknown key (expected one of: {', '.join(SOURCE_KEYS)})")
            source = self._source(spec, path)
            if source is None:
                continue
            if source.name in names:
                r.problem(path + ("name",), f"{source.name!r} is also the name of sources[{names[source.name]}]")
            names.setdefault(source.name, i)
            out.append(source)
        return out

    def _source(self, spec: dict, path: tuple) -> SourceSpec | None:
        from scanner.model.sources import default_name

        r = self.r
        given = [k for k in ("url", "path", "driver") if k in spec]
        if len(given) != 1:
            r.problem(path, "give exactly one of url, path or driver (with host, database, …)"
                      + (f"; got {', '.join(given)}" if given else ""))
            return None
        url = self._location(spec, path, given[0])
        if url is None:
            return None
        own = self._values({k: v for k, v in spec.items() if k in PER_SOURCE}, path,
                           {k: s.kind.check for k, s in PER_SOURCE.items()})
        settings = {PER_SOURCE[k].name: value for k, value in own.items()}
        options = self._values({k: v for k, v in spec.items() if k in AWS}, path, AWS)
        name = self.v.expand(spec.get("name"), path + ("name",)) if "name" in spec else None
        if name is not None and name is not BAD:
            try:
                name = _text(name)
            except ValueError as exc:
                r.problem(path + ("name",), str(exc))
        crawler = None
        if "type" in spec:
            try:
                crawler = _text(spec["type"])
            except ValueError as exc:
                r.problem(path + ("type",), str(exc))
        declare = self.v.declared(spec["declare"], path + ("declare",)) if "declare" in spec else {}
        return SourceSpec(name if isinstance(name, str) else default_name(url), url, crawler, options, settings,
                          declare)

    def _location(self, spec: dict, path: tuple, kind: str) -> str | None:
        r, v = self.r, self.v
        if kind not in ("url", "path"):
            return self._from_parts(spec, path)
        extra = [k for k in CONNECTION if k in spec and k not in ("password", "password_file")]
        if extra:
            r.problem(path + (extra[0],), f"connection parts go with driver:, not with {kind}:")
        value = v.expand(spec[kind], path + (kind,))
        if value is BAD:
            return None
        if not isinstance(value, str) or not value.strip():
            r.problem(path + (kind,), "expected a non-empty string")
            return None
        value = value.strip()
        if kind == "path" or "://" not in value:
            url = str(v.path(value))
        elif value.startswith("sqlite:///") and not value.startswith("sqlite:////"):
            rest, sep, query = value[len("sqlite:///"):].partition("?")
            url = f"sqlite:///{v.path(rest)}{sep}{query}" if rest and rest != ":memory:" else value
        else:
            url = value
        password = v.password(spec, path)
        if password is not None:
            if "://" not in url or url.startswith(("file:", "sqlite:")):
                r.problem(path + ("password",), f"a {kind} without a server takes no password")
                return None
            url = with_password(url, password)
            if url is None:
                r.problem(path + (kind,), NO_USER)
                return None
        v.url_secrets(url)
        return url

    def _from_parts(self, spec: dict, path: tuple) -> str | None:
        from sqlalchemy.engine import URL

        r, v = self.r, self.v
        parts = {k: v.expand(spec[k], path + (k,)) for k in CONNECTION if k in spec and k != "password"}
        if any(p is BAD for p in parts.values()):
            return None
        driver = parts.get("driver")
        if driver not in DRIVERS and not (isinstance(driver, str) and "+" in driver):
            r.problem(path + ("driver",), f"expected one of: {', '.join(DRIVERS)} (or dialect+driver)")
            return None
        drivername = DRIVERS.get(driver, driver)
        port = parts.get("port")
        if port is not None:
            try:
                port = Integer(1, 65535).check(int(port) if isinstance(port, str) and port.isdigit() else port)
            except ValueError as exc:
                r.problem(path + ("port",), str(exc))
                return None
        query = parts.get("query") or {}
        if not isinstance(query, dict) or not all(isinstance(q, (str, int)) for q in query.values()):
            r.problem(path + ("query",), "expected a mapping of connection options (sslmode: require, …)")
            return None
        database = parts.get("database")
        if drivername == "sqlite":
            if not database:
                r.problem(path + ("database",), "the SQLite file is required")
                return None
            database = str(v.path(str(database)))
        elif not parts.get("host"):
            r.problem(path + ("host",), "required with driver: " + str(driver))
            return None
        password = v.password(spec, path)
        url = URL.create(drivername, username=_opt(parts.get("user")), password=password,
                         host=_opt(parts.get("host")), port=port, database=_opt(database),
                         query={k: str(q) for k, q in query.items()})
        return url.render_as_string(hide_password=False)


def _opt(value):
    return None if value is None else str(value)
