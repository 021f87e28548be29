"""The detection engine: kartlegg's recognizers, offline, at the speed of the regex engine.

Two ways in:
- ``analyze_text`` judges running text (log lines, comments, documents): the recognizers a
  screen lets through, context words from the tokens around a match (spaCy's tokenization
  and Presidio's context rule, see `detectors.text`), counter-context, overlaps resolved.
- ``analyze_values`` judges a column sample or a batch of log lines: values are
  deduplicated, one multi-pattern pass over the whole batch (`detectors.screen`) says which
  recognizers may match which value, free text goes on to ``analyze_text`` and short values
  straight to the recognizers whose shape test they pass, with the column name as context.
  Values analysed before with the same context words (a log's client addresses, batch after
  batch) are answered from what the engine remembers.

Presidio's own pipeline (`detectors.presidio_text`) is used where it adds something: a spaCy
model with NER, or a detector plugin that is a plain Presidio recognizer (`pipeline`). The
answers are the same either way (tests hold the two to each other on the quality corpora).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from detectors import nlp, plans
from detectors.context import (
    CONTEXT_FACTOR,  # noqa: F401 - part of the engine's interface (detectors.column)
    COUNTER_FACTOR,
    ContextMatcher,  # noqa: F401
    boost,
    context_word,
    matchers,
)
from detectors.detection import PRIORITY, Detection, is_free_text, resolve_overlaps  # noqa: F401
from detectors.recognizers.base import KartleggPatternRecognizer
from detectors.screen import Screen
from detectors.shape import Shape
from detectors.text import TextAnalyzer, hits
from detectors.tokens import LANGUAGE
from scanner.model import plugins

DEFAULT_THRESHOLD = 0.5
MAX_CACHED_PLANS = 100_000
MAX_NUMBER = 64  # a longer number is free text (detection.is_free_text)
# Values whose detections are kept for the next batch of the same field: a log's client addresses,
# user agents and paths come back batch after batch. Bounded in values and in their characters
# (a value may be a 4,096-character piece of a log line): about 0.6 kB a value besides its text,
# so ~10 MB and 4 MB of text at most. When full, everything kept is let go and it fills again.
MAX_REMEMBERED = 16_384
MAX_REMEMBERED_CHARS = 4_000_000
KARTLEGG, PRESIDIO = "kartlegg", "presidio"
_WORDS = re.compile(r"[^\W\d_]+")
_NOTHING_KEPT: dict = {}  # never written to
_NONE_FOUND: list = []  # what a value with no detection is remembered with; never handed out or added to


class Engine:
    """Build once, reuse. A scan analyses values in one thread at a time (it holds
    `scanner.scan.unit._detecting`); `analyze_text` keeps no memory and may be called beside it.
    `pipeline`: "kartlegg" (default without an NER model) or "presidio"."""

    def __init__(self, detectors: Sequence[str] | None = None, model: str | None = None,
                 pipeline: str | None = None):
        self.plugins = plugins.select(plugins.DETECTORS, detectors)
        self.recognizers = [plugin.create() for plugin in self.plugins]
        for recognizer in self.recognizers:
            if not recognizer.is_loaded:
                recognizer.load()
                recognizer.is_loaded = True
        self._model, self.has_ner = nlp.resolve_model(model)
        foreign = any(plans.is_presidio_class(r) for r in self.recognizers)
        self.pipeline = pipeline or (PRESIDIO if self.has_ner or foreign else KARTLEGG)
        if self.pipeline not in (KARTLEGG, PRESIDIO):
            raise ValueError(f"pipeline must be {KARTLEGG!r} or {PRESIDIO!r}, not {pipeline!r}")
        self.screen = Screen(self.recognizers)
        self.text = TextAnalyzer(self.recognizers)
        self._presidio = None
        self.ner_recognizer = None
        if self.pipeline == PRESIDIO:
            self._presidio = self._build_presidio()
            self.ner_recognizer = self._presidio.ner_recognizer
        # Per recognizer, decided once: its shape test.
        self._plan = [
            (i, r, r.could_match if isinstance(r, KartleggPatternRecognizer) else getattr(r, "accepts", None))
            for i, r in enumerate(self.recognizers)
        ]
        self._plans: dict[frozenset, list] = {}  # the recognizers a screen named -> those asked
        self._number_plans: dict[int, list[tuple]] = {}  # a number's length -> plans.number_plan
        self._screened = {i for i, _ in self.screen.screened}
        # Numbers skip the screen only where every screen is kartlegg's own, each held by tests to
        # let through every match of its recognizer: a plugin's screen may be stricter than its
        # patterns, and then it decides what the plugin finds.
        self._numbers_unscreened = all(plans.is_own(self.recognizers[i]) for i, _ in self.screen.screened)
        # (context words, resolve) -> value -> its detections (nothing found too: as costly to
        # find again). Only with kartlegg's own recognizers, whose answers are a function of the
        # value and the context alone (as a spaCy model's NER is): a third-party one may keep
        # state or ask something that changes.
        self._remembered: dict[tuple, dict[str, list[Detection]]] = {}
        self._remembered_values = self._remembered_chars = 0
        self._remembers = all(map(plans.is_own, self.recognizers))
        # Recognizers whose matches are read as they are (`plans.find_method`; `text.hits` wraps them
        # in objects running text needs, a cost per match the short-value path does without)
        self._finds = {id(r): (r.ENTITY, plans.find_method(r)) for r in self.recognizers
                       if plans.find_method(r) is not None}
        # ... those of kartlegg's own whose `find_screened` answers as their `find`: it skips their
        # prefilter for a value a screen named them for (a plugin's prefilter, like its screen, may
        # be stricter than its patterns, and then it decides)
        self._prefiltered = {id(r) for r in self.recognizers if plans.is_own(r) and plans.screened_is_find(r)}
        # ... and those that answer for many values in one call, as find_screened does for each
        self._batched = {id(r) for r in self.recognizers if id(r) in self._prefiltered and plans.batched(r)}
        # Each recognizer's context and counter-context words, matched by one matcher each, looked
        # up once here (a value's own words are matched for every match): a recognizer's words are
        # read when the engine is built, as Presidio reads them when its registry is
        self._context = {id(r): matchers(r) for r in self.recognizers}
        # What a match of each entity proves, for a finding's reasons.
        self.evidence = {
            e: r.EVIDENCE for r in self.recognizers if getattr(r, "EVIDENCE", None) for e in r.supported_entities
        }

    def warm(self) -> Engine:
        """Do now what the first values would otherwise pay for: every pattern compiled, the
        name gazetteer's literal database loaded (where cached), the public-suffix list loaded,
        the tokenizer's rules compiled (~0.8 s). A one-sentence `detect` wants none of it; a
        detection process and a benchmark want all of it first."""
        for recognizer in self.recognizers:
            if isinstance(recognizer, KartleggPatternRecognizer):
                recognizer.compile()
        self.screen.warm()  # cached literal databases only: see detectors.literals
        self.analyze_text("Kari Nordmann, kari@example.no, tlf 41234567", threshold=0)
        self.text.tokenizer  # noqa: B018 - built on first use
        return self

    def _build_presidio(self):
        from detectors.presidio_text import PresidioText

        return PresidioText(self.recognizers, nlp.model_path(self._model), self.has_ner)

    @property
    def model(self) -> str:
        """What spaCy loads for Presidio's pipeline (the blank one is saved on first use)."""
        return nlp.model_path(self._model)

    @property
    def analyzer(self):
        """Presidio's AnalyzerEngine, for code that wants Presidio itself (built on first use)."""
        if self._presidio is None:
            self._presidio = self._build_presidio()
        return self._presidio.analyzer

    # -- configuration, for report headers -------------------------------------------------
    def describe(self) -> dict:
        return {
            "language": LANGUAGE,
            "model": "blank" if self.ner_recognizer is None else self._model,
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

    # -- free text ---------------------------------------------------------------------------
    def analyze_text(
        self,
        text: str,
        threshold: float = DEFAULT_THRESHOLD,
        context: Sequence[str] | None = None,
        entities: Sequence[str] | None = None,
        resolve: bool = True,
        candidates: set[int] | None = None,
    ) -> list[Detection]:
        """`candidates`: the recognizers (indices) a screen of this text already named."""
        if self._presidio is not None and self.pipeline == PRESIDIO:
            detections = self._presidio.analyze(text, context or (), entities)
        else:
            if candidates is None:
                candidates = self.screen.candidates([text])[0]
            if not candidates:
                return []
            chosen = [r for i, r in enumerate(self.recognizers) if i in candidates]
            detections = self.text.analyze(text, context or (), entities, chosen)
        if resolve:
            detections = resolve_overlaps(detections)
        return [d for d in detections if d.score >= threshold]

    # -- column samples and batches of lines ------------------------------------------------
    def analyze_values(
        self,
        values: Iterable[object],
        context: Sequence[str] = (),
        resolve: bool = True,
    ) -> list[list[Detection]]:
        """Detections per value (threshold 0: weak matches are evidence for the column)."""
        texts = [None if v is None else (v if isinstance(v, str) else str(v)) for v in values]
        found = self.detections_by_text([t for t in texts if t is not None and t.strip()], context, resolve)
        return [found.get(t, []) for t in texts]  # None is never a key

    def detections_by_text(self, texts: Sequence[str], context: Sequence[str] = (),
                           resolve: bool = True) -> dict[str, list[Detection]]:
        """`analyze_values` of non-blank strings, for the distinct texts with a detection alone
        (most values of a log have none: no list made for each), in no particular order. A value
        analysed before with the same context is answered with the detections found then: the
        same lists, so callers treat them as immutable, as they treat detections."""
        context = [c.lower() for c in context]
        key = (tuple(context), resolve)
        memo = self._remembered.get(key, _NOTHING_KEPT)
        found: dict[str, list[Detection]] = {}
        distinct = []  # the values not analysed before (with this context)
        for text in dict.fromkeys(texts):
            known = memo.get(text)
            if known is None:
                distinct.append(text)
            elif known:
                found[text] = known
        if not distinct:  # every value met before (a log's next batch of a repeating field)
            return found
        # The column's context is the same for every value: match it once per recognizer.
        column_words = {id(r): context_word(r, context) for r in self.recognizers}
        analysed: dict[str, list[Detection]] = {}
        numbers = [text for text in distinct if text.isdigit()] if self._numbers_unscreened else None
        if numbers:  # bare numbers (most of a database's values), a length at a time
            numbers = [text for text in numbers if text.isascii() and len(text) <= MAX_NUMBER]
            self._analyze_numbers(numbers, column_words, resolve, analysed)
            if numbers:
                taken = set(numbers)
                distinct = [text for text in distinct if text not in taken]
        if self.ner_recognizer is not None:  # a model's NER finds what no screen knows of: every text
            for text, cand in zip(distinct, self.screen.candidates(distinct)):
                if cand or is_free_text(text):
                    analysed[text] = self._analyze_value(text, cand, context, column_words, resolve)
        else:
            named = self.screen.hits(distinct)
            alike: dict[frozenset, list[str]] = {}  # short values by the recognizers named for them
            for j in sorted(named):
                cand = named[j]
                if cand:  # a non-ASCII digit lets a value through to screens that may all be Unicode ones
                    text = distinct[j]
                    if is_free_text(text):
                        analysed[text] = self.analyze_text(text, threshold=0, context=context, resolve=resolve,
                                                           candidates=cand)
                    else:
                        alike.setdefault(frozenset(cand), []).append(text)
            for cand, texts in alike.items():
                self._analyze_short(texts, cand, column_words, resolve, analysed)
        if self._remembers and analysed:
            self._remember(key, analysed)
        found.update(analysed)
        return {t: d for t, d in found.items() if d}

    def _remember(self, key: tuple, analysed: dict[str, list[Detection]]) -> None:
        """`analysed` kept for the next batch with this context, within the bounds (when full,
        everything kept is let go first, by replacing the dict: nothing iterates over it)."""
        chars = sum(map(len, analysed))
        if len(analysed) > MAX_REMEMBERED or chars > MAX_REMEMBERED_CHARS:
            return  # more than all of it: what the other fields keep stays
        if (self._remembered_values + len(analysed) > MAX_REMEMBERED
                or self._remembered_chars + chars > MAX_REMEMBERED_CHARS):
            self.forget()
        memo = self._remembered.get(key)
        if memo is None:
            memo = self._remembered[key] = {}
        memo.update(analysed)
        self._remembered_values += len(analysed)
        self._remembered_chars += chars

    def forget(self) -> None:
        """Let go of the values remembered (at the end of a scan: they are what it found)."""
        self._remembered = {}
        self._remembered_values = self._remembered_chars = 0

    def _analyze_value(self, text: str, cand: set[int], context: list[str], column_words: dict,
                       resolve: bool) -> list[Detection]:
        if is_free_text(text):
            return self.analyze_text(text, threshold=0, context=context, resolve=resolve, candidates=cand)
        analysed: dict[str, list[Detection]] = {}
        self._analyze_short([text], frozenset(cand), column_words, resolve, analysed)
        return analysed[text]

    def _analyze_short(self, texts: list[str], cand: frozenset, column_words: dict, resolve: bool,
                       analysed: dict[str, list[Detection]]) -> None:
        """`_analyze_value` of short texts (none free text) that a screen named the same
        recognizers for, into `analysed`: each recognizer over them all, a kartlegg pattern
        recognizer in one call (`find_screened_many`)."""
        found: dict[str, list[Detection]] = {}
        plan = self._plans.get(cand)
        if plan is None:
            plan = plans.short_plan(self._plan, cand)
            if len(self._plans) < MAX_CACHED_PLANS:
                self._plans[cand] = plan
        for recognizer, accepts, own in plan:
            if accepts is None:
                asked = texts
            elif own:  # see plans.short_plan: an ASCII value's Shape says what the patterns see
                asked = [text for text in texts if text.isascii() or accepts(Shape.of(text))]
            else:
                asked = [text for text in texts if accepts(Shape.of(text))]
            key = id(recognizer)
            column_word = column_words[key]
            if key in self._batched:
                entity = self._finds[key][0]
                for text, matches in recognizer.find_screened_many(asked):
                    detections = found.get(text)
                    if detections is None:
                        detections = found[text] = []
                    self._add(recognizer, entity, text, matches, column_word, None, detections)
            else:
                self._detect_each(recognizer, asked, column_word, None, found, screened=True)
        self._settle(texts, found, resolve, analysed)

    def _detect_each(self, recognizer, texts: list[str], column_word: str | None, own_words,
                     found: dict[str, list[Detection]], screened: bool = False) -> None:
        """`_detect` of each text, into `found` (a list made only for a text with a detection)."""
        for text in texts:
            detections = found.get(text) or []
            self._detect(recognizer, text, column_word, own_words, detections, screened)
            if detections:
                found[text] = detections

    @staticmethod
    def _settle(texts: list[str], found: dict[str, list[Detection]], resolve: bool,
                analysed: dict[str, list[Detection]]) -> None:
        """Each text's answer into `analysed`: its detections found (overlaps resolved), else the
        one shared empty answer most values get (never handed out: see detections_by_text)."""
        analysed.update(dict.fromkeys(texts, _NONE_FOUND))
        for text, detections in found.items():
            if detections:
                analysed[text] = resolve_overlaps(detections) if resolve else detections

    def _detect(self, recognizer, text: str, column_word: str | None, own_words, detections: list,
                screened: bool = False) -> None:
        """One recognizer's detections in a short value, appended to `detections`. `own_words`:
        the value's words, or None to find them here if a match needs them. `screened`: a
        screen (or `may_contain`) named this recognizer for the value, so kartlegg's own pattern
        recognizers skip their prefilter, a second necessary condition of the same match."""
        key = id(recognizer)
        finder = self._finds.get(key)
        if finder is not None:  # its matches as they are, metadata its own
            entity, method = finder
            matches = (recognizer.find_screened if screened and key in self._prefiltered
                       else getattr(recognizer, method))(text)
        else:
            entity = None
            matches = hits(recognizer, text, recognizer.supported_entities)
        if matches:
            self._add(recognizer, entity, text, matches, column_word, own_words, detections)

    def _add(self, recognizer, entity: str | None, text: str, matches, column_word: str | None, own_words,
             detections: list) -> None:
        """A recognizer's matches in a short value as detections, appended to `detections`:
        context from the column, else from the value's own words (None: found here)."""
        key = id(recognizer)
        # Context only matters for a match, so it is looked up only then. Words inside a short
        # value are context too ("tlf 41234567"), as in running text.
        word = against = None
        if column_word:
            word = column_word
        else:
            if own_words is None:
                own_words = () if text.isdigit() else _WORDS.findall(text.lower())
            if own_words:
                supports, counters = self._context[key]
                word = supports(own_words) if supports is not None else None
                against = None if word or counters is None else counters(own_words)
        name = recognizer.name
        for m in matches:
            start, end = m.start, m.end
            d = Detection(m.entity_type if entity is None else entity, start, end, boost(m.score, word),
                          text[start:end], name, word, m.metadata)
            if against:
                d = replace(d, score=round(max(0.0, d.score - COUNTER_FACTOR), 4),
                            metadata={**d.metadata, "counter_context": against})
            detections.append(d)

    def _analyze_numbers(self, numbers: list[str], column_words: dict, resolve: bool,
                         analysed: dict[str, list[Detection]]) -> None:
        """`_analyze_value` of texts of ASCII digits (none of them free text), into `analysed`,
        for those a recognizer could match. Every such text of one length has the same shape, so
        the same recognizers look at them, each over them all; a recognizer's whole-number
        pattern and check (`find_numbers`) without a call of `find` per value. No screen: for a
        number the recognizers' own patterns cost about what the screen's callbacks did, and a
        screen only ever rules out what they would not match."""
        by_length: dict[int, list[str]] = {}
        for text in numbers:
            by_length.setdefault(len(text), []).append(text)
        for n, texts in by_length.items():
            plan = self._number_plans.get(n)
            if plan is None:
                plan = self._number_plans[n] = plans.number_plan(self._plan, self._screened, n)
            if not plan:
                continue
            found: dict[str, list[Detection]] = {}
            for recognizer, may, whole in plan:
                asked = texts if may is None else [text for text in texts if may(text)]
                word = column_words[id(recognizer)]
                if whole:
                    entity, name = recognizer.ENTITY, recognizer.name
                    for text, score, metadata in recognizer.find_numbers(asked):
                        detection = Detection(entity, 0, n, boost(score, word), text, name, word, metadata)
                        if (detections := found.get(text)) is None:
                            found[text] = [detection]
                        else:
                            detections.append(detection)
                else:
                    self._detect_each(recognizer, asked, word, (), found)
            self._settle(texts, found, resolve, analysed)
