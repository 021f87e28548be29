"""E-mail addresses: Presidio's recognizer, in Norwegian."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from detectors.recognizers.base import SHORT_TEXT, KartleggPatternRecognizer, Match
from detectors.recognizers.results import Pattern
from detectors.roles import is_role_mailbox
from detectors.shape import Shape
from detectors.suffixes import has_public_suffix

_RUN = re.compile(r"\S+")
_WHITESPACE = re.compile(r"\s")

# Presidio's EmailRecognizer pattern (presidio-analyzer 2.2), as it is: tests hold it to Presidio's.
PRESIDIO_PATTERN = (
    r"\b((([!#$%&'*+\-/=?^_`{|}~\w])|([!#$%&'*+\-/=?^_`{|}~\w][!#$%&'*+\-/=?^_`{|}~\.\w]{0,}"
    r"[!#$%&'*+\-/=?^_`{|}~\w]))[@]\w+(?:-+\w+)*(?:\.\w+(?:-+\w+)*)+)\b"
)


@lru_cache(maxsize=65536)
def _has_public_suffix(domain: str) -> bool:
    # A column of e-mails repeats a handful of domains.
    return has_public_suffix(domain)


class EmailRecognizer(KartleggPatternRecognizer):
    """Presidio's pattern, checked against tldextract's public suffix list: the domain must end
    in a public suffix (detectors.suffixes).

    Two changes to Presidio's recognizer: a valid match keeps the pattern's score instead of
    rising to 1.0, as in kartlegg's own recognizers; and a domain that is itself a public suffix counts.
    Presidio wants a registrable domain below the suffix, but under .no every municipality
    and county (oslo.no, asker.no, bergen.no) is a suffix, so post@asker.no would be lost.
    """

    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = [Pattern("e-mail", PRESIDIO_PATTERN, 0.9)]
    CONTEXT = ["epost", "e-post", "e_post", "mail", "email"]
    EVIDENCE = "address with a public domain suffix"
    SCREEN = r"@[^\s@.]+\.[^\s@.]"

    def find(self, text: str) -> list[Match]:
        return self._runs(text, True)

    def find_screened(self, text: str) -> list[Match]:
        return self._runs(text, False)

    def _runs(self, text: str, prefilter: bool) -> list[Match]:
        """Presidio's pattern, run only on the stretches without whitespace that hold an `@`.

        No character the pattern matches is whitespace, so every match lies inside one such
        stretch, and its word boundaries see whitespace or the text's edge alike: the matches
        are the pattern's over the whole text. The pattern backtracks at every word character
        (1.8 MiB/s over a log); most of a line is never looked at this way."""
        if "@" not in text:
            return []
        if len(text) <= SHORT_TEXT and _WHITESPACE.search(text) is None:
            return self._find(text, prefilter)
        out = []
        for run in _RUN.finditer(text):
            if "@" in run.group():
                at = run.start()
                out.extend(replace(m, start=m.start + at, end=m.end + at) for m in self._find(run.group(), prefilter))
        return out

    def is_valid(self, text: str) -> bool:
        return _has_public_suffix(text.rpartition("@")[2].lower())

    def accepts(self, shape: Shape) -> bool:
        return shape.has_at

    def annotate(self, text: str, metadata: dict) -> None:
        # An organisation's function address (post@, faktura@): found, but not a person's.
        if is_role_mailbox(text):
            metadata["role"] = True
