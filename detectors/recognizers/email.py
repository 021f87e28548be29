"""E-mail addresses: Presidio's recognizer, in Norwegian."""

from __future__ import annotations

from functools import lru_cache

import tldextract
from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import (
    EmailRecognizer as PresidioEmailRecognizer,
)

from detectors.recognizers.base import LANGUAGE, KartleggPatternRecognizer
from detectors.shape import Shape


@lru_cache(maxsize=65536)
def _has_public_suffix(domain: str) -> bool:
    # A column of e-mails repeats a handful of domains; tldextract costs ~100 µs a call.
    return bool(tldextract.extract(domain).suffix)


class EmailRecognizer(KartleggPatternRecognizer):
    """Presidio's pattern, checked with tldextract: the domain must end in a public suffix.

    Two changes to Presidio's recognizer: a valid match keeps the pattern's score instead of
    rising to 1.0, as in kartlegg's own recognizers; and a domain that is itself a public suffix counts.
    Presidio wants a registrable domain below the suffix, but under .no every municipality
    and county (oslo.no, asker.no, bergen.no) is a suffix, so post@asker.no would be lost.
    """

    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = [Pattern("e-mail", PresidioEmailRecognizer.PATTERNS[0].regex, 0.9)]
    CONTEXT = ["epost", "e-post", "e_post", "mail", "email"]
    EVIDENCE = "address with a public domain suffix"
    FLAGS = PresidioEmailRecognizer(supported_language=LANGUAGE).global_regex_flags

    def is_valid(self, text: str) -> bool:
        return _has_public_suffix(text.rpartition("@")[2].lower())

    def accepts(self, shape: Shape) -> bool:
        return shape.has_at
