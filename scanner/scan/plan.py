"""What one `kartlegg scan` run will do, from its command line and its configuration file:
settings, sources, outputs, inventory, lock and logging. Nothing here connects to anything.

The command line wins over the file for what it gives explicitly; URLs given on the command
line are scanned besides the file's sources.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scanner.model.settings import BY_NAME, SETTINGS, Patterns, ScanSettings, Setting
from scanner.model.sources import Source
from scanner.system.lock import DEFAULT_WAIT as DEFAULT_LOCK_WAIT

if TYPE_CHECKING:  # a scan without a configuration file never imports its reader (YAML)
    from scanner.scan.config import Config

SQL_SCHEMES = ("postgresql", "postgres", "mysql", "mariadb", "sqlite", "mssql", "oracle")  # SQLAlchemy URLs
DEFAULT_OUTPUT = "report.jsonl"
DEFAULT_INVENTORY = "kartlegg-inventory.sqlite"

# command-line parameter → key under `scan:` in a configuration file, for what is not a scan
# setting (the settings table gives each setting's flag and key)
RUN_KEYS = {
    "fail_on": "fail_on_findings", "aws_profile": "profile", "aws_region": "region", "endpoint_url": "endpoint_url",
    "workers": "workers", "executor": "executor", "scheduler": "scheduler",
}


class SetupError(ValueError):
    """A command line that does not make a scan; the message names the option."""


@dataclass
class Plan:
    settings: ScanSettings
    sources: list[Source]
    output: str
    report_format: str
    html: str | None
    inventory: str | None  # None: no inventory
    fail_on: set[str]
    lock_key: str
    lock_what: str
    lock_directory: str | None
    lock_wait: float
    declared: dict[str, dict] = field(default_factory=dict)  # source name → declared metadata
    secrets: list[str] = field(default_factory=list)
    executor: str = "local"
    workers: int | None = None  # local: detection processes (None: every core)
    scheduler: str | None = None  # dask: the scheduler's address
    lang: str | None = None  # the HTML report's language; None: KARTLEGG_LANG or the locale


_NAMED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.@-]*)=([A-Za-z][A-Za-z0-9+.-]*://.*)$", re.S)


def named(url: str) -> tuple[str, str]:
    """NAME=URL names a source (a URL with a scheme: file:///srv/b, sqlite:////srv/b/kunder.db);
    anything else is a URL or path, named by default."""
    found = _NAMED.match(url)
    return (found.group(1), found.group(2)) if found else ("", url)


def csv(values) -> tuple[str, ...]:
    if isinstance(values, str):
        values = (values,)
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def by_source(setting: Setting, values: tuple[str, ...]) -> tuple[int | None, dict[str, int]]:
    """An integer flag that takes N for every source or SOURCE=N for one (--sample-size 50
    --sample-size kunder=120): the scan's value (None: not given) and each named source's."""
    metavar = (setting.metavar or "N").replace("[SOURCE=]", "")
    default, per_source = None, {}
    for value in values:
        name, _, number = value.rpartition("=")
        try:
            checked = setting.kind.check(int(number) if number.isdigit() else number)
        except ValueError:
            raise SetupError(f"{setting.flags[0]}: {value!r}: expected {metavar} or SOURCE={metavar}"
                             f"{setting.kind.expected(metavar)}") from None
        if name:
            per_source[name] = checked
        else:
            default = checked
    return default, per_source


def scan_settings(params: dict, given: set[str], cfg_scan: dict) -> tuple[ScanSettings, dict[str, dict]]:
    """The scan's settings, from the settings table: each from the command line when given
    there, else from the file's `scan:`, else its default; and the sources' own settings the
    command line gives (SOURCE=VALUE), by source name."""
    values, per_source = {}, {}
    for s in SETTINGS:
        if s.flags and s.name in given:
            value = params[s.name]
            if s.by_source:
                value, own = by_source(s, value)
                for name, v in own.items():
                    per_source.setdefault(name, {})[s.name] = v
            if value is not None:
                values[s.name] = value
                continue
        if s.key in cfg_scan:
            values[s.name] = cfg_scan[s.key]
    for s in SETTINGS:  # repeated and comma-separated values, as on the command line
        if isinstance(s.kind, Patterns) and s.name in values:
            values[s.name] = csv(values[s.name])
    settings = ScanSettings(**values)
    # what must be read whole may not be cut shorter than what is read of every file
    return replace(settings, max_object_bytes=max(settings.max_object_bytes, settings.object_bytes)), per_source


def fill(template: str, config: Config | None, now: datetime | None = None) -> str:
    """{date}, {datetime} and {config} in an output path, for scheduled runs that keep each report."""
    if "{" not in template:
        return template
    now = now or datetime.now(UTC)
    values = {"date": now.strftime("%Y-%m-%d"), "datetime": now.strftime("%Y%m%dT%H%M%SZ"),
              "config": config.path.stem if config else "kartlegg"}
    try:
        return template.format_map(values)
    except (KeyError, ValueError, IndexError) as exc:
        raise SetupError(f"output {template!r}: unknown placeholder {exc} (use {{date}}, {{datetime}}, {{config}})")


def plan(params: dict, given: set[str], config: Config | None) -> Plan:
    """`params` are the scan command's parameters, `given` the names given on the command line
    (or in the environment), which win over the file."""
    cfg_scan = config.scan if config else {}

    def pick(name: str):
        key = RUN_KEYS[name]
        if name not in given and key in cfg_scan:
            return cfg_scan[key]
        return params.get(name)

    settings, per_source = scan_settings(params, given, cfg_scan)
    aws_defaults = {k: v for k, v in (("profile", pick("aws_profile")), ("region", pick("aws_region")),
                                      ("endpoint_url", pick("endpoint_url"))) if v}

    sources, declared, secrets = [], {}, list(config.secrets if config else [])
    for spec in (config.sources if config else []):
        sources.append((spec.name, spec.url, spec.crawler, dict(spec.options), dict(spec.settings)))
        if spec.declare:
            declared[spec.name] = spec.declare
    for name, url in map(named, params["urls"]):
        sources.append((name, url, None, {}, {}))
    if not sources:
        raise SetupError("nothing to scan: give URLs, or --config FILE with sources")

    from scanner.model import plugins

    built = []
    for name, url, crawler, options, own in sources:
        check_url(url)
        try:
            crawler = crawler or plugins.crawler_for(url)[0]
            if crawler not in plugins.group(plugins.CRAWLERS):
                raise plugins.PluginError(f"no crawler named {crawler!r} (see `kartlegg plugins`)")
        except plugins.PluginError as exc:
            raise SetupError(str(exc)) from None
        takes = {k: v for k, v in aws_defaults.items() if k in plugins.load(crawler, plugins.CRAWLERS).OPTIONS}
        if takes:
            options = {**takes, **options} if not (given & {"aws_profile", "aws_region", "endpoint_url"}) \
                else {**options, **takes}
        source = Source(url, name, crawler, options, own)
        if source.name in per_source:  # the command line wins over the file
            source = replace(source, settings={**source.settings, **per_source[source.name]})
        secrets += source.secrets
        built.append(source)
    unknown = set(per_source) - {s.name for s in built}
    if unknown:
        flags = sorted({BY_NAME[k].flags[0] for name in unknown for k in per_source[name]})
        raise SetupError(f"{', '.join(flags)}: no source named {', '.join(sorted(unknown))}")
    names = [s.name for s in built]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise SetupError(f"two sources named {', '.join(map(repr, twice))}: name them, NAME=URL")

    out_cfg = config.output if config else {}
    inv_cfg = config.inventory if config else {}
    output = fill(params["output"] if "output" in given else out_cfg.get("report", DEFAULT_OUTPUT), config)
    html = params.get("html") if "html" in given else out_cfg.get("html")
    html = fill(html, config) if html else None
    lang = params.get("lang") if "lang" in given else out_cfg.get("lang")
    report_format = params["report_format"] if "report_format" in given else out_cfg.get("format", "jsonl")
    if "no_inventory" in given and params["no_inventory"]:
        inventory = None
    elif "inventory_url" in given:
        inventory = params["inventory_url"]
    elif inv_cfg.get("enabled") is False:
        inventory = None
    else:
        inventory = inv_cfg.get("url") or DEFAULT_INVENTORY
    if settings.incremental and inventory is None:
        raise SetupError("--incremental compares with the inventory: drop --no-inventory (or inventory.enabled: false)")
    outputs = own_outputs(output, html, inventory)
    built = [replace(s, options={**s.options, "outputs": outputs})
             if "outputs" in plugins.load(s.crawler, plugins.CRAWLERS).OPTIONS else s for s in built]
    fail_on = pick("fail_on")

    executor, workers, scheduler = pick("executor"), pick("workers"), pick("scheduler")
    executor = executor or ("dask" if scheduler else "local")
    if executor not in plugins.group(plugins.EXECUTORS):
        raise SetupError(f"--executor: no executor named {executor!r}; known: "
                         f"{', '.join(plugins.group(plugins.EXECUTORS))}")
    if executor == "dask" and not scheduler:
        raise SetupError("--executor dask needs --scheduler ADDRESS (tcp://HOST:8786 or tls://HOST:8786)")
    if executor != "dask" and scheduler:
        raise SetupError(f"--scheduler is for --executor dask, not {executor}")
    if executor == "dask" and workers:
        raise SetupError("--workers is for the local executor: a Dask cluster has the workers it was started with")

    lock_cfg = config.lock if config else {}
    if config is not None and not params["urls"]:
        key, what = config.key, str(config.path)
    else:
        blob = "\n".join(sorted(s.url for s in built)) + f"\n{output}\n{inventory}"
        digest = hashlib.sha256(blob.encode("utf-8", "surrogateescape")).hexdigest()
        key = (config.key + "+" if config else "urls:") + digest
        what = "this scan (" + ", ".join(s.name for s in built) + ")"
    return Plan(
        settings=settings, sources=built, output=output, report_format=report_format, html=html,
        inventory=inventory, fail_on=set(csv((fail_on,))) if fail_on else set(),
        lock_key=key, lock_what=what, lock_directory=lock_cfg.get("directory"),
        lock_wait=params["lock_wait"] if "lock_wait" in given else lock_cfg.get("wait", DEFAULT_LOCK_WAIT),
        declared=declared, secrets=list(dict.fromkeys(s for s in secrets if s)),
        executor=executor, workers=workers, scheduler=scheduler, lang=lang,
    )


def own_outputs(output: str, html: str | None, inventory: str | None) -> dict[str, str]:
    """This scan's own files, absolute, by what they are: a files source passes them over."""
    if inventory and "://" in inventory:
        inventory = inventory[len("sqlite:///"):].split("?", 1)[0] if inventory.startswith("sqlite:///") else None
    found = {"report": output if output != "-" else None, "HTML report": html if html != "-" else None,
             "inventory": inventory if inventory and not inventory.startswith((":memory:", "file:")) else None}
    return {what: str(Path(p).expanduser().absolute()) for what, p in found.items() if p}


def check_url(url: str) -> None:
    """A URL that cannot be read is a usage error naming it, masked, before anything connects.
    The reason is ours: a parser's message may quote a password it took for a port."""
    if "://" not in url:
        return  # a path
    from scanner.model.urls import mask_url

    try:
        parts = urlsplit(url)
    except ValueError as exc:
        why = "an unclosed or invalid [ ] around the host" if "IPv6" in str(exc) else "it cannot be read as a URL"
        raise SetupError(f"malformed URL {mask_url(url)}: {why}") from None
    try:
        parts.port
    except ValueError:
        raise SetupError(f"malformed URL {mask_url(url)}: the port is not a number from 0 to 65535") from None
    if parts.scheme.split("+", 1)[0].lower() in SQL_SCHEMES:
        from scanner.model.urls import database_url_readable

        if not database_url_readable(url):
            raise SetupError(f"malformed URL {mask_url(url)}: it cannot be read as a database URL")


def output_path(target: str) -> str:
    """The report's directory is made for scheduled runs writing into reports/."""
    if target != "-":
        Path(target).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return target
