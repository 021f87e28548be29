"""Column classification: from a field's name, declared type and sampled values to a verdict.

One valid value proves little: about 9% of random 11-digit numbers pass the kontonummer check
and most random 8-digit numbers are dialable. A column is called by the share of its sampled
values that validate, weighed against how often a random value of that shape would, by how
strong the written form is, and by what the column's name says. Free-text columns are the
exception: they report every entity they contain.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from detectors import vocabulary
from detectors.checksums import only_digits
from detectors.engine import (
    CONTEXT_FACTOR,
    DEFAULT_THRESHOLD,
    Detection,
    Engine,
    is_free_text,
)
from scanner.model import categories
from scanner.model.masks import mask

# Share of random values of the matching shape that pass each check by chance (measured for
# the fødselsnummer family in the reference; the rest follow from the check digit). A column
# must beat chance by a wide margin before its weak matches mean anything.
CHANCE = {
    "NO_FODSELSNUMMER": 0.008,
    "NO_BANK_ACCOUNT": 0.09,
    "NO_ORGANIZATION_NUMBER": 0.02,
    "NO_PHONE_NUMBER": 0.75,
    "NO_METER_SERIAL": 0.1,
    "CREDIT_CARD": 0.1,
    "PERSON": 0.2,
}
STRONG_FORM = 0.5  # a detection's score without context: the written form alone is convincing
UNMISTAKABLE = 0.85  # forms that hold even against a column name saying "not personal"
STRONG_MIN_RATIO = 0.3
SPREAD = 100  # weak numeric matches must spread over the number space, not count up from one id
HINTED_MIN_RATIO = 0.5
UNHINTED_WEAK_MIN_RATIO = 0.9
MAX_EXAMPLES = 3
# Pairs where one value legitimately passes both checks: the column gets the more specific.
EXCLUSIVE = (("NO_FODSELSNUMMER", "NO_BANK_ACCOUNT"), ("CREDIT_CARD", "NO_METER_SERIAL"))

_NUMERIC_TYPE = re.compile(r"int|numeric|decimal|number|money", re.I)
_DIGIT_IDENTIFIERS = {"NO_FODSELSNUMMER", "NO_PHONE_NUMBER", "NO_BANK_ACCOUNT", "NO_ORGANIZATION_NUMBER",
                      "NO_METER_ID", "NO_METER_SERIAL", "CREDIT_CARD"}
_POSTAL = re.compile(r"^\d{4}$")
_PLACE = re.compile(r"^[^\W\d_]+(?:[ -][^\W\d_]+)*$")
_NAME_SHAPED = re.compile(r"^[^\W\d_]+(?:[ .'-]+[^\W\d_]+)*$")
_COMPANY = re.compile(r".*\b(?:AS|ASA|SA|ANS|DA|BA|KF|IKS|HF|SF|NUF|AB|GmbH|Ltd|Inc|LLC|Oy|ApS)\.?$")
# "Næsssvingen 973", "Øvre Bakke 12B", "Storgata 5, 0150 OSLO": words, then a house number.
_STREET_SHAPED = re.compile(r"^[^\W\d_][^\W\d_'.-]*(?:[ '.-]+[^\W\d_]+)* \d{1,4} ?[A-Za-z]?(?:,.*)?$")
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


@dataclass
class EntityVerdict:
    entity_type: str
    category: str
    hits: int
    sampled: int
    ratio: float
    confidence: float
    matched: bool
    reasons: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    fingerprints: list[str] = field(default_factory=list)
    synthetic: int = 0

    def to_dict(self) -> dict:
        return {
            "entity_type": self.entity_type,
            "category": self.category,
            "hits": self.hits,
            "sampled": self.sampled,
            "ratio": round(self.ratio, 4),
            "confidence": round(self.confidence, 3),
            "matched": self.matched,
            "reasons": self.reasons,
            "examples": self.examples,
            "fingerprints": self.fingerprints,
            "synthetic": self.synthetic,
        }


@dataclass
class ColumnClassification:
    name: str
    declared_type: str | None
    sampled: int
    free_text: bool
    entities: dict[str, EntityVerdict]

    def findings(self, min_confidence: float = DEFAULT_THRESHOLD) -> list[EntityVerdict]:
        found = [v for v in self.entities.values() if v.matched and v.confidence >= min_confidence]
        return sorted(found, key=lambda v: -v.confidence)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "declared_type": self.declared_type,
            "sampled": self.sampled,
            "free_text": self.free_text,
            "entities": {k: v.to_dict() for k, v in self.entities.items()},
        }


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value)
    if isinstance(value, bytes):
        return None
    text = value if isinstance(value, str) else str(value)
    return text if text.strip() else None


def _variants(text: str) -> list[str]:
    """Forms an identifier may have had before numeric storage mangled it."""
    out = [text]
    if len(text) == 10 and text.isdigit():
        out.append("0" + text)  # fødselsnummer born on day 01-09 in a BIGINT column
        if text.startswith("47"):
            out.append("+" + text)  # phone with country code, stored as a number
    return out


@dataclass
class _Tally:
    hits: int = 0
    strong: int = 0
    context: int = 0
    score_sum: float = 0.0
    synthetic: int = 0
    mobile: int = 0
    padded: int = 0
    unmistakable: int = 0
    numbers: list[int] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


def classify_column(
    name: str,
    declared_type: str | None,
    values: Sequence[object],
    engine: Engine,
    neighbours: Sequence[str] = (),
    fingerprint: Callable[[str, str], str] | None = None,
    free_text: bool | None = None,
) -> ColumnClassification:
    """Classify one field. `neighbours` are the other field names of the same table.

    `free_text` says the values are running text whatever they look like (the lines of a log or
    a note, where even one hit is a finding); None judges it from the values.
    """
    texts = [t for t in (_as_text(v) for v in values) if t is not None]
    n = len(texts)
    numeric = bool(declared_type and _NUMERIC_TYPE.search(declared_type)) or (
        n > 0 and all(isinstance(v, (int, Decimal)) for v in values if v is not None)
    )
    name_hint = vocabulary.hint(name)
    context = vocabulary.context_words(name)
    if free_text is None:
        free_text = n > 0 and sum(map(is_free_text, texts)) * 2 > n
    free_text = free_text and n > 0

    tallies: dict[str, _Tally] = defaultdict(_Tally)
    variant_lists = [_variants(text) for text in texts]
    flat = [v for variants in variant_lists for v in variants]
    analysed = iter(engine.analyze_values(flat, context=context, resolve=free_text))
    for variants in variant_lists:
        best: dict[str, tuple[Detection, bool]] = {}
        for i in range(len(variants)):
            for d in next(analysed):
                if d.entity_type not in best or d.score > best[d.entity_type][0].score:
                    best[d.entity_type] = (d, i > 0)
        for entity, (d, padded) in best.items():
            t = tallies[entity]
            base = d.score - CONTEXT_FACTOR if d.context_word else d.score
            if free_text and d.score < DEFAULT_THRESHOLD:
                continue  # in prose only what would be reported counts
            t.hits += 1
            t.score_sum += d.score
            t.strong += base >= STRONG_FORM - 1e-9
            t.unmistakable += base >= UNMISTAKABLE - 1e-9
            digits = only_digits(d.text)
            if digits and len(t.numbers) < 1000:
                t.numbers.append(int(digits))
            t.context += d.context_word is not None
            t.synthetic += bool(d.synthetic)
            t.mobile += d.metadata.get("phone_type") == "mobile"
            t.padded += padded
            if len(t.examples) < MAX_EXAMPLES and d.text not in t.examples:
                t.examples.append(d.text)

    verdicts: dict[str, EntityVerdict] = {}
    for entity, t in tallies.items():
        if t.hits == 0:
            continue
        verdict = (_free_text_verdict if free_text else _structured_verdict)(entity, t, n, name_hint, engine.evidence)
        verdict.synthetic = t.synthetic
        if t.padded:
            verdict.reasons.append(f"{t.padded} value(s) matched after restoring a leading zero lost to numeric storage")
        elif numeric and verdict.matched and entity in _DIGIT_IDENTIFIERS:
            verdict.reasons.append(f"stored as a number ({declared_type}): no formatting to go by")
        verdict.examples = [mask(entity, e) for e in t.examples]
        if fingerprint is not None:
            verdict.fingerprints = [fingerprint(entity, e) for e in t.examples]
        verdicts[entity] = verdict

    for entity in name_hint.entities if not name_hint.negative else ():
        if entity not in verdicts or not verdicts[entity].matched:
            shaped = _shape_supported(entity, name, texts, neighbours)
            if shaped is not None:
                verdicts[entity] = shaped
            elif entity not in verdicts and n:
                verdicts[entity] = EntityVerdict(
                    entity, categories.category(entity), 0, n, 0.0, 0.3, False,
                    [f"column name ({', '.join(name_hint.keys)}) but no sampled value matches"],
                )
    if not free_text:  # in prose the two entities sit in different rows
        _settle_exclusive(verdicts, name_hint)
    return ColumnClassification(name, declared_type, n, free_text, verdicts)


def _structured_verdict(entity: str, t: _Tally, n: int, name_hint, evidence_of: dict) -> EntityVerdict:
    ratio = t.hits / n
    hinted = name_hint.supports(entity)
    reasons = [f"{t.hits}/{n} sampled values are valid {entity}"]
    evidence = evidence_of.get(entity)
    if evidence:
        reasons[0] += f" ({evidence})"
    if hinted:
        reasons.append(f"column-name vocabulary ({', '.join(name_hint.keys)})")
    matched = False
    confidence = 0.0
    strong = (t.unmistakable if name_hint.negative and not hinted else t.strong) / t.hits
    if strong >= 0.5 and ratio >= STRONG_MIN_RATIO:
        matched = True
        confidence = 0.6 + 0.35 * min(1.0, ratio / 0.8) + (0.04 if hinted else 0.0)
        reasons.append("written form is unambiguous")
    elif hinted and ratio >= HINTED_MIN_RATIO:
        matched = True
        confidence = 0.5 + 0.4 * min(1.0, ratio / 0.8)
    elif not name_hint.negative and ratio >= UNHINTED_WEAK_MIN_RATIO and _beats_chance(entity, t, ratio):
        matched = True
        confidence = 0.55 + 1.5 * (ratio - UNHINTED_WEAK_MIN_RATIO)
        reasons.append("nearly every sampled value validates, far above chance, spread like real identifiers")
    if not matched:
        confidence = min(0.45, ratio * 0.5 + (0.1 if hinted else 0.0))
        if name_hint.negative:
            reasons.append(f"column name says otherwise ({', '.join(name_hint.keys)})")
        elif ratio < HINTED_MIN_RATIO:
            reasons.append("too few values validate to call the column (chance matches)")
    return EntityVerdict(entity, categories.category(entity), t.hits, n, ratio, min(confidence, 0.99), matched, reasons)


def _beats_chance(entity: str, t: _Tally, ratio: float) -> bool:
    """Weak matches without a column name: far above the chance pass rate, and not a run of ids."""
    if t.numbers and (max(t.numbers) - min(t.numbers)) < SPREAD * len(t.numbers):
        return False  # consecutive ids (40000001, 40000002, …) pass checks without being identifiers
    if entity == "NO_PHONE_NUMBER":
        # Most random 8-digit numbers are dialable, but only ~22% are mobile; people's numbers
        # in customer data are mostly mobile.
        return t.mobile / t.hits >= 0.6
    return ratio >= 3 * CHANCE.get(entity, 0.0)


def _free_text_verdict(entity: str, t: _Tally, n: int, name_hint, evidence_of: dict) -> EntityVerdict:
    mean = t.score_sum / t.hits
    confidence = mean * (0.75 + 0.25 * min(1.0, t.hits / 3))
    reasons = [f"free text: {t.hits}/{n} sampled values contain {entity}"]
    if t.context:
        reasons.append("context words near the value")
    return EntityVerdict(entity, categories.category(entity), t.hits, n, t.hits / n, min(confidence, 0.99), True, reasons)


def _shape_supported(entity, name, texts, neighbours) -> EntityVerdict | None:
    """Fields the recognizers cannot judge value by value, but the name and the shape can."""
    n = len(texts)
    if not n:
        return None
    reason = None
    confidence = 0.0

    def share(pattern) -> float:
        return sum(1 for t in texts if pattern.match(t.strip())) / n

    if entity == "NO_ADDRESS" and vocabulary.postal_code_key(name) and share(_POSTAL) >= 0.8:
        reason, confidence = "column name and 4-digit postnummer values", 0.75
    elif entity == "NO_ADDRESS" and vocabulary.place_key(name) and share(_PLACE) >= 0.8:
        reason, confidence = "column name and place-name values", 0.6
    elif entity == "NO_ADDRESS" and vocabulary.street_key(name) and share(_STREET_SHAPED) >= 0.8:
        reason, confidence = "column name and street-shaped values (name + house number)", 0.7
    elif entity == "PERSON" and share(_NAME_SHAPED) >= 0.8 and share(_COMPANY) < 0.2:
        reason, confidence = "column name and name-shaped values", 0.6
    elif entity == "METER_READING" and share(_NUMBER) >= 0.8:
        reason, confidence = "column name and numeric readings", 0.6
        meter_or_customer = [
            nb for nb in neighbours
            if vocabulary.hint(nb).entities & {"NO_METER_ID", "NO_METER_SERIAL", "NO_FODSELSNUMMER"}
            or re.search(r"kunde|customer|malepunkt|meter", vocabulary.normalise(nb))
        ]
        if meter_or_customer:
            confidence = 0.8
            reason += f" next to {meter_or_customer[0]!r}"
    if reason is None:
        return None
    return EntityVerdict(entity, categories.category(entity), 0, n, 0.0, confidence, True, [reason])


def _settle_exclusive(verdicts: dict[str, EntityVerdict], name_hint) -> None:
    for a, b in EXCLUSIVE:
        va, vb = verdicts.get(a), verdicts.get(b)
        if not (va and vb and va.matched and vb.matched):
            continue
        # `a` is the more specific: it wins unless only `b` is backed by the column name or
        # `b` validates clearly more often.
        b_named = name_hint.supports(b) and not name_hint.supports(a)
        if b_named or vb.ratio > va.ratio * 1.25:
            loser, winner = va, vb
        else:
            loser, winner = vb, va
        loser.matched = False
        loser.confidence = min(loser.confidence, 0.45)
        loser.reasons.append(f"the same values are better explained as {winner.entity_type}")
