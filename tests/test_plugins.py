"""Plugins: the crawler a URL's scheme points to is asked first (the others are not imported when
it takes the URL), the rest in name order when it declines; a distribution's metadata is read
once for all of its plugins."""

from __future__ import annotations

from importlib.metadata import EntryPoint, version

import pytest

from scanner.model import plugins
from scanner.model.plugins import (
    CRAWLERS,
    Plugin,
    PluginError,
    _likely,
    available,
    crawler_for,
)

BUILT_IN = ("cloudwatch", "files", "journald", "s3", "sql")


@pytest.mark.parametrize("url, likely", [
    ("sqlite:////srv/kunder.db", "sql"),
    ("sqlite:///relativ.db", "sql"),
    ("postgresql://scanner@db.example.no/kunder", "sql"),
    ("postgresql+psycopg2://scanner@db/kunder", "sql"),
    ("postgres://db/kunder", "sql"),
    ("MySQL://db/kunder", "sql"),
    ("mariadb+pymysql://db/kunder", "sql"),
    ("mssql+pyodbc://db/kunder", "sql"),
    ("oracle://db/kunder", "sql"),
    ("s3://bucket/prefix", "s3"),
    ("journald://", "journald"),
    ("cloudwatch://aws/lambda", "cloudwatch"),
    ("file:///srv/eksport", "files"),
    ("/srv/eksport", "files"),
    ("eksport", "files"),
    ("C:/data", "files"),  # not a scheme: a path
    # near-misses: a scheme no plugin is named for points to none (every plugin is asked)
    ("sqlserver://db/kunder", None),
    ("https://example.no/x", None),
    ("mongodb://db/kunder", None),
    ("s4://bucket", None),
])
def test_the_scheme_points_to_a_crawler_or_to_none(url, likely):
    assert _likely(url, dict.fromkeys(BUILT_IN)) == likely


def test_no_sql_crawler_installed_points_a_database_url_nowhere():
    assert _likely("postgresql://db/x", dict.fromkeys(("files", "s3"))) is None


@pytest.mark.parametrize("url, name", [
    ("sqlite:////srv/kunder.db", "sql"), ("postgresql://db/kunder", "sql"), ("mysql+pymysql://db/k", "sql"),
    ("s3://bucket/prefix", "s3"), ("journald://", "journald"), ("cloudwatch://aws/lambda", "cloudwatch"),
    ("/srv/eksport", "files"), ("file:///srv/eksport", "files"),
])
def test_each_built_in_scheme_has_its_crawler(url, name):
    found, cls = crawler_for(url)
    assert found == name and cls.handles(url)


@pytest.mark.parametrize("url", ["mongodb://db/kunder", "s4://bucket", "https://example.no/x"])
def test_a_scheme_no_crawler_handles_is_a_plugin_error(url):
    with pytest.raises(PluginError, match=f"no crawler handles {url.split('://')[0]}://"):
        crawler_for(url)


# crawlers of a test installation: the one the scheme points to declines here
ASKED: list[str] = []


class _Crawler:
    TAKES: tuple[str, ...] = ()

    @classmethod
    def handles(cls, url: str) -> bool:
        ASKED.append(cls.__name__)
        return url.split("://")[0] in cls.TAKES


class Alpha(_Crawler):
    TAKES = ("ftp",)


class Ftp(_Crawler):  # named like the scheme, but takes only ftps
    TAKES = ("ftps",)


class Zulu(_Crawler):
    TAKES = ("ftp",)


def _installed(monkeypatch, *names):
    found = {n: Plugin(n, CRAWLERS, EntryPoint(n, f"{__name__}:{n.capitalize()}", CRAWLERS)) for n in names}
    monkeypatch.setattr(plugins, "available", lambda group: found)
    ASKED.clear()


def test_the_crawler_the_scheme_points_to_is_asked_first_and_the_rest_when_it_declines(monkeypatch):
    _installed(monkeypatch, "alpha", "ftp", "zulu")
    assert crawler_for("ftp://host/x")[0] == "alpha"
    assert ASKED == ["Ftp", "Alpha"]  # the likely one first, then by name; zulu never imported nor asked
    ASKED.clear()
    assert crawler_for("ftps://host/x")[0] == "ftp"
    assert ASKED == ["Alpha", "Ftp"]  # no plugin is named ftps or begins so: name order
    ASKED.clear()
    with pytest.raises(PluginError):
        crawler_for("sftp://host/x")  # points to none: each asked, in name order
    assert ASKED == ["Alpha", "Ftp", "Zulu"]


def test_every_built_in_plugin_names_its_distribution_read_once():
    expected = f"kartlegg {version('kartlegg')}"
    plugins._name_and_version.cache_clear()
    names = [p.distribution for group in plugins.KINDS.values() for p in available(group).values()]
    assert len(names) >= 20 and set(names) == {expected}
    info = plugins._name_and_version.cache_info()
    assert info.misses == 1 and info.hits == len(names) - 1  # every built-in shares one distribution
