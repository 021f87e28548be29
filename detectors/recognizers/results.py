"""What kartlegg's recognizers are made of and return, without importing Presidio.

The names and fields are Presidio's (`Pattern`, a result's `entity_type`, `start`, `end`,
`score`, `recognition_metadata`), so a recognizer reads like one of Presidio's and
`detectors.recognizers.adapter` hands it to Presidio's pipeline unchanged where that is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NAME_KEY = "recognizer_name"  # Presidio's RecognizerResult.RECOGNIZER_NAME_KEY
ID_KEY = "recognizer_identifier"  # RecognizerResult.RECOGNIZER_IDENTIFIER_KEY


@dataclass(frozen=True, slots=True)
class Pattern:
    name: str
    regex: str
    score: float


@dataclass(slots=True)
class Explanation:
    recognizer: str
    pattern_name: str | None
    pattern: str | None
    original_score: float
    textual_explanation: str | None = None
    supportive_context_word: str = ""


@dataclass(slots=True)
class Result:
    entity_type: str
    start: int
    end: int
    score: float
    analysis_explanation: Explanation | None = None
    recognition_metadata: dict = field(default_factory=dict)


class Recognizer:
    """The part of Presidio's `EntityRecognizer` the engine uses: names, entities, context
    words, a one-time `load`, and `analyze(text, entities, nlp_artifacts)`."""

    ENTITY: str
    CONTEXT: list[str] = []
    version = "0.0.1"  # what Presidio calls every recognizer that does not say

    def __init__(self, supported_entities: list[str], name: str | None = None, supported_language: str = "nb",
                 context: list[str] | None = None):
        self.supported_entities = list(supported_entities)
        self.name = name or type(self).__name__
        self.supported_language = supported_language
        self.context = list(context or [])
        self.id = f"{self.name}_{id(self)}"
        self.is_loaded = False
        self.load()  # as Presidio's EntityRecognizer does
        self.is_loaded = True

    def load(self) -> None:
        """Read what matching needs (word lists); called once before the first analyze."""

    def get_supported_entities(self) -> list[str]:
        return self.supported_entities

    def analyze(self, text: str, entities=None, nlp_artifacts=None) -> list[Result]:
        raise NotImplementedError


def result(recognizer, start: int, end: int, score: float, rule: str, pattern: str | None = None,
           metadata: dict | None = None) -> Result:
    """One match of a kartlegg recognizer as Presidio reports it: the explanation names the rule
    (and the pattern) that found it and what that proves (the recognizer's EVIDENCE)."""
    return Result(
        entity_type=recognizer.ENTITY,
        start=start,
        end=end,
        score=score,
        analysis_explanation=Explanation(recognizer.name, rule, pattern, score, f"{recognizer.EVIDENCE}: {rule}"),
        recognition_metadata={NAME_KEY: recognizer.name, ID_KEY: recognizer.id, **(metadata or {})},
    )
