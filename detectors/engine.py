"""The detection engine: Presidio, offline, with kartlegg's recognizers.

Two ways in:
- ``analyze_text`` runs the full Presidio pipeline (tokenizer, context words from the text,
  an optional NER model) and suits free text: log lines, comments, documents.
- ``analyze_values`` is the fast path for column samples: values are deduplicated, free text is
  sent to ``analyze_text``, and short values go straight to the recognizers whose cheap shape
  test they pass, with the column name as context. It returns what ``analyze_text`` would
  return with the same context, at a fraction of the cost (tests hold it to that).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from detectors import nlp, offline
from scanner.model import plugins
from detectors.recognizers.base import LANGUAGE, KartleggPatternRecognizer
from detectors.shape import Shape
from scanner.model import categories

DEFAULT_THRESHOLD = 0.5
MAX_CACHED_SHAPES = 100_000
MAX_VOCABULARY = 200_000  # strings spaCy may hold before its pipeline is reloaded
VOCAB_CHECK_EVERY = 5_000  # texts between checks
CONTEXT_FACTOR = 0.35
CONTEXT_FLOOR = 0.4

# When two detectors claim the same characters and context does not settle it, the more
# specific identifier wins (its chance of passing its check at random is lower).
PRIORITY = (
    "NO_METER_ID",
    "IBAN_CODE",
    "EMAIL_ADDRESS",
    "NO_FODSELSNUMMER",
    "CREDIT_CARD",
    "NO_METER_SERIAL",
    "NO_BANK_ACCOUNT",
    "NO_ORGANIZATION_NUMBER",
    "NO_PHONE_NUMBER",
    "IP_ADDRESS",
    "NO_ADDRESS",
    "PERSON",
)
_RANK = {name: i for i, name in enumerate(PRIORITY)}
_WORDS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Detection:
    """One match. `text` is the raw value: it stays in memory and is masked before output."""

    entity_type: str
    start: int
    end: int
    score: float
    text: str
    recognizer: str
    context_word: str | None = None
    metadata: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def category(self) -> str:
        return categories.category(self.entity_type)

    @property
    def synthetic(self) -> str | None:
        return self.metadata.get("synthetic")


def is_free_text(value: str) -> bool:
    """Sentences and long strings need the tokenizer and in-text context words."""
    if len(value) > 64:
        return True
    return sum(1 for token in value.split() if token.isalpha()) >= 4


class Engine:
    """Presidio with kartlegg's recognizers, built offline. Build once, reuse: it costs ~1 s."""

    def __init__(self, detectors: Sequence[str] | None = None, model: str | None = None):
        offline.install()
        self.plugins = plugins.select(plugins.DETECTORS, detectors)
        self._texts = 0
        self.recognizers = [plugin.create() for plugin in self.plugins]
        # Text screening needs every recognizer to say what it could match; a plugin that
        # cannot (no may_contain) turns it off.
        screens = [getattr(r, "may_contain", None) for r in self.recognizers]
        self._screens = None if any(s is None for s in screens) else screens
        for recognizer in self.recognizers:
            if not recognizer.is_loaded:
                recognizer.load()
                recognizer.is_loaded = True
        self.model, has_ner = nlp.resolve_model(model)
        nlp_engine = SpacyNlpEngine(
            models=[{"lang_code": LANGUAGE, "model_name": self.model}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=nlp.MODEL_LABELS,
                labels_to_ignore=[label for label in ("MISC", "PROD", "EVT", "DRV")],
            ),
        )
        reg = RecognizerRegistry(supported_languages=[LANGUAGE])
        for recognizer in self.recognizers:
            reg.add_recognizer(recognizer)
        self.ner_recognizer = None
        if has_ner:
            # Only a real model finds names the gazetteer does not know; a blank one finds nothing.
            self.ner_recognizer = SpacyRecognizer(
                supported_language=LANGUAGE, supported_entities=["PERSON", "LOCATION", "ORGANIZATION"]
            )
            reg.add_recognizer(self.ner_recognizer)
            self._screens = None  # a model's NER can find what no pattern screens for
        self.analyzer = AnalyzerEngine(
            registry=reg,
            nlp_engine=nlp_engine,
            supported_languages=[LANGUAGE],
            context_aware_enhancer=ContextEnhancer(
                context_similarity_factor=CONTEXT_FACTOR,
                min_score_with_context_similarity=CONTEXT_FLOOR,
                context_prefix_count=6,
                context_suffix_count=2,
            ),
        )
        # Per recognizer, decided once: its shape test and whether find() can be called directly.
        self._plan = [
            (r, isinstance(r, KartleggPatternRecognizer),
             r.could_match if isinstance(r, KartleggPatternRecognizer) else getattr(r, "accepts", None))
            for r in self.recognizers
        ]
        self._plans: dict[Shape, list] = {}
        # What a match of each entity proves, for a finding's reasons.
        self.evidence = {
            e: r.EVIDENCE for r in self.recognizers if getattr(r, "EVIDENCE", None) for e in r.supported_entities
        }

    # -- configuration, for report headers -------------------------------------------------
    def describe(self) -> dict:
        return {
            "language": LANGUAGE,
            "model": "blank" if self.ner_recognizer is None else self.model,
            "threshold": DEFAULT_THRESHOLD,
            "detectors": [
                {
                    "name": p.name,
                    "recognizer": r.name,
                    "entities": list(r.supported_entities),
                    "version": getattr(r, "version", None),
                    "distribution": p.distribution,
                }
                for p, r in zip(self.plugins, self.recognizers)
            ],
        }

    @property
    def entity_types(self) -> list[str]:
        types = {e for r in self.recognizers for e in r.supported_entities}
        if self.ner_recognizer is not None:
            types.update(self.ner_recognizer.supported_entities)
        return sorted(types)

    def _bound_vocabulary(self) -> None:
        """spaCy keeps every string it has tokenised: over a log of unique ids and addresses its
        vocabulary, and the scan's memory, would grow without end. Past a bound, the pipeline is
        loaded afresh (a fraction of a second, once per some hundred thousand texts)."""
        engine = self.analyzer.nlp_engine
        nlp = engine.nlp.get(LANGUAGE) if isinstance(getattr(engine, "nlp", None), dict) else None
        if nlp is not None and len(nlp.vocab.strings) > MAX_VOCABULARY:
            engine.load()

    # -- free text ---------------------------------------------------------------------------
    def analyze_text(
        self,
        text: str,
        threshold: float = DEFAULT_THRESHOLD,
        context: Sequence[str] | None = None,
        entities: Sequence[str] | None = None,
        resolve: bool = True,
    ) -> list[Detection]:
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
        detections = [_to_detection(text, r) for r in results]
        if resolve:
            detections = resolve_overlaps(detections)
        return [d for d in detections if d.score >= threshold]

    # -- column samples ----------------------------------------------------------------------
    def analyze_values(
        self,
        values: Iterable[object],
        context: Sequence[str] = (),
        resolve: bool = True,
    ) -> list[list[Detection]]:
        """Detections per value (threshold 0: weak matches are evidence for the column)."""
        context = [c.lower() for c in context]
        # The column's context is the same for every value: match it once per recognizer.
        column_words = {id(r): _context_word(r, context) for r in self.recognizers}
        cache: dict[str, list[Detection]] = {}
        out: list[list[Detection]] = []
        for value in values:
            if value is None:
                out.append([])
                continue
            text = value if isinstance(value, str) else str(value)
            found = cache.get(text)
            if found is None:
                found = self._analyze_value(text, context, column_words, resolve)
                cache[text] = found
            out.append(found)
        return out

    def _analyze_value(self, text: str, context: list[str], column_words: dict, resolve: bool) -> list[Detection]:
        if not text.strip():
            return []
        if is_free_text(text):
            # Most log lines hold nothing any recognizer could match: one search each says so,
            # instead of Presidio's tokenizer and context pass (a hundred times the cost).
            if self._screens is not None and not any(screen(text) for screen in self._screens):
                return []
            return self.analyze_text(text, threshold=0, context=context, resolve=resolve)
        shape = Shape.of(text)
        # Words inside a short value are context too ("tlf 41234567"), as in the full engine.
        own_words = _WORDS.findall(text.lower()) if shape.letters else ()
        detections = []
        plan = self._plans.get(shape)
        if plan is None:
            # Shape tests depend on the shape alone: decide once per shape, not once per value.
            plan = [(r, pb) for r, pb, accepts in self._plan if accepts is None or accepts(shape)]
            if len(self._plans) < MAX_CACHED_SHAPES:
                self._plans[shape] = plan
        for recognizer, pattern_based in plan:
            found = recognizer.find(text) if pattern_based else recognizer.analyze(text, recognizer.supported_entities, None)
            if not found:
                continue
            # Context only matters for a match, so it is looked up only then.
            word = column_words[id(recognizer)] or (_context_word(recognizer, own_words) if own_words else None)
            against = None if word or not own_words else counter_word(recognizer, own_words)
            for m in found:
                d = (
                    Detection(recognizer.ENTITY, m.start, m.end, _boost(m.score, word), text[m.start : m.end],
                              recognizer.name, word, m.metadata)
                    if pattern_based else _to_detection(text, m, word)
                )
                if against:
                    d = replace(d, score=round(max(0.0, d.score - COUNTER_FACTOR), 4),
                                metadata={**d.metadata, "counter_context": against})
                detections.append(d)
        return resolve_overlaps(detections) if resolve else detections


def _boost(score: float, context_word: str | None) -> float:
    if context_word is None:
        return score
    return round(min(1.0, max(score + CONTEXT_FACTOR, CONTEXT_FLOOR)), 4)


SHORT_CONTEXT_WORD = 5


class ContextMatcher:
    """Which of a recognizer's context words supports one of the nearby tokens, if any.

    Norwegian compounds need substring matching (`telefon` in `kundetelefon`), but a short word
    as a substring fires everywhere (`ring` in `levering`, `org` in `morgen`): words shorter than
    SHORT_CONTEXT_WORD must start the token (`tlf` in `tlfnr`, `ip` in `ipadresse`). Compiled
    once per word list: one regex for the long words, a `startswith` tuple for the short ones.
    """

    def __init__(self, words: tuple[str, ...]):
        words = tuple(w.lower() for w in words)
        self.short = tuple(w for w in words if len(w) < SHORT_CONTEXT_WORD)
        long = [w for w in words if len(w) >= SHORT_CONTEXT_WORD]
        self.long = re.compile("|".join(map(re.escape, long))) if long else None

    def __call__(self, tokens) -> str | None:
        for raw in tokens:
            token = raw.lower().strip(".:;,()")
            if self.long is not None and (m := self.long.search(token)):
                return m.group()
            if self.short and token.startswith(self.short):
                return next(w for w in self.short if token.startswith(w))
        return None


@lru_cache(maxsize=1024)
def matcher_for(words: tuple[str, ...]) -> ContextMatcher:
    return ContextMatcher(words)


def _context_word(recognizer, context) -> str | None:
    return matcher_for(tuple(recognizer.context or ()))(context) if recognizer.context else None


COUNTER_FACTOR = 0.4


def counter_word(recognizer, words) -> str | None:
    counter = getattr(recognizer, "COUNTER_CONTEXT", None)
    return matcher_for(tuple(counter))(words) if counter else None


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

    @staticmethod
    def _find_supportive_word_in_context(context_list, recognizer_context_list, matching_mode="substring"):
        if not recognizer_context_list or not context_list:
            return ""
        return matcher_for(tuple(recognizer_context_list))(context_list) or ""


def _to_detection(text: str, result: RecognizerResult, context_word: str | None = None) -> Detection:
    meta = result.recognition_metadata or {}
    score = result.score
    explanation = result.analysis_explanation
    if context_word is not None:
        score = _boost(score, context_word)
    elif explanation is not None and explanation.supportive_context_word:
        context_word = explanation.supportive_context_word
    extra = {k: v for k, v in meta.items() if k not in (RecognizerResult.RECOGNIZER_IDENTIFIER_KEY, RecognizerResult.RECOGNIZER_NAME_KEY)}
    return Detection(
        entity_type=result.entity_type,
        start=result.start,
        end=result.end,
        score=round(score, 4),
        text=text[result.start : result.end],
        recognizer=meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, "?"),
        context_word=context_word,
        metadata=extra,
    )


def _strength(d: Detection) -> tuple:
    return (d.context_word is not None, d.score, d.end - d.start, -_RANK.get(d.entity_type, 99))


def resolve_overlaps(detections: list[Detection]) -> list[Detection]:
    """One entity per stretch of text.

    A value that passes two checks (every valid fødselsnummer is a valid kontonummer) is
    reported once: the detection backed by context wins, then the higher score, the longer
    span and the more specific identifier. A name inside an address is part of the address.
    """
    if len(detections) < 2:
        return detections
    addresses = [d for d in detections if d.entity_type == "NO_ADDRESS"]
    if addresses:
        detections = [
            d
            for d in detections
            if d.entity_type != "PERSON" or not any(a.start <= d.start and d.end <= a.end for a in addresses)
        ]
    kept: list[Detection] = []
    for d in sorted(detections, key=_strength, reverse=True):
        if all(d.end <= k.start or d.start >= k.end for k in kept):
            kept.append(d)
    return sorted(kept, key=lambda d: (d.start, d.end))
