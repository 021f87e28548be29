"""Sources to scan, and their URLs with secrets masked."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scanner.model.redact import printable
from scanner.model.settings import PER_SOURCE
from scanner.model.urls import canonical_scheme, mask_url, url_secrets

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")


def scheme_of(url: str) -> str:
    """The URL's scheme; anything that is not a URL (`/srv/data`, `eksport`, `~/x`) is a file path."""
    if "://" in url:
        return url.split("://", 1)[0].lower()
    found = _SCHEME.match(url)
    return found.group(1).lower() if found else "file"


# The driver kartlegg installs for each database a URL may name without one: SQLAlchemy's own
# defaults (psycopg 3 for postgresql://, mysqlclient for mysql://) are not installed.
DRIVERS = {"postgresql": "postgresql+psycopg2", "postgres": "postgresql+psycopg2", "mysql": "mysql+pymysql",
           "mariadb": "mariadb+pymysql", "mssql": "mssql+pyodbc", "oracle": "oracle+oracledb"}


def with_driver(url):
    """An SQLAlchemy URL (or URL string) with the installed driver when it names none."""
    from sqlalchemy.engine import make_url

    url = make_url(url) if isinstance(url, str) else url
    return url.set(drivername=DRIVERS[url.drivername]) if url.drivername in DRIVERS else url


def default_name(url: str) -> str:
    """A readable source name: host/database for servers, the file name for files."""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    if parts.hostname:
        return f"{parts.hostname}/{path}" if path else parts.hostname
    if scheme_of(url) in ("file", "sqlite"):
        return path.rsplit("/", 1)[-1] or url
    return f"{parts.scheme}:{path}" if path else parts.scheme or url  # cloudwatch:aws/lambda, journald


GLOB = re.compile(r"[*?[]")


def local_path(url: str) -> str | None:
    """The file, directory or glob on this machine a URL names (a path, file://, sqlite:///,
    journald:///path), as written; None for anything else (a server, a bucket, this machine's
    journal, an in-memory database)."""
    from urllib.parse import unquote

    scheme = scheme_of(url)
    if scheme == "file" and "://" not in url:
        return os.path.expanduser(url)
    if scheme == "file":
        return unquote(urlsplit(url).path) or None
    if scheme == "sqlite" and url.lower().startswith("sqlite:///"):
        path = url[len("sqlite:///"):].split("?", 1)[0]
        return None if not path or path.startswith((":memory:", "file:")) else path
    if scheme == "journald" and url.lower().startswith("journald:///"):
        path = unquote(urlsplit(url).path)
        return None if path in ("", "/") else path
    return None


def missing_path(url: str) -> str | None:
    """The local path a URL names when nothing is there (for a glob, when its directory is not):
    a mistyped path, said before anything is scanned."""
    path = local_path(url)
    if path is None:
        return None
    found = GLOB.search(path)
    probe = os.path.dirname(path[: found.start()] + "x") if found else path
    return None if os.path.exists(probe or ".") else path


@dataclass(frozen=True)
class Source:
    url: str  # may carry a password: never print it, use `masked_url`
    name: str = ""
    crawler: str = ""
    options: dict = field(default_factory=dict, hash=False, compare=False)  # the crawler's: AWS profile, region, …
    # the source's own scan settings, by ScanSettings field (sample_size, include, …): a
    # configuration file's per-source keys, --sample-size SOURCE=N; ScanSettings.for_source applies them
    settings: dict = field(default_factory=dict, hash=False, compare=False)

    def __repr__(self) -> str:  # tracebacks, debuggers and Dask's log of a failed task show reprs
        return f"Source(url={self.masked_url!r}, name={self.name!r}, crawler={self.crawler!r})"

    def __post_init__(self):
        # one spelling per system (postgres:// is postgresql://): the same source, its locations
        # the same URIs, whichever name the URL was written with
        object.__setattr__(self, "url", canonical_scheme(self.url))
        if self.url.startswith("sqlite:///") and not self.url.startswith("sqlite:////"):
            # a relative SQLite path made absolute: the same file is the same source (and its
            # locations the same URIs) from whatever directory it is scanned
            path, sep, query = self.url[len("sqlite:///"):].partition("?")
            if path and not path.startswith((":memory:", "file:")):
                object.__setattr__(self, "url", f"sqlite:///{os.path.abspath(path)}{sep}{query}")
        if not self.name:
            object.__setattr__(self, "name", printable(default_name(self.url)))
        unknown = set(self.settings) - set(PER_SOURCE)
        if unknown:
            raise ValueError(f"a source's own settings are {', '.join(PER_SOURCE)}; "
                             f"not {', '.join(sorted(unknown))}")
        # in the table's order, whatever order they were given in: the report header lists them so
        object.__setattr__(self, "settings", {k: self.settings[k] for k in PER_SOURCE if k in self.settings})

    @property
    def masked_url(self) -> str:
        return printable(mask_url(self.url))

    @property
    def hosts(self) -> list[str]:
        """The server this source names: kept in error messages, which the operator acts on."""
        try:
            host = urlsplit(self.url).hostname
        except ValueError:
            return []
        return [host] if host else []

    @property
    def scheme(self) -> str:
        return scheme_of(self.url)

    @property
    def secrets(self) -> list[str]:
        """Strings that must never appear in output (scrubbed from error messages)."""
        return url_secrets(self.url)

    def describe(self) -> dict:
        return {"name": self.name, "type": self.crawler, "uri": self.masked_url}

    def described(self) -> dict:
        """The source in the report header (and `--validate`'s listing): with its own settings,
        where it has some (a configuration file's per-source keys, --sample-size SOURCE=N)."""
        own = {k: list(v) if isinstance(v, tuple) else v for k, v in self.settings.items()}
        return {**self.describe(), **({"settings": own} if own else {})}
