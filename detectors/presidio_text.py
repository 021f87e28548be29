"""Running text through Presidio's own pipeline: spaCy's tokenizer and lemmas, Presidio's
context enhancer (with kartlegg's matching rule and counter-context), and a real NER model's
names where one is installed.

The engine uses it only where it is needed: a spaCy model with NER, or a detector plugin that
is a plain Presidio recognizer. Otherwise `detectors.text` gives the same answers without
importing Presidio or spaCy; tests hold the two together (`Engine(pipeline="presidio")`).
"""

from __future__ import annotations

from collections.abc import Sequence

from presidio_analyzer import (
    AnalyzerEngine,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from detectors import nlp
from detectors.context import (
    CONTEXT_FACTOR,
    CONTEXT_FLOOR,
    COUNTER_FACTOR,
    PREFIX_WORDS,
    SUFFIX_WORDS,
    counter_word,
    matcher_for,
)
from detectors.detection import Detection
from detectors.recognizers.adapter import presidio_recognizer
from detectors.tokens import LANGUAGE

MAX_VOCABULARY = 200_000  # strings spaCy may hold before its pipeline is reloaded
VOCAB_CHECK_EVERY = 5_000  # texts between checks


class ContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's lemma enhancer with kartlegg's matching rule (see `ContextMatcher`), and
    counter-context: words that say a match is something else lower its score."""

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        results = super().enhance_using_context(text, raw_results, nlp_artifacts, recognizers, context)
        by_id = {r.id: r for r in recognizers}
        for result in results:
            recognizer = by_id.get((result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY))
            explanation = result.analysis_explanation
            if recognizer is None or not getattr(recognizer, "COUNTER_CONTEXT", None) or nlp_artifacts is None:
                continue
            if explanation is not None and explanation.supportive_context_word:
                continue
            words = self._extract_surrounding_words(nlp_artifacts, text[result.start : result.end], result.start)
            word = counter_word(recognizer, words)
            if word:
                result.score = max(0.0, result.score - COUNTER_FACTOR)
                result.recognition_metadata["counter_context"] = word
        return results

    def _extract_surrounding_words(self, nlp_artifacts, word, start):
        # Presidio returns the words as a set, so which of two context words is named would
        # change from run to run; in order, it is the nearest before the match.
        if not nlp_artifacts.tokens:
            return [""]
        index = self._find_index_of_match_token(word, start, nlp_artifacts.tokens, nlp_artifacts.tokens_indices)
        words = self._add_n_words_backward(index, self.context_prefix_count, nlp_artifacts.lemmas,
                                           nlp_artifacts.keywords)
        words += self._add_n_words_forward(index, self.context_suffix_count, nlp_artifacts.lemmas,
                                           nlp_artifacts.keywords)
        return list(dict.fromkeys(words))

    @staticmethod
    def _find_supportive_word_in_context(context_list, recognizer_context_list, matching_mode="substring"):
        if not recognizer_context_list or not context_list:
            return ""
        return matcher_for(tuple(recognizer_context_list))(context_list) or ""


class PresidioText:
    def __init__(self, recognizers: Sequence, model: str, has_ner: bool):
        self._texts = 0
        nlp_engine = SpacyNlpEngine(
            models=[{"lang_code": LANGUAGE, "model_name": model}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=nlp.MODEL_LABELS,
                labels_to_ignore=["MISC", "PROD", "EVT", "DRV"],
            ),
        )
        registry = RecognizerRegistry(supported_languages=[LANGUAGE])
        for recognizer in recognizers:
            registry.add_recognizer(presidio_recognizer(recognizer))
        self.ner_recognizer = None
        if has_ner:
            # Only a real model finds names the gazetteer does not know; a blank one finds nothing.
            self.ner_recognizer = SpacyRecognizer(
                supported_language=LANGUAGE, supported_entities=["PERSON", "LOCATION", "ORGANIZATION"]
            )
            registry.add_recognizer(self.ner_recognizer)
        self.analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=nlp_engine,
            supported_languages=[LANGUAGE],
            context_aware_enhancer=ContextEnhancer(
                context_similarity_factor=CONTEXT_FACTOR,
                min_score_with_context_similarity=CONTEXT_FLOOR,
                context_prefix_count=PREFIX_WORDS,
                context_suffix_count=SUFFIX_WORDS,
            ),
        )

    def _bound_vocabulary(self) -> None:
        """spaCy keeps every string it has tokenised: over a log of unique ids and addresses its
        vocabulary, and the scan's memory, would grow without end. Past a bound, the pipeline is
        loaded afresh (a fraction of a second, once per some hundred thousand texts)."""
        engine = self.analyzer.nlp_engine
        pipeline = engine.nlp.get(LANGUAGE) if isinstance(getattr(engine, "nlp", None), dict) else None
        if pipeline is not None and len(pipeline.vocab.strings) > MAX_VOCABULARY:
            engine.load()

    def analyze(self, text: str, context: Sequence[str] = (), entities: Sequence[str] | None = None,
                recognizers=None) -> list[Detection]:
        self._texts += 1
        if self._texts % VOCAB_CHECK_EVERY == 0:
            self._bound_vocabulary()
        results = self.analyzer.analyze(
            text,
            language=LANGUAGE,
            entities=list(entities) if entities else None,
            context=list(context) if context else None,
            score_threshold=0,
            return_decision_process=True,
        )
        return [to_detection(text, r) for r in results]


def to_detection(text: str, result: RecognizerResult) -> Detection:
    meta = result.recognition_metadata or {}
    explanation = result.analysis_explanation
    context_word = (explanation.supportive_context_word or None) if explanation is not None else None
    extra = {k: v for k, v in meta.items() if k not in (RecognizerResult.RECOGNIZER_IDENTIFIER_KEY, RecognizerResult.RECOGNIZER_NAME_KEY)}
    return Detection(
        entity_type=result.entity_type,
        start=result.start,
        end=result.end,
        score=round(result.score, 4),
        text=text[result.start : result.end],
        recognizer=meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, "?"),
        context_word=context_word,
        metadata=extra,
    )
