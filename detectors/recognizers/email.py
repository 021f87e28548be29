"""E-mail addresses: Presidio's recognizer, in Norwegian."""

from __future__ import annotations

import tldextract
from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import EmailRecognizer as PresidioEmailRecognizer

from detectors.recognizers.base import LANGUAGE
from detectors.shape import Shape


class EmailRecognizer(PresidioEmailRecognizer):
    """Presidio's pattern, checked with tldextract: the domain must end in a public suffix.

    Two changes to Presidio's: a valid match keeps the pattern's score instead of rising to
    1.0, as in kartlegg's own recognizers; and a domain that is itself a public suffix counts.
    Presidio wants a registrable domain below the suffix, but under .no every municipality
    and county (oslo.no, asker.no, bergen.no) is a suffix, so post@asker.no would be lost.
    """

    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = [Pattern("e-mail", PresidioEmailRecognizer.PATTERNS[0].regex, 0.9)]
    CONTEXT = ["epost", "e-post", "e_post", "mail", "email"]
    EVIDENCE = "address with a public domain suffix"

    def __init__(self, supported_language: str = LANGUAGE, **kwargs):
        kwargs.setdefault("patterns", self.PATTERNS)
        kwargs.setdefault("context", self.CONTEXT)
        kwargs.setdefault("name", type(self).__name__)
        super().__init__(supported_language=supported_language, **kwargs)

    def validate_result(self, pattern_text: str) -> bool | None:
        domain = pattern_text.rpartition("@")[2]
        return None if tldextract.extract(domain).suffix else False

    def accepts(self, shape: Shape) -> bool:
        return shape.has_at
