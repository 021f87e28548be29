"""What a field's values say as a whole, beyond any one value: URLs (identifiers sit inside
them, judged where they sit), version numbers (dotted quads that are no addresses), and how
many numbers of an identifier's length a field holds (the denominator of a chance match).

Small pure predicates over a field's values; detectors.column decides with them.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

URL_SHARE = 0.5  # a field is a URL field when at least this share of its values are URLs or paths
VERSION_MIN = 5  # dotted numbers a field needs before its peers say anything about it
NO_ADDRESS_SHARE = 0.1  # dotted numbers that cannot be addresses (1.2.3, 10.0.19041.1): a version field
SMALL_PART = 30  # version components stay small; the hosts of an address field do not
SMALL_SHARE = 0.9

# "/api/v1/kunde?fnr=…", "https://host/path", "GET /path HTTP/1.1" is no URL but a request line
_URL = re.compile(r"(?:[a-z][a-z0-9+.\-]*://[^\s/]+(?:[/?#]\S*)?|/[^\s/]*(?:[/?#]\S*)?)\Z", re.I)
_SPACE = re.compile(r"\s")
_DOTTED = re.compile(r"v?(\d{1,6}(?:\.\d{1,6}){2,4})\Z", re.I)  # three to five parts: 1.5 is a decimal


def is_url(value: str) -> bool:
    """A URL or an absolute path with something after its first segment (`/a/b`, `/a?x=1`)."""
    value = value.strip()
    # no whitespace inside: the pattern's greedy runs then cannot backtrack over a long value
    if not value or len(value) > 8192 or _SPACE.search(value) or _URL.match(value) is None:
        return False
    return "://" in value or value.count("/") >= 2 or "?" in value


def url_field(texts: Sequence[str]) -> bool:
    """Most values are URLs or paths: what they hold sits inside them, in running text's terms."""
    if not texts:
        return False
    # every field of every batch is asked: a look at the first character rules most out
    maybe = [t for t in texts if t[:1] == "/" or "://" in t]
    needed = URL_SHARE * len(texts)
    if len(maybe) < needed:
        return False
    urls = 0
    left = len(maybe)
    # once per distinct value (a log's referrers repeat); stops once the share is reached or out of reach
    for value, count in Counter(maybe).items():
        left -= count
        if is_url(value):
            urls += count
            if urls >= needed:
                return True
        elif urls + left < needed:
            return False
    return False


def _parts(value: str) -> list[str] | None:
    m = _DOTTED.match(value.strip())
    return m.group(1).split(".") if m else None


def _address_shaped(parts: list[str]) -> bool:
    return len(parts) == 4 and all(p == "0" or (p[0] != "0" and int(p) <= 255) for p in parts)


def _small(parts: list[str]) -> bool:
    """A quad shaped like a version: major, minor and patch small. Not 10.x: a private network's
    hosts (10.0.1.23) have small parts too."""
    return parts[0] != "10" and all(int(x) <= SMALL_PART for x in parts[:3])


def version_field(texts: Sequence[str]) -> str | None:
    """Why a field's dotted numbers are versions and not IPv4 addresses, or None.

    A field of addresses holds nothing else of that shape; a field of versions holds 1.2.3,
    10.0.19041.1 or 2.04.1.7 beside its 10.2.3.4 (components an address never has), or only
    quads whose major, minor and patch are small (see _small), where an address field's spread.
    """
    dotted = [p for p in map(_parts, texts) if p is not None]
    if len(dotted) < VERSION_MIN:
        return None
    other = sum(1 for p in dotted if not _address_shaped(p))
    if other >= NO_ADDRESS_SHARE * len(dotted):
        return (f"{other} of the field's {len(dotted)} dotted numbers cannot be addresses "
                "(1.2.3, 10.0.19041.1): a field of versions")
    quads = [p for p in dotted if _address_shaped(p)]
    small = sum(1 for p in quads if _small(p))
    if len(quads) >= VERSION_MIN and small >= SMALL_SHARE * len(quads):
        return (f"{small} of the field's {len(quads)} dotted quads have only components up to {SMALL_PART}: "
                "versions, not addresses")
    return None


# Dotted numbers in running text that could be versions (1.2.3, 10.2.3.4, 12.1.2.172): three to
# five parts. Not dates (14.05.2024), thousands (1.234.567) or kontonumre (1234.56.78903).
_DOTTED_IN_TEXT = re.compile(r"(?<![\w.])v?(\d{1,6}(?:\.\d{1,6}){2,4})(?!\w|\.\d)")
_NOT_A_VERSION = re.compile(r"\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})|\d{1,3}(?:\.\d{3})+|\d{4}\.\d{2}\.\d{5}")


_TWO_DOTS = re.compile(r"\.\d+\.\d")  # a literal first: the engine skips to each dot


def _lines_with(screen: re.Pattern, text: str) -> str:
    """The lines of `text` where `screen` matches: a precise pattern then runs over those only."""
    out, end = [], -1
    for m in screen.finditer(text):
        if m.start() < end:
            continue
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        out.append(text[start:end])
    return "\n".join(out)


def versions_in_text(texts: Sequence[str]) -> str | None:
    """Why the dotted quads of a field of running text are versions, or None: the field writes
    dotted numbers no address has (1.2.3, 12.1.2.1720) often enough, and its quads are shaped
    like them (major, minor and patch small: 12.1.2.172), where addresses beside versions in a
    log (a login from 89.177.175.61) spread over the whole range."""
    versions = quads = small = 0
    for m in _DOTTED_IN_TEXT.finditer(_lines_with(_TWO_DOTS, "\n".join(texts))):
        number = m.group(1)
        if _NOT_A_VERSION.fullmatch(number):
            continue
        parts = number.split(".")
        if _address_shaped(parts):
            quads += 1
            small += _small(parts)
        else:
            versions += 1
    if (versions >= VERSION_MIN and versions >= NO_ADDRESS_SHARE * (versions + quads)
            and small >= SMALL_SHARE * quads):
        return (f"{versions} of the field's {versions + quads} dotted numbers cannot be addresses "
                f"(1.2.3, 10.0.19041.1), {small} of its {quads} dotted quads are shaped like versions "
                "(12.1.2.172), and no address word stands by them")
    return None


def digit_runs(texts: Sequence[str], lengths: set[int]) -> int:
    """Bare numbers of the given lengths in the texts, whatever they are: the field's candidates
    for an identifier written that way."""
    if not lengths:
        return 0
    return sum(1 for r in _runs_from(min(lengths)).findall("\n".join(texts)) if len(r) in lengths)


@lru_cache(maxsize=64)
def _runs_from(shortest: int) -> re.Pattern:
    """Runs of ASCII digits at least this long (a plain class and a count: the fastest form)."""
    return re.compile(rf"[0-9]{{{shortest},}}")


NETWORK_SHARE = 0.9


def _network(value: str) -> bool:
    """A network in CIDR form (10.20.0.0/16, 2001:db8::/32): the address is the network's own."""
    value = value.strip()
    if "/" not in value:
        return False
    try:
        iface = ipaddress.ip_interface(value)
    except ValueError:
        return False
    return iface.network.prefixlen < iface.max_prefixlen and iface.ip == iface.network.network_address


def network_field(texts: Sequence[str]) -> str | None:
    """Why a field's addresses are networks (a DHCP scope, a route, a firewall object), or None:
    a network names a range of hosts, none of them anyone's."""
    if not texts:
        return None
    networks = sum(map(_network, texts))
    if networks >= NETWORK_SHARE * len(texts):
        return f"{networks} of {len(texts)} values are networks (10.20.0.0/16), not the address of a host"
    return None
