"""Does a domain end in a public suffix? From the list tldextract ships, without importing it.

The e-mail recognizer asks this of every address's domain. tldextract answers it, but importing
it costs a fifth of a second (it brings requests along) and a start-up of `kartlegg detect` is
meant to take less than half a second. A domain has a non-empty public suffix exactly when one
of its endings is a rule of the list's ICANN section ("no", "co.za"; not "za", which is no rule)
or a wildcard rule's parent with a label before it ("*.ck": "x.ck"); an exception ("!www.ck")
always sits under a wildcard, so it changes what the suffix is, never whether there is one.
Tests hold this to tldextract.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from detectors.paths import cache_dir, readable, write_cached

SNAPSHOT = ".tld_set_snapshot"  # tldextract's bundled copy of the Public Suffix List
CACHE_VERSION = 1  # of the cached file's layout


@cache
def rules() -> tuple[frozenset[str], frozenset[str]]:
    """(rules, parents of wildcard rules), lower case, in Unicode and in Punycode.

    Read from the list once per installation and kept in the cache directory beside the
    tokenizer's rules (the list's ~9,000 rules, each put into Punycode: ~40 ms a start)."""
    snapshot = _snapshot()
    stat = snapshot.stat()
    cached = cache_dir() / f"public-suffixes-{stat.st_size}-{int(stat.st_mtime)}-v{CACHE_VERSION}.json"
    try:
        plain, wild = json.loads(readable(cached).read_text(encoding="utf-8"))
        return frozenset(plain), frozenset(wild)
    except (OSError, ValueError, TypeError):
        pass
    plain_set, wild_set = _read(snapshot.read_text(encoding="utf-8"))
    # a read-only home: read from the list again next time
    write_cached(cached, json.dumps([sorted(plain_set), sorted(wild_set)], ensure_ascii=False).encode("utf-8"))
    return plain_set, wild_set


def _snapshot() -> Path:
    spec = find_spec("tldextract")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("tldextract is not installed: its public suffix list is needed")
    return Path(next(iter(spec.submodule_search_locations))) / SNAPSHOT


def _read(text: str) -> tuple[frozenset[str], frozenset[str]]:
    plain: set[str] = set()
    wild: set[str] = set()
    icann = False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("// ===BEGIN ICANN DOMAINS==="):
            icann = True
        elif line.startswith("// ===END ICANN DOMAINS==="):
            break
        elif icann and line and not line.startswith(("//", "!")):
            rule = line.lower()
            into = plain
            if rule.startswith("*."):
                rule, into = rule[2:], wild
            into.add(rule)
            try:
                into.add(rule.encode("idna").decode("ascii"))
            except UnicodeError:
                pass
    return frozenset(plain), frozenset(wild)


def has_public_suffix(domain: str) -> bool:
    plain, wild = rules()
    labels = domain.rstrip(".").lower().split(".")
    for k in range(1, len(labels) + 1):
        ending = ".".join(labels[-k:])
        if ending in plain or (k < len(labels) and ending in wild):
            return True
    return False
