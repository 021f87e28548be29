"""Options of `kartlegg scan` made from the settings table (scanner.model.settings), and the
logging options: a setting's flag, type, default and help are declared once, there."""

from __future__ import annotations

import click

from scanner.model.settings import (
    SETTINGS,
    Integer,
    Number,
    Patterns,
    Setting,
    Size,
    Switch,
    parse_size,
    size_text,
)

LOG_FORMATS = ("text", "json")


class ByteSize(click.ParamType):
    """64K, 1M, 10MiB, 2G or a plain number of bytes (binary units)."""

    name = "size"

    def convert(self, value, param, ctx):
        try:
            return parse_size(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _option(s: Setting) -> dict:
    """click.option's arguments for one setting: its kind gives the type, how it is given and
    how its default is shown."""
    about = {"help": s.help or None, "metavar": s.metavar}
    kind = s.kind
    if s.by_source:  # N or SOURCE=N, repeatable: scanner.scan.plan reads them
        return {**about, "multiple": True, "default": (str(s.default),), "show_default": True}
    if isinstance(kind, Switch):
        return {**about, "is_flag": True, "default": s.default}
    if isinstance(kind, Patterns):  # repeatable, each may be comma-separated
        return {**about, "multiple": True}
    if isinstance(kind, Size):
        return {**about, "type": ByteSize(), "default": size_text(s.default), "show_default": True}
    if isinstance(kind, (Integer, Number)):
        ranged = click.IntRange if isinstance(kind, Integer) else click.FloatRange
        return {**about, "type": ranged(kind.low, kind.high), "default": s.default,
                "show_default": s.default is not None}
    raise TypeError(f"{s.name}: no command-line form for {type(kind).__name__}")


def setting_options(fn):
    """Every setting with a flag, as an option named for its ScanSettings field, in the table's
    order (click lists the options in the order their decorators are written: last applied first)."""
    for s in reversed([s for s in SETTINGS if s.flags]):
        fn = click.option(*s.flags, s.name, **_option(s))(fn)
    return fn


def log_options(fn=None, *, quiet: str = "Less: only errors in the log, no progress or summary."):
    """-v, -q and --log-format; `quiet` is -q's help, for a command whose -q says more."""
    if fn is None:
        return lambda f: log_options(f, quiet=quiet)
    fn = click.option("--log-format", type=click.Choice(LOG_FORMATS), default=None,
                      help="Log lines on stderr as text (key=value) or JSON [default: text, or the config's].")(fn)
    fn = click.option("-q", "--quiet", count=True, help=quiet)(fn)
    fn = click.option("-v", "--verbose", count=True, help="More log lines: -v each source, -vv each dataset.")(fn)
    return fn
