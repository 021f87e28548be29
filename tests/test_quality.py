"""The generated quality corpus end to end at the small size: the targets in BENCHMARKS.md.

A failing target names the values it failed on (value, column, what the engine returned).
"""

from __future__ import annotations

import re

import pytest

from bench import corpus
from bench.quality import PERSON_FALSE_POSITIVES, PERSON_RECALL, VALUE_TARGETS, Counts, evaluate
from detectors import checksums, vocabulary
from detectors.engine import Detection, Engine

SEED = 2026
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small():
    return corpus.build(SEED, "small")


@pytest.fixture(scope="module")
def report(small, engine):
    return evaluate(small, engine)


def errors(report, level, entity, kind=None, n=15) -> str:
    """The first failing cases, one a line: what was missed or wrongly found, and what the engine said."""
    found = [e for e in report.errors if e["level"] == level and e["entity"] == entity and kind in (None, e["kind"])]
    lines = [f"{e['kind']} {e.get('value') or repr(e.get('span'))} in {e.get('column') or repr(e.get('text'))}"
             f" -> got {e['got']}" for e in found[:n]]
    return "\n" + "\n".join(lines) + (f"\n... {len(found) - n} more" if len(found) > n else "")


# -- the targets ------------------------------------------------------------------------------------
@pytest.mark.parametrize("entity", sorted(VALUE_TARGETS))
def test_value_level_structured(report, entity):
    c = report.structured.get(entity, Counts())
    target = VALUE_TARGETS[entity]
    assert c.tp + c.fn >= 40, f"only {c.tp + c.fn} labelled {entity} values: too few to judge"
    assert c.precision >= target, f"{c.to_dict()}{errors(report, 'value', entity, 'FP')}"
    assert c.recall >= target, f"{c.to_dict()}{errors(report, 'value', entity, 'FN')}"


@pytest.mark.parametrize("entity", sorted(VALUE_TARGETS))
def test_value_level_free_text(report, entity):
    c = report.text.get(entity, Counts())
    target = VALUE_TARGETS[entity]
    assert c.tp + c.fn >= 5, f"only {c.tp + c.fn} planted {entity} spans: too few to judge"
    assert c.precision >= target, f"{c.to_dict()}{errors(report, 'text', entity, 'FP')}"
    assert c.recall >= target, f"{c.to_dict()}{errors(report, 'text', entity, 'FN')}"


def test_no_hard_negative_column_is_reported_as_personal_data(report, small):
    assert sum(c.hard_negative for c in small.columns) >= 30
    called = [f"{x['column']}: {x['entity']} {x['got']}" for x in report.hard_negative_fps if x["personal"]]
    assert not called, "\n".join(called)


def test_person_recall_in_norwegian_sentences(report):
    p = report.person
    assert p["names"] >= 100
    assert p["recall"] >= PERSON_RECALL, f"recall by written form {p['by_form']}{errors(report, 'text', 'PERSON', 'FN')}"


def test_person_false_positives_in_norwegian_sentences(report):
    p = report.person
    assert p["name_free_sentences"] >= 100
    false = errors(report, "text", "PERSON", "FP")
    assert 1 - p["precision"] <= PERSON_FALSE_POSITIVES, false
    assert p["fp_rate"] <= PERSON_FALSE_POSITIVES, false


# -- the benchmark can fail ------------------------------------------------------------------------------
class _EverythingIsAFodselsnummer:
    """An engine that calls every value a fødselsnummer: precision and hard negatives must fail."""

    def __init__(self, engine):
        self.evidence = engine.evidence

    def analyze_values(self, values, context=(), resolve=True):
        return [[Detection("NO_FODSELSNUMMER", 0, len(str(v)), 0.99, str(v), "fake")] if v not in (None, "") else []
                for v in values]

    def detections_by_text(self, texts, context=(), resolve=True):
        return {t: found for t, found in zip(texts, self.analyze_values(texts, context, resolve))}

    def analyze_text(self, text, threshold=0.5, context=None, **_):
        return [Detection("NO_FODSELSNUMMER", 0, len(text), 0.99, text, "fake")]


def test_a_careless_engine_fails_the_targets(small, engine):
    failed = {what for what, _, _, ok in evaluate(small, _EverythingIsAFodselsnummer(engine)).targets() if not ok}
    assert "value structured NO_FODSELSNUMMER precision" in failed
    assert "value free text NO_FODSELSNUMMER precision" in failed
    assert "hard-negative columns with a personal-data finding" in failed
    assert "PERSON recall in Norwegian sentences" in failed


def test_a_missing_detector_fails_the_targets(small):
    from scanner.model import plugins

    without_phone = Engine(detectors=[n for n in plugins.available(plugins.DETECTORS) if n != "no_phone_number"])
    failed = {what for what, _, _, ok in evaluate(small, without_phone).targets() if not ok}
    assert {"value structured NO_PHONE_NUMBER recall", "value free text NO_PHONE_NUMBER recall"} <= failed


# -- the corpus is what it claims to be -------------------------------------------------------------------
def test_the_corpus_is_deterministic():
    a, b, c = corpus.build(SEED, "small"), corpus.build(SEED, "small"), corpus.build(SEED + 1, "small")
    def columns(c):
        return [(x.name, x.values, x.labels, x.ignore) for x in c.columns]

    assert columns(a) == columns(b)
    assert [t.text for t in a.texts] == [t.text for t in b.texts]
    assert [x.values for x in a.columns] != [x.values for x in c.columns]


def _valid(entity: str, value: object) -> bool:
    text = str(value).strip()
    digits = checksums.only_digits(text)
    if entity == "NO_FODSELSNUMMER":
        return checksums.fnr_info(digits.zfill(11) if isinstance(value, int) else digits) is not None
    if entity == "NO_BANK_ACCOUNT":
        return checksums.kontonummer_valid(digits) and checksums.fnr_info(digits) is None
    if entity == "NO_METER_ID":
        return digits.startswith("7070575000") and len(digits) == 18 and checksums.gs1_valid(digits)
    if entity == "NO_METER_SERIAL":
        return len(digits) == 16 and checksums.gs1_valid(digits)
    if entity == "CREDIT_CARD":
        return checksums.luhn_valid(digits)
    if entity == "IBAN_CODE":
        return checksums.iban_valid(text.replace(" ", ""))
    if entity == "NO_ORGANIZATION_NUMBER":
        return checksums.orgnr_valid(digits[-9:] if text.startswith("NO") else digits)
    if entity == "NO_PHONE_NUMBER":
        national = digits[-8:]  # after +47 / 0047 / 47
        in_plan = national[0] in "23469" or national[:2] in ("70", "71", "72", "73", "74", "75", "76", "77", "78") \
            or "50" <= national[:2] <= "57"
        return len(digits) in (8, 10, 12) and in_plan
    return True


def test_every_generated_identifier_has_valid_check_digits(small):
    for col in small.columns:
        for value, labels in zip(col.values, col.labels):
            if not col.free_text:
                assert all(_valid(e, value) for e in labels), (col.qualified, value, labels)
    for item in small.texts:
        for start, end, entity in item.spans:
            assert _valid(entity, item.text[start:end]), (item.text, entity)


def test_spans_are_exact_and_disjoint(small):
    for item in small.texts:
        spans = sorted(item.spans)
        assert all(item.text[s:e].strip() == item.text[s:e] != "" for s, e, _ in spans), item
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), item


def test_neutral_and_hard_negative_columns(small):
    for col in small.columns:
        if col.neutral_name:
            assert not vocabulary.hint(col.name).entities, f"{col.name!r} is not a neutral name any more"
        if col.hard_negative:
            assert not col.expected and not any(col.labels), col.qualified
    names = {c.name for c in small.columns}
    assert {"ref", "verdi", "col7", "data", "felt1"} <= names
    assert any(isinstance(v, int) and len(str(v)) == 10 for c in small.columns if "NO_FODSELSNUMMER" in c.expected
               for v in c.values)


def test_phone_numbers_come_in_every_written_form(small):
    phones = [str(v).strip() for c in small.columns if not c.free_text
              for v, lab in zip(c.values, c.labels) if "NO_PHONE_NUMBER" in lab]
    forms = {
        r"\d{8}", r"\d{3} \d{2} \d{3}", r"\d{2} \d{2} \d{2} \d{2}", r"\+47 \d{3} \d{2} \d{3}", r"\+47\d{8}",
        r"0047 \d{8}", r"\(\+47\) \d{3} \d{2} \d{3}",
    }
    assert all(any(re.fullmatch(f, p) for p in phones) for f in forms)
