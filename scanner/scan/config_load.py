"""Loading a scan configuration file: YAML into plain values that remember their lines, and the
values the file points elsewhere for — `${VAR}` environment variables, password files, relative
paths — with every secret it resolves kept for scrubbing. What the keys mean and whether their
values are right is scanner.scan.config_check's.

A problem is recorded, not raised, so that one run names every problem in the file at once;
`ConfigError` carries them all, in line order.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import yaml

SECRET_KEYS = ("password", "secret_access_key")  # keys whose values are never shown in a problem
_VAR = re.compile(r"\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\})")
NO_USER = "a password needs a user in the URL (postgresql://scanner@host/db), or use driver/host/user"


class ConfigError(ValueError):
    """Every problem found in a configuration file, one per line."""

    def __init__(self, problems: list[str]):
        def line(problem: str) -> int:
            found = re.match(r"[^:]*:(\d+):", problem)
            return int(found.group(1)) if found else 0

        self.problems = sorted(problems, key=line)
        super().__init__("\n".join(problems))


def _where(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


class Reader:
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


def read(path: Path) -> tuple[Reader, object]:
    """The file's plain values and the reader that knows their lines; a file that cannot be read
    or is not YAML raises ConfigError at once (nothing else can be checked)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: not UTF-8 text"]) from None
    reader = Reader(path, text)
    try:
        return reader, reader.load()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ConfigError([f"{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}"]) from None


class _Bad:
    def __repr__(self):
        return "<invalid>"


BAD = _Bad()  # a value that could not be resolved (its problem is recorded)


class Resolver:
    """What a file's values point at outside it: the environment, secret files and paths
    relative to the file. Every secret it resolves goes into `secrets`."""

    def __init__(self, reader: Reader, environ):
        self.r = reader
        self.env = environ
        self.base = reader.path.resolve().parent
        self.secrets: list[str] = []

    def expand(self, value, path: tuple):
        """`${VAR}` and `${VAR:-default}` in strings (and in lists and mappings of them); BAD
        when a variable is not set."""
        if isinstance(value, list):
            out = [self.expand(v, path + (i,)) for i, v in enumerate(value)]
            return BAD if any(v is BAD for v in out) else out
        if isinstance(value, dict):
            out = {k: self.expand(v, path + (k,)) for k, v in value.items()}
            return BAD if any(v is BAD for v in out.values()) else out
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
            return BAD
        if "${" in value and any(k in path for k in SECRET_KEYS):
            self.secrets.append(expanded)
        return expanded

    def path(self, value: str) -> Path:
        """A path relative to the configuration file: a scheduled run does not depend on its
        working directory."""
        return (self.base / Path(value).expanduser()).resolve() if not Path(value).expanduser().is_absolute() \
            else Path(value).expanduser()

    def password(self, spec: dict, path: tuple) -> str | None:
        """A source's `password:` or `password_file:`, if it has one."""
        if "password" in spec and "password_file" in spec:
            self.r.problem(path + ("password",), "give password or password_file, not both")
            return None
        if "password_file" in spec:
            file = self.expand(spec["password_file"], path + ("password_file",))
            return None if file is BAD else self.read_secret(path + ("password_file",), file)
        if "password" in spec:
            value = self.expand(spec["password"], path + ("password",))
            if value is BAD:
                return None
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                self.r.problem(path + ("password",), "expected a string (quote it)")
                return None
            self.secrets.append(str(value))
            return str(value)
        return None

    def read_secret(self, path: tuple, file) -> str | None:
        """A secret from a file (Docker and Kubernetes secrets), without its final newline."""
        if not isinstance(file, str) or not file.strip():
            self.r.problem(path, "expected a file name")
            return None
        where = self.path(file)
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

    def url_secrets(self, url: str) -> None:
        from scanner.model.urls import url_secrets

        self.secrets.extend(url_secrets(url))

    def declared(self, raw, path: tuple) -> dict:
        """A source's `declare:` mapping, handed to the inventory's own check of declared
        metadata (the same as `kartlegg inventory declare` makes)."""
        from scanner.inventory.declared import DeclarationError, validate

        if not isinstance(raw, dict):
            self.r.problem(path, "expected a mapping (owner, role, purpose, legal_basis, …)")
            return {}
        declare = {}
        for key, value in {k: self.expand(v, path + (k,)) for k, v in raw.items()}.items():
            if value is BAD:
                continue
            try:
                declare.update(validate("", {key: value}))
            except DeclarationError as exc:
                self.r.problem(path + (key,), str(exc).split(": ", 1)[-1])
        return declare


def shown(key: str, value) -> str:
    """The value a problem quotes, unless the key holds a secret."""
    return "" if any(s in key for s in SECRET_KEYS) else f", got {value!r}"


def with_password(url: str, password: str) -> str | None:
    """The URL with `password` as its password (any given in the URL replaced), escaped; None
    when the URL names no user to give it to."""
    scheme, rest = url.split("://", 1)
    userinfo, at, hostpart = rest.rpartition("@")
    if not at or not userinfo.split(":", 1)[0]:
        return None
    return f"{scheme}://{userinfo.split(':', 1)[0]}:{quote(password, safe='')}@{hostpart}"
