"""IP addresses: Presidio's recognizer, in Norwegian, with the noise of code and logs removed."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from detectors.recognizers.base import KartleggPatternRecognizer
from detectors.recognizers.results import Pattern
from detectors.shape import Shape

_V4 = r"(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)"
_H = r"[0-9A-Fa-f]{1,4}"
# Presidio's IpRecognizer patterns (presidio-analyzer 2.2) that kartlegg keeps, as they are:
# tests hold them to Presidio's.
_PRESIDIO = {
    "IPv4_mapped": Pattern("IPv4_mapped", r"(?<![\w:])::(?:ffff(?::0{1,4})?:)?" + _V4
                           + r"(?:/(?:12[0-8]|1[01]\d|[1-9]?\d))?\b", 0.6),
    "IPv4_embedded": Pattern("IPv4_embedded", r"(?<![\w:])(?:(?:" + _H + r":){1,5}:(?:" + _H + r":){0,4}|(?:"
                             + _H + r":){6})" + _V4 + r"(?:/(?:12[0-8]|1[01]\d|[1-9]?\d))?\b", 0.6),
    "IPv6": Pattern("IPv6", r"(?<![\w:])(?:(?:H:){7}H|(?:H:){1,7}:|:(?::H){1,7}|(?:H:){1,6}:H|(?:H:){1,5}(?::H){1,2}"
                    r"|(?:H:){1,4}(?::H){1,3}|(?:H:){1,3}(?::H){1,4}|(?:H:){1,2}(?::H){1,5}|H:(?::H){1,6}"
                    r"|:(?::H){1,6})(?:%[0-9a-zA-Z]+)?(?:/(?:12[0-8]|1[01]\d|[1-9]?\d))?(?![\w:]|\.\d)"
                    .replace("H", _H), 0.6),
}
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# An upgrade, then "til"/"to" and at most a few capitalised product words, right before the
# match: what the match is a version of.
_UPGRADED_TO = re.compile(
    r"(?i:oppgrader|oppdater|nedgrader|upgrad|updat|downgrad)\w*(?:\s+\S+){0,4}?\s+(?i:til|to)\s+"
    r"(?:[A-Z][\w.-]*\s+){0,3}\Z")
_DIGIT = re.compile(r"[0-9]")  # what the patterns match is ASCII: hex groups, dots, colons
UPGRADE_WINDOW = 120  # no leading zeros: ipaddress rejects them anyway


def _presidio(name: str) -> Pattern:
    return Pattern(name, _PRESIDIO[name].regex, _PRESIDIO[name].score)


def _looks_like_ipv6(address: str) -> bool:
    """Rule out what code and logs write with colons that Python still parses as IPv6.

    C++/Ruby scopes (a::b, dead::beef) have no digit; Python slices (1::2, ::2) are tiny;
    eight 2-digit groups are a byte dump (WWN, fingerprint), not an address.
    """
    address = address.split("/")[0].split("%")[0]
    if address == "::1":
        return True
    groups = [g for g in address.split(":") if g]
    if _DIGIT.search(address) is None:
        return False
    if "::" in address:
        return sum(map(len, groups)) >= 4
    return not all(len(g) == 2 for g in groups)


@lru_cache(maxsize=4096)  # is_valid and annotate parse the same match
def _parse(text: str):
    """ipaddress.ip_interface(text), or None. Only an IPv6 form holds a colon and an IPv4 form
    never does, so the one class that can read it is asked (ip_interface tries IPv4 first,
    and its exception costs as much as the parse)."""
    try:
        return ipaddress.IPv6Interface(text) if ":" in text else ipaddress.IPv4Interface(text)
    except ValueError:
        return None


_QUAD = re.compile(r"([1-9]?[0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\.([1-9]?[0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])"
                   r"\.([1-9]?[0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\.([1-9]?[0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])")
# ipaddress's private IPv4 networks as integer ranges: its is_private walks them as objects,
# ~10 µs an address. Where a Python's ipaddress also lists exceptions, it answers itself.
_V4_CONSTANTS = ipaddress.IPv4Address._constants
_V4_PRIVATE = None if hasattr(_V4_CONSTANTS, "_private_networks_exceptions") else tuple(
    (int(n.network_address), int(n.broadcast_address)) for n in _V4_CONSTANTS._private_networks)


_V6_CONSTANTS = ipaddress.IPv6Address._constants
_V6_PRIVATE = None if hasattr(_V6_CONSTANTS, "_private_networks_exceptions") else tuple(
    (int(n.network_address), int(n.broadcast_address)) for n in _V6_CONSTANTS._private_networks)


def _private(ip) -> bool:
    """ip.is_private, for IPv6 without walking network objects (see _V4_PRIVATE)."""
    if ip.version == 6 and _V6_PRIVATE is not None and ip.ipv4_mapped is None:
        value = int(ip)
        return any(low <= value <= high for low, high in _V6_PRIVATE)
    return ip.is_private


def _quad(text: str) -> int | None:
    """A plain dotted quad (no prefix length, no leading zeros) as an integer, else None."""
    m = _QUAD.fullmatch(text)
    if m is None:
        return None
    a, b, c, d = map(int, m.groups())
    return (a << 24) | (b << 16) | (c << 8) | d


def _v4_private(address: int) -> bool:
    return any(low <= address <= high for low, high in _V4_PRIVATE)


class IpRecognizer(KartleggPatternRecognizer):
    """IPv4 and IPv6 addresses, validated with Python's ipaddress module.

    Presidio's patterns, changed: IPv4 is not taken out of a longer dotted run (1.2.3.4.5, OIDs),
    the bare "::" pattern is dropped, and colon noise from code is ruled out (see above).
    A 4-part version string (1.2.3.4) remains indistinguishable from an address.
    """

    ENTITY = "IP_ADDRESS"
    PATTERNS = [
        _presidio("IPv4_mapped"),
        _presidio("IPv4_embedded"),
        # Not a product's version in a user agent (Chrome/124.0.0.0, Edg/124.0.2478.80).
        Pattern("IPv4", rf"(?<![\w.])(?<!(?-i:\b[A-Z][A-Za-z]*)/){_OCTET}(?:\.{_OCTET}){{3}}"
                        rf"(?:/(?:3[0-2]|[12]?\d))?(?![\w]|\.\d)", 0.6),
        _presidio("IPv6"),
    ]
    CONTEXT = [
        "ip", "ipadresse", "ip-adresse", "ipv4", "ipv6", "klient", "client", "remote", "addr",
        "host",
    ]
    # A version number is written as a dotted quad too: "Versjon 10.2.3.4", "fw 2.1.0.3", "build=1.2.3.4".
    COUNTER_CONTEXT = ["versjon", "version", "build", "firmware", "fw", "release", "revisjon", "revision"]
    EVIDENCE = "valid IP address"
    # Every IPv6 form holds a colon, and a dotted quad a digit before a dot: a client's IPv4
    # address (most of an access log) skips the IPv6 patterns, the longest of them all.
    PATTERN_NEEDS = {"IPv4_mapped": "::", "IPv4_embedded": ":", "IPv6": ":", "IPv4": r"\d\."}
    SCREEN = r"\d\.\d{1,3}\.\d{1,3}\.\d|::|[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){7}"
    PREFILTER = r"\d\.\d{1,3}\.\d{1,3}\.\d|[0-9A-Fa-f]?:[0-9A-Fa-f]{0,4}:"  # four dotted numbers, or two colons

    def find(self, text: str) -> list:
        return self._not_upgraded_to(text, super().find(text))

    def find_screened(self, text: str) -> list:
        return self._not_upgraded_to(text, super().find_screened(text))

    @staticmethod
    def _not_upgraded_to(text: str, found: list) -> list:
        """The patterns' matches, less a dotted quad that something was upgraded *to*: "oppdatert
        Veeam Backup til 12.1.2.172", "upgraded the agent to 4.10.2.3". Only that phrase: "updated
        the password from 89.10.20.30" is an address, and so is a server that was patched."""
        if not found or ("til" not in text and "to" not in text.lower()):
            return found
        return [m for m in found if ":" in text[m.start:m.end]
                or _UPGRADED_TO.search(text, max(0, m.start - UPGRADE_WINDOW), m.start) is None]

    def is_valid(self, text: str) -> bool:
        if _V4_PRIVATE is not None and _quad(text) is not None:
            return True
        if _parse(text) is None:
            return False
        return not (":" in text and "." not in text and not _looks_like_ipv6(text))

    def accepts(self, shape: Shape) -> bool:
        return (shape.has_dot and shape.digits >= 4) or shape.has_colon

    def annotate(self, text, metadata) -> None:
        if _V4_PRIVATE is not None and (quad := _quad(text)) is not None:
            metadata["ip_version"] = 4
            metadata["private"] = _v4_private(quad)
            return
        ip = _parse(text).ip
        metadata["ip_version"] = ip.version
        metadata["private"] = _private(ip)
