"""Scan configuration files (YAML) for scheduled scans: sources, credentials, settings, declared
metadata, output, inventory, lock and logging.

Everything is checked before anything connects; an error names the file, the line, the key and
the problem, and never echoes a secret. `${VAR}` (or `${VAR:-default}`) in any string takes an
environment variable, `$$` is a literal `$`; `password_file:` reads a secret from a file (Docker
and Kubernetes secrets). Relative paths are relative to the configuration file, so a scheduled
run does not depend on its working directory.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import yaml

from scanner.model.settings import parse_size
from scanner.model.sources import DRIVERS as SQL_DRIVERS

DRIVERS = {**SQL_DRIVERS, "sqlserver": "mssql+pyodbc", "sqlite": "sqlite"}  # `driver:` → dialect+driver
LEVELS = ("debug", "info", "warning", "error")
LOG_FORMATS = ("text", "json")
_SECRET_KEYS = ("password", "secret_access_key")
_VAR = re.compile(r"\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\})")


class ConfigError(ValueError):
    """Every problem found in a configuration file, one per line."""

    def __init__(self, problems: list[str]):
        def line(problem: str) -> int:
            found = re.match(r"[^:]*:(\d+):", problem)
            return int(found.group(1)) if found else 0

        self.problems = sorted(problems, key=line)
        super().__init__("\n".join(problems))


@dataclass
class SourceSpec:
    name: str
    url: str  # may hold a password: never print it
    crawler: str | None = None  # `type:`, when the URL alone does not say
    options: dict = field(default_factory=dict)  # sample_size, AWS settings, `settings` overrides
    declare: dict = field(default_factory=dict)  # declared inventory metadata


@dataclass
class Config:
    path: Path
    sources: list[SourceSpec]
    scan: dict  # ScanSettings fields plus incremental and fail_on_findings
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

def _int(low: int | None = None, high: int | None = None):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected an integer{_range(low, high)}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError(f"expected an integer{_range(low, high)}")
        return value
    return check


def _number(low: float | None = None, high: float | None = None):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number{_range(low, high)}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError(f"expected a number{_range(low, high)}")
        return float(value)
    return check


def _range(low, high) -> str:
    if low is not None and high is not None:
        return f" from {low} to {high}"
    return f" >= {low}" if low is not None else ""


def _bool(value):
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _text(value):
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
        raise ValueError("expected a non-empty string")
    return str(value).strip()


def _globs(value):
    """A list of globs, or one string of comma-separated globs (as on the command line)."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of patterns")
    return tuple(v.strip() for v in value if v.strip())


def _size(value):
    try:
        return parse_size(value)
    except ValueError as exc:
        raise ValueError(str(exc)) from None


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
        return ",".join(value) or None
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ValueError("expected true, false or a list of categories / entity types")


# keys that change what is read, at `scan:` (for every source) and per source
PER_SOURCE = {
    "sample_size": _int(1),
    "include": _globs,
    "exclude": _globs,
    "views": _bool,
    "max_connections": _int(1, 64),
    "objects_per_dataset": _int(0),
    "read_bytes": _size,
    "max_object_bytes": _size,
    "full": _bool,
    "statement_timeout": _number(0.1),
}
AWS = {"profile": _text, "region": _text, "endpoint_url": _text}
SCAN = {
    **PER_SOURCE, **AWS,
    "value_cap": _int(16),
    "min_confidence": _number(0, 1),
    "detectors": _globs,
    "incremental": _bool,
    "fail_on_findings": _fail_on,
    "workers": _int(1, 256),
    "executor": _text,
    "scheduler": _text,
}
CONNECTION = ("driver", "host", "port", "database", "user", "password", "password_file", "query")
SOURCE_KEYS = ("name", "url", "path", "type", *CONNECTION, *PER_SOURCE, *AWS, "declare")
OUTPUT = {"report": _text, "format": _text, "html": _text}
INVENTORY = {"url": _text, "path": _text, "password_file": _text, "enabled": _bool}
LOCK = {"directory": _text, "wait": _number(0)}
LOGGING = {"level": _choice(*LEVELS), "format": _choice(*LOG_FORMATS)}
TOP = ("version", "sources", "scan", "output", "inventory", "lock", "logging")
# a ScanSettings field under another name in files and on the command line
SETTING_NAMES = {"read_bytes": "object_bytes"}


# -- reading ------------------------------------------------------------------------------------

def _where(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


class _Reader:
    """Builds plain values from the YAML node tree, keeping each key's line for error messages."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines: dict[tuple, int] = {}
        self.problems: list[str] = []
        self.loader = yaml.SafeLoader(text)

    def load(self):
        try:
            node = self.loader.get_single_node()
            return None if node is None else self._build(node, ())
        finally:
            self.loader.dispose()

    def _build(self, node, path: tuple):
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)  # `<<: *defaults` merge keys
            out = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, str):
                    self.problem(path, f"keys must be strings, not {key!r}", key_node.start_mark.line + 1)
                    continue
                if key in out:
                    self.problem(path + (key,), "given twice", key_node.start_mark.line + 1)
                    continue
                self.lines[path + (key,)] = key_node.start_mark.line + 1  # the key's line, not its value's
                out[key] = self._build(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._build(v, path + (i,)) for i, v in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def problem(self, path: tuple, text: str, line: int | None = None) -> None:
        line = line or self._line(path)
        self.problems.append(f"{self.path}:{line}: {_where(path)}: {text}" if line else
                             f"{self.path}: {_where(path)}: {text}")

    def _line(self, path: tuple) -> int | None:
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)


def load(path: str | Path, environ: dict | None = None) -> Config:
    """The checked configuration; raises ConfigError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: not UTF-8 text"]) from None
    reader = _Reader(path, text)
    try:
        data = reader.load()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ConfigError([f"{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}"]) from None
    return _Checker(reader, os.environ if environ is None else environ).check(data)


class _Checker:
    def __init__(self, reader: _Reader, environ):
        self.r = reader
        self.env = environ
        self.base = reader.path.resolve().parent
        self.secrets: list[str] = []

    def check(self, data) -> Config:
        r = self.r
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
                output[key] = str(self._path(output[key]))
        if "url" in inventory and "path" in inventory:
            r.problem(("inventory",), "give url or path, not both")
        if "path" in inventory:
            inventory["url"] = str(self._path(inventory.pop("path")))
        elif "url" in inventory and "://" not in inventory["url"]:
            inventory["url"] = str(self._path(inventory["url"]))
        if "password_file" in inventory:
            secret = self._read_secret(("inventory", "password_file"), inventory.pop("password_file"))
            if secret is not None and "url" not in inventory:
                r.problem(("inventory", "password_file"), "needs inventory.url (a postgresql:// URL)")
            elif secret is not None:
                with_password = _with_password(inventory["url"], secret)
                if with_password is None:
                    r.problem(("inventory", "url"), _NO_USER)
                else:
                    inventory["url"] = with_password
        if inventory.get("url"):
            self._url_secrets(inventory["url"])
        if "directory" in lock:
            lock["directory"] = str(self._path(lock["directory"]))
        if r.problems:
            raise ConfigError(r.problems)
        return Config(r.path, sources, scan, output, inventory, lock, logging, list(dict.fromkeys(self.secrets)))

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
            value = self._expand(value, path + (key,))
            if value is _BAD:
                continue
            try:
                out[key] = keys[key](value)
            except ValueError as exc:
                self.r.problem(path + (key,), f"{exc}{_shown(key, value)}")
        return out

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
        from scanner.inventory.declared import DeclarationError, validate
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
        options: dict = {}
        settings = self._values({k: v for k, v in spec.items() if k in PER_SOURCE}, path, PER_SOURCE)
        if "sample_size" in settings:
            options["sample_size"] = settings.pop("sample_size")
        if settings:
            options["settings"] = {SETTING_NAMES.get(k, k): v for k, v in settings.items()}
        options.update(self._values({k: v for k, v in spec.items() if k in AWS}, path, AWS))
        name = self._expand(spec.get("name"), path + ("name",)) if "name" in spec else None
        if name is not None and name is not _BAD:
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
        declare = {}
        if "declare" in spec:
            raw = spec["declare"]
            if not isinstance(raw, dict):
                r.problem(path + ("declare",), "expected a mapping (owner, role, purpose, legal_basis, …)")
            else:
                raw = {k: self._expand(v, path + ("declare", k)) for k, v in raw.items()}
                for key, value in raw.items():
                    if value is _BAD:
                        continue
                    try:
                        declare.update(validate("", {key: value}))
                    except DeclarationError as exc:
                        r.problem(path + ("declare", key), str(exc).split(": ", 1)[-1])
        return SourceSpec(name if isinstance(name, str) else default_name(url), url, crawler, options, declare)

    def _location(self, spec: dict, path: tuple, kind: str) -> str | None:
        r = self.r
        if kind in ("url", "path"):
            extra = [k for k in CONNECTION if k in spec and k not in ("password", "password_file")]
            if extra:
                r.problem(path + (extra[0],), f"connection parts go with driver:, not with {kind}:")
            value = self._expand(spec[kind], path + (kind,))
            if value is _BAD:
                return None
            if not isinstance(value, str) or not value.strip():
                r.problem(path + (kind,), "expected a non-empty string")
                return None
            value = value.strip()
            if kind == "path" or "://" not in value:
                url = str(self._path(value))
            elif value.startswith("sqlite:///") and not value.startswith("sqlite:////"):
                rest, sep, query = value[len("sqlite:///"):].partition("?")
                url = f"sqlite:///{self._path(rest)}{sep}{query}" if rest and rest != ":memory:" else value
            else:
                url = value
            password = self._password(spec, path)
            if password is not None:
                if "://" not in url or url.startswith(("file:", "sqlite:")):
                    r.problem(path + ("password",), f"a {kind} without a server takes no password")
                    return None
                url = _with_password(url, password)
                if url is None:
                    r.problem(path + (kind,), _NO_USER)
                    return None
            self._url_secrets(url)
            return url
        return self._from_parts(spec, path)

    def _from_parts(self, spec: dict, path: tuple) -> str | None:
        from sqlalchemy.engine import URL

        r = self.r
        parts = {k: self._expand(spec[k], path + (k,)) for k in CONNECTION if k in spec and k != "password"}
        if any(v is _BAD for v in parts.values()):
            return None
        driver = parts.get("driver")
        if driver not in DRIVERS and not (isinstance(driver, str) and "+" in driver):
            r.problem(path + ("driver",), f"expected one of: {', '.join(DRIVERS)} (or dialect+driver)")
            return None
        drivername = DRIVERS.get(driver, driver)
        port = parts.get("port")
        if port is not None:
            try:
                port = _int(1, 65535)(int(port) if isinstance(port, str) and port.isdigit() else port)
            except ValueError as exc:
                r.problem(path + ("port",), str(exc))
                return None
        query = parts.get("query") or {}
        if not isinstance(query, dict) or not all(isinstance(v, (str, int)) for v in query.values()):
            r.problem(path + ("query",), "expected a mapping of connection options (sslmode: require, …)")
            return None
        database = parts.get("database")
        if drivername == "sqlite":
            if not database:
                r.problem(path + ("database",), "the SQLite file is required")
                return None
            database = str(self._path(str(database)))
        elif not parts.get("host"):
            r.problem(path + ("host",), "required with driver: " + str(driver))
            return None
        password = self._password(spec, path)
        url = URL.create(drivername, username=_opt(parts.get("user")), password=password,
                         host=_opt(parts.get("host")), port=port, database=_opt(database),
                         query={k: str(v) for k, v in query.items()})
        return url.render_as_string(hide_password=False)

    # -- values -----------------------------------------------------------------------------

    def _password(self, spec: dict, path: tuple) -> str | None:
        if "password" in spec and "password_file" in spec:
            self.r.problem(path + ("password",), "give password or password_file, not both")
            return None
        if "password_file" in spec:
            file = self._expand(spec["password_file"], path + ("password_file",))
            return None if file is _BAD else self._read_secret(path + ("password_file",), file)
        if "password" in spec:
            value = self._expand(spec["password"], path + ("password",))
            if value is _BAD:
                return None
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                self.r.problem(path + ("password",), "expected a string (quote it)")
                return None
            self.secrets.append(str(value))
            return str(value)
        return None

    def _read_secret(self, path: tuple, file) -> str | None:
        if not isinstance(file, str) or not file.strip():
            self.r.problem(path, "expected a file name")
            return None
        where = self._path(file)
        try:
            value = where.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            self.r.problem(path, f"cannot read {where}: {exc.strerror}")
            return None
        except UnicodeDecodeError:
            self.r.problem(path, f"{where} is not UTF-8 text")
            return None
        if not value:
            self.r.problem(path, f"{where} is empty")
            return None
        self.secrets.append(value)
        return value

    def _url_secrets(self, url: str) -> None:
        from scanner.model.redact import url_secrets

        self.secrets.extend(url_secrets(url))

    def _expand(self, value, path: tuple):
        """`${VAR}` and `${VAR:-default}` in strings (and in lists and mappings of them)."""
        if isinstance(value, list):
            out = [self._expand(v, path + (i,)) for i, v in enumerate(value)]
            return _BAD if any(v is _BAD for v in out) else out
        if isinstance(value, dict):
            out = {k: self._expand(v, path + (k,)) for k, v in value.items()}
            return _BAD if any(v is _BAD for v in out.values()) else out
        if not isinstance(value, str) or "$" not in value:
            return value
        missing = []

        def sub(m):
            if m.group(1) == "$":
                return "$"
            name, default = m.group(2), m.group(3)
            if name in self.env and (self.env[name] != "" or default is None):
                return self.env[name]
            if default is not None:
                return default
            missing.append(name)
            return ""

        expanded = _VAR.sub(sub, value)
        if missing:
            self.r.problem(path, f"environment variable {', '.join(missing)} is not set")
            return _BAD
        if "${" in value and any(k in path for k in _SECRET_KEYS):
            self.secrets.append(expanded)
        return expanded

    def _path(self, value: str) -> Path:
        return (self.base / Path(value).expanduser()).resolve() if not Path(value).expanduser().is_absolute() \
            else Path(value).expanduser()


class _Bad:
    def __repr__(self):
        return "<invalid>"


_BAD = _Bad()


def _opt(value):
    return None if value is None else str(value)


def _shown(key: str, value) -> str:
    return "" if any(s in key for s in _SECRET_KEYS) else f", got {value!r}"


def _with_password(url: str, password: str) -> str | None:
    """The URL with `password` as its password (any given in the URL replaced), escaped; None
    when the URL names no user to give it to."""
    scheme, rest = url.split("://", 1)
    userinfo, at, hostpart = rest.rpartition("@")
    if not at or not userinfo.split(":", 1)[0]:
        return None
    return f"{scheme}://{userinfo.split(':', 1)[0]}:{quote(password, safe='')}@{hostpart}"


_NO_USER = "a password needs a user in the URL (postgresql://scanner@host/db), or use driver/host/user"


EXAMPLE = Path(__file__).with_name("example-config.yaml")


def example() -> str:
    return EXAMPLE.read_text(encoding="utf-8")
