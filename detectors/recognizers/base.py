"""The base class of kartlegg's pattern recognizers."""

from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from detectors.shape import Shape

LANGUAGE = "nb"


class KartleggPatternRecognizer(PatternRecognizer):
    """Pattern + check digits, where the pattern's score says how strong the written form is.

    Presidio raises every match whose ``validate_result`` returns True to score 1.0, which would
    erase the difference between ``+47 412 34 567`` and a bare 8-digit id. Here ``is_valid``
    drops a match that fails its check and keeps the pattern's own score otherwise; context
    words (in the text or the column name) then add to it.
    """

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[list[Pattern]]
    CONTEXT: ClassVar[list[str]]
    # What a match proves, for a finding's reasons.
    EVIDENCE: ClassVar[str] = "checksum-validated"
    FLAGS: ClassVar[int] = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE

    def __init__(
        self,
        supported_language: str = LANGUAGE,
        patterns: list[Pattern] | None = None,
        context: list[str] | None = None,
        name: str | None = None,
    ):
        super().__init__(
            supported_entity=self.ENTITY,
            name=name or type(self).__name__,
            supported_language=supported_language,
            patterns=list(patterns or self.PATTERNS),
            context=list(context or self.CONTEXT),
            global_regex_flags=self.FLAGS,
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if self.is_valid(pattern_text) else False

    def is_valid(self, text: str) -> bool:
        """Check digits and other rules a match must pass; override per identifier."""
        return True

    def accepts(self, shape: Shape) -> bool:
        """A necessary condition for any match: lets the fast path skip this recognizer."""
        return True

    def annotate(self, text: str, result: RecognizerResult) -> None:
        """Add what is known about one match (kind, synthetic, …) to its metadata."""

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        for result in results:
            self.annotate(text[result.start : result.end], result)
        return results
