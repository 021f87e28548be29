"""Column classification: from a field's name, declared type and sampled values to a verdict.

One valid value proves little: about 9% of random 11-digit numbers pass the kontonummer check
and most random 8-digit numbers are dialable. A column is called by the share of its sampled
values that validate, weighed against how often a random value of that shape would, by how
strong the written form is, and by what the column's name says. Free-text columns are the
exception: they report every entity they contain.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from functools import reduce
from itertools import compress, islice
from operator import add
from urllib.parse import unquote

from detectors import field_shapes, vocabulary
from detectors import sketch as sketches
from detectors.checksums import only_digits
from detectors.engine import (
    CONTEXT_FACTOR,
    DEFAULT_THRESHOLD,
    Detection,
    Engine,
    is_free_text,
)
from detectors.field_rules import (  # noqa: F401 - CHANCE is part of the classifier's interface
    CHANCE,
    CHANCE_IN_TEXT,
    Tally,
    chance_in_text,
    measured_beside_meter,
    place_in_address,
    role_mailboxes,
    shape_supported,
    versions,
)
from detectors.roles import network_prefix, organisation_account, organisation_phone
from detectors.verdicts import ColumnClassification, EntityVerdict, demote  # noqa: F401 - re-exported
from scanner.model import categories
from scanner.model.masks import mask

STRONG_FORM = 0.5  # a detection's score without context: the written form alone is convincing
UNMISTAKABLE = 0.85  # forms that hold even against a column name saying "not personal"
STRONG_MIN_RATIO = 0.3
SPREAD = 100  # weak numeric matches must spread over the number space, not count up from one id
HINTED_MIN_RATIO = 0.5
# A field of many kinds (an attribute/value table's `value`, a `data` column): an unmistakable
# written form counts at a small share, as long as there are a few of them.
MIXED_MIN_RATIO = 0.05
MIXED_MIN_HITS = 3
UNHINTED_WEAK_MIN_RATIO = 0.9
MAX_EXAMPLES = 3
MAX_NUMBERS = 1000  # a tally's numbers, for the spread of weak matches: the first ones met
# Pairs where one value legitimately passes both checks: the column gets the more specific.
EXCLUSIVE = (("NO_FODSELSNUMMER", "NO_BANK_ACCOUNT"), ("CREDIT_CARD", "NO_METER_SERIAL"))

_NUMERIC_TYPE = re.compile(r"int|numeric|decimal|number|money", re.I)
_DIGIT_IDENTIFIERS = {"NO_FODSELSNUMMER", "NO_PHONE_NUMBER", "NO_BANK_ACCOUNT", "NO_ORGANIZATION_NUMBER",
                      "NO_METER_ID", "NO_METER_SERIAL", "CREDIT_CARD"}


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
    if set(map(type, values)) == {str}:  # a log's or a text column's values: no conversion to make
        texts = [v for v in values if v.strip()]
    else:
        texts = [t for t in (_as_text(v) for v in values) if t is not None]
    n = len(texts)
    numeric = bool(declared_type and _NUMERIC_TYPE.search(declared_type)) or (
        n > 0 and all(isinstance(v, (int, Decimal)) for v in values if v is not None)
    )
    name_hint = vocabulary.hint(name)
    context = vocabulary.context_words(name)
    url = False
    if free_text is None:
        # judged once per distinct value: a log field repeats a few values over thousands of lines
        free_text = n > 0 and sum(c for t, c in Counter(texts).items() if is_free_text(t)) * 2 > n
        # Identifiers in a URL's path or query string are judged where they sit, as in a log line.
        url = not free_text and field_shapes.url_field(texts)
        if url:
            free_text = True
            texts = [unquote(t) if "%" in t else t for t in texts]
    free_text = free_text and n > 0

    # Each distinct value, then the forms numeric storage may have mangled it from.
    variants = {text: _variants(text)[1:] for text in dict.fromkeys(texts) if len(text) == 10 and text.isdigit()}
    flat = texts + [form for forms in variants.values() for form in forms] if variants else texts
    found = engine.detections_by_text(flat, context=context, resolve=free_text)
    tallies = _tallies(texts, found, variants, free_text)

    verdicts: dict[str, EntityVerdict] = {}
    for entity, t in tallies.items():
        if t.hits == 0:
            continue
        verdict = (_free_text_verdict if free_text else _structured_verdict)(entity, t, n, name_hint, engine.evidence)
        verdict.synthetic = t.synthetic
        if free_text and entity in CHANCE_IN_TEXT:
            chance_in_text(verdict, t, texts)
        if (entity == "IP_ADDRESS" and verdict.matched and not name_hint.supports(entity)
                and not vocabulary.network_word(name) and not (free_text and t.context)):
            versions(verdict, texts, free_text)
        if entity == "IP_ADDRESS" and verdict.matched and not free_text:
            # a DHCP scope, a route, a firewall object: ranges of hosts, none of them anyone's address
            demote(verdict, field_shapes.network_field(texts))
        if t.role:
            role_mailboxes(verdict, t)
        if url:
            verdict.reasons.append("values are URLs: identifiers judged where they sit in the path or query")
        if t.padded:
            verdict.reasons.append(f"{t.padded} value(s) matched after restoring a leading zero lost to numeric storage")
        elif numeric and verdict.matched and entity in _DIGIT_IDENTIFIERS:
            verdict.reasons.append(f"stored as a number ({declared_type}): no formatting to go by")
        verdict.examples = [mask(entity, e) for e in t.examples]
        if fingerprint is not None:
            verdict.fingerprints = [fingerprint(entity, e) for e in t.examples]
            if entity in sketches.LINKED:
                verdict.sketch = sketches.sketch(entity, t.values, fingerprint)
        verdicts[entity] = verdict

    for entity in name_hint.entities if not name_hint.negative else ():
        if entity not in verdicts or not verdicts[entity].matched:
            have = verdicts.get(entity)
            shaped = shape_supported(entity, name, texts, neighbours, have.hits if have else 0)
            if shaped is not None:
                verdicts[entity] = shaped
            elif entity not in verdicts and n:
                verdicts[entity] = EntityVerdict(
                    entity, categories.category(entity), 0, n, 0.0, 0.3, False,
                    [f"column name ({', '.join(name_hint.keys)}) but no sampled value matches"],
                )
    reading = verdicts.get("METER_READING")
    if not name_hint.negative and (reading is None or not reading.matched):
        measured = measured_beside_meter(name, texts, neighbours)
        if measured is not None:
            verdicts["METER_READING"] = measured
    address = verdicts.get("NO_ADDRESS")
    if not name_hint.negative and (address is None or not address.matched):
        placed = place_in_address(name, texts, neighbours)
        if placed is not None:
            verdicts["NO_ADDRESS"] = placed
    if not free_text:  # in prose the two entities sit in different rows
        _settle_exclusive(verdicts, name_hint)
    return ColumnClassification(name, declared_type, n, free_text, verdicts)


def _tallies(texts: list[str], found: dict[str, list[Detection]], variants: dict[str, list[str]],
             free_text: bool) -> dict[str, Tally]:
    """Per entity, what the values add up to: worked out once per distinct value with a detection
    (most values of a log have none; a log's client address, a status, repeat) and counted as
    often as it occurs. What depends on the values' order is taken over the occurrences in order,
    in C: the score sum and the first numbers."""
    tallies: dict[str, Tally] = defaultdict(Tally)  # in the order the values meet their entities
    counted = found.keys() | variants.keys()
    occurrences = list(compress(texts, map(counted.__contains__, texts)))
    scores: dict[str, dict[str, float]] = defaultdict(dict)  # entity -> value -> its detection's score
    numbers: dict[str, dict[str, int]] = defaultdict(dict)  # entity -> value -> the digits it matched
    for text, count in Counter(occurrences).items():  # first occurrences first
        forms = [found.get(form, _NO_DETECTIONS) for form in (text, *variants.get(text, ()))]
        for entity, d, padded, strong, unmistakable, digits, length, role, chance, near, synthetic_, mobile in (
                _contribution(text, forms, free_text)):
            t = tallies[entity]  # made even for a weak match in prose: the verdicts' order is the tallies'
            if d is None:
                continue
            t.hits += count
            scores[entity][text] = d.score
            t.strong += strong * count
            t.unmistakable += unmistakable * count
            if digits:
                numbers[entity][text] = int(digits)
            if length:
                t.lengths.add(length)
            t.role += role * count
            t.chance_prone += chance * count
            t.context += near * count
            t.synthetic += synthetic_ * count
            t.mobile += mobile * count
            t.padded += padded * count
            if len(t.examples) < MAX_EXAMPLES and d.text not in t.examples:
                t.examples.append(d.text)
            t.values.add(d.text)  # every distinct match: the sketch keeps the smallest, unbiased

    def met(kept: dict) -> Iterator[str]:  # the occurrences of the values `kept` has, in order
        return compress(occurrences, map(kept.__contains__, occurrences))

    for entity, score in scores.items():
        t = tallies[entity]
        # one addition after another, as one value at a time (sum() compensates from Python 3.12 on)
        t.score_sum = reduce(add, map(score.__getitem__, met(score)), 0.0)
        number = numbers.get(entity)
        if number:
            t.numbers = list(islice(map(number.__getitem__, met(number)), MAX_NUMBERS))
    return tallies


_ORGANISATIONS = {"NO_PHONE_NUMBER": organisation_phone, "NO_BANK_ACCOUNT": organisation_account,
                  "IP_ADDRESS": network_prefix}


def _organisations(entity: str, text: str, found) -> bool:
    """Every `entity` reported in `text` is an organisation's or no one's (its switchboard, the
    account an invoice is paid to, a network's prefix: detectors.roles)."""
    own = [d for d in found if d.entity_type == entity and d.score >= DEFAULT_THRESHOLD]
    return bool(own) and all(_ORGANISATIONS[entity](text, d.start, d.end) for d in own)


_NOTHING = (False,) * 10
_NO_DETECTIONS: list = []


def _contribution(text: str, forms, free_text: bool) -> list[tuple]:
    """What one value adds to its field's tallies: per entity, its best detection over the value's
    forms and what that detection counts towards. `forms`: the detections of the value and of the
    forms numeric storage may have mangled it from."""
    best: dict[str, tuple[Detection, bool]] = {}
    personal_mail = False  # a value with a person's address beside a role mailbox is a person's
    # in running text, a value whose phone or account numbers are all an organisation's
    org_own = {entity for entity in _ORGANISATIONS if free_text and _organisations(entity, text, forms[0])}
    for k, found in enumerate(forms):
        for d in found:
            if d.entity_type == "EMAIL_ADDRESS" and not d.metadata.get("role"):
                personal_mail = personal_mail or not free_text or d.score >= DEFAULT_THRESHOLD
            if d.entity_type not in best or _better(d, best[d.entity_type][0]):
                best[d.entity_type] = (d, k > 0)
    out = []
    for entity, (d, padded) in best.items():
        if free_text and d.score < DEFAULT_THRESHOLD:
            out.append((entity, None, *_NOTHING))  # in prose only what would be reported counts
            continue
        base = d.score - CONTEXT_FACTOR if d.context_word else d.score
        digits = only_digits(d.text)
        out.append((entity, d, padded, base >= STRONG_FORM - 1e-9, base >= UNMISTAKABLE - 1e-9,
                    digits, len(digits),
                    (bool(d.metadata.get("role")) and not personal_mail) or entity in org_own,
                    d.text.isdigit() and d.context_word is None, d.context_word is not None,
                    bool(d.synthetic), d.metadata.get("phone_type") == "mobile"))
    return out


def _better(d: Detection, than: Detection) -> bool:
    """The detection a value is tallied by: the higher score, and a person's e-mail address
    before a role mailbox in the same value."""
    return (not d.metadata.get("role"), d.score) > (not than.metadata.get("role"), than.score)


def _structured_verdict(entity: str, t: Tally, n: int, name_hint, evidence_of: dict) -> EntityVerdict:
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
    elif (t.unmistakable >= MIXED_MIN_HITS and t.unmistakable / n >= MIXED_MIN_RATIO
          and (hinted or not name_hint.negative)):
        matched = True
        confidence = 0.55 + 0.3 * min(1.0, t.unmistakable / n / STRONG_MIN_RATIO)
        reasons.append(f"a field of mixed values: {t.unmistakable} of them are unmistakably {entity}")
    if not matched:
        confidence = min(0.45, ratio * 0.5 + (0.1 if hinted else 0.0))
        if name_hint.negative:
            reasons.append(f"column name says otherwise ({', '.join(name_hint.keys)})")
        elif ratio < HINTED_MIN_RATIO:
            reasons.append("too few values validate to call the column (chance matches)")
    return EntityVerdict(entity, categories.category(entity), t.hits, n, ratio, min(confidence, 0.99), matched, reasons)


def _beats_chance(entity: str, t: Tally, ratio: float) -> bool:
    """Weak matches without a column name: far above the chance pass rate, and not a run of ids."""
    if t.numbers and (max(t.numbers) - min(t.numbers)) < SPREAD * len(t.numbers):
        return False  # consecutive ids (40000001, 40000002, …) pass checks without being identifiers
    if entity == "NO_PHONE_NUMBER":
        # Most random 8-digit numbers are dialable, but only ~22% are mobile; people's numbers
        # in customer data are mostly mobile.
        return t.mobile / t.hits >= 0.6
    return ratio >= 3 * CHANCE.get(entity, 0.0)


def _free_text_verdict(entity: str, t: Tally, n: int, name_hint, evidence_of: dict) -> EntityVerdict:
    mean = t.score_sum / t.hits
    confidence = mean * (0.75 + 0.25 * min(1.0, t.hits / 3))
    reasons = [f"free text: {t.hits}/{n} sampled values contain {entity}"]
    if t.context:
        reasons.append("context words near the value")
    return EntityVerdict(entity, categories.category(entity), t.hits, n, t.hits / n, min(confidence, 0.99), True, reasons)


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
