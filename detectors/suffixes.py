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

from functools import cache
from importlib.util import find_spec
from pathlib import Path

SNAPSHOT = ".tld_set_snapshot"  # tldextract's bundled copy of the Public Suffix List


@cache
def rules() -> tuple[frozenset[str], frozenset[str]]:
    """(rules, parents of wildcard rules), lower case, in Unicode and in Punycode."""
    spec = find_spec("tldextract")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("tldextract is not installed: its public suffix list is needed")
    text = (Path(next(iter(spec.submodule_search_locations))) / SNAPSHOT).read_text(encoding="utf-8")
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
