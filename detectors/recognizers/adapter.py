"""kartlegg's recognizers as Presidio recognizers, for Presidio's own pipeline (a spaCy model
with NER, and the tests that hold kartlegg's text path to Presidio's). Imports Presidio."""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult


class PresidioAdapter(EntityRecognizer):
    def __init__(self, recognizer):
        self.inner = recognizer
        self.COUNTER_CONTEXT = getattr(recognizer, "COUNTER_CONTEXT", [])
        super().__init__(
            supported_entities=list(recognizer.supported_entities),
            name=recognizer.name,
            supported_language=recognizer.supported_language,
            context=list(recognizer.context or []),
            version=getattr(recognizer, "version", "0.0.1"),
        )

    def load(self) -> None:
        if not self.inner.is_loaded:
            self.inner.load()
            self.inner.is_loaded = True

    def analyze(self, text, entities, nlp_artifacts=None):
        out = []
        for r in self.inner.analyze(text, entities, nlp_artifacts):
            e = r.analysis_explanation
            explanation = AnalysisExplanation(
                recognizer=self.name,
                original_score=e.original_score if e else r.score,
                pattern_name=e.pattern_name if e else None,
                pattern=e.pattern if e else None,
                textual_explanation=e.textual_explanation if e else None,
            )
            meta = dict(r.recognition_metadata or {})
            meta[RecognizerResult.RECOGNIZER_NAME_KEY] = self.name
            meta[RecognizerResult.RECOGNIZER_IDENTIFIER_KEY] = self.id
            out.append(RecognizerResult(r.entity_type, r.start, r.end, r.score, explanation, meta))
        return out


def presidio_recognizer(recognizer) -> EntityRecognizer:
    """The recognizer itself if it is Presidio's, else an adapter around it."""
    return recognizer if isinstance(recognizer, EntityRecognizer) else PresidioAdapter(recognizer)
