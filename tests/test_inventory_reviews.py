"""Reviews applied to later scans, and declared metadata: the pure rules, table-driven."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scanner.inventory.declared import DeclarationError, from_mapping, validate
from scanner.inventory.reviews import judge, material_changes, ratio_rose

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def review(decision="false_positive", entity_type=None, types=("EMAIL_ADDRESS",), ratios=None, at=T0, id=1):
    ratios = ratios if ratios is not None else {t: 0.05 for t in types}
    return {"id": id, "entity_type": entity_type, "decision": decision, "note": None, "who": "analyst", "at": at,
            "evidence": {"entity_types": sorted(types), "ratio": ratios}}


@pytest.mark.parametrize("before, now, material", [
    (0.05, 0.05, False),
    (0.05, 0.24, True),    # +0.19, but more than doubled
    (0.10, 0.19, False),   # +0.09, not quite doubled
    (0.30, 0.49, False),   # +0.19, not doubled
    (0.30, 0.50, True),    # +0.20
    (0.02, 0.06, False),   # tripled, but only +0.04
    (0.02, 0.07, True),    # more than doubled and +0.05
    (0.50, 0.10, False),   # a fall is never material
    (None, 0.90, False),   # nothing to compare with
    (0.0, 0.05, True),     # from none to some
])
def test_ratio_rose(before, now, material):
    assert ratio_rose(before, now) is material


@pytest.mark.parametrize("rev, found, reasons", [
    # the same evidence: nothing material
    (review(), {"EMAIL_ADDRESS": 0.05}, []),
    (review(), {"EMAIL_ADDRESS": 0.09}, []),
    # a whole-location review: a new entity type at the location is material
    (review(), {"EMAIL_ADDRESS": 0.05, "NO_FODSELSNUMMER": 0.1}, ["new entity type NO_FODSELSNUMMER"]),
    # … an entity type gone is not
    (review(types=("EMAIL_ADDRESS", "PERSON")), {"EMAIL_ADDRESS": 0.05}, []),
    # a much higher hit ratio is
    (review(), {"EMAIL_ADDRESS": 0.6}, ["EMAIL_ADDRESS hit ratio rose from 5% to 60%"]),
    # a review of one entity type ignores other entity types at the location
    (review(entity_type="EMAIL_ADDRESS"), {"EMAIL_ADDRESS": 0.05, "PERSON": 0.9}, []),
    (review(entity_type="EMAIL_ADDRESS"), {"EMAIL_ADDRESS": 0.5}, ["EMAIL_ADDRESS hit ratio rose from 5% to 50%"]),
    # … and when its entity type is no longer there, there is nothing to judge
    (review(entity_type="EMAIL_ADDRESS"), {"PERSON": 0.9}, []),
])
def test_material_changes(rev, found, reasons):
    assert material_changes(rev, found) == reasons


def test_judge_takes_the_latest_review_that_covers_a_finding():
    fp = review(at=T0, id=1)
    confirmed_email = review("confirmed", entity_type="EMAIL_ADDRESS", at=T0 + timedelta(days=1), id=2)
    found = {"EMAIL_ADDRESS": 0.05, "PERSON": 0.05}
    # PERSON is new at a location reviewed as a whole: the location comes back; EMAIL has its own, later review
    got = judge([fp, confirmed_email], found)
    assert got["EMAIL_ADDRESS"]["state"] == "confirmed"
    assert got["PERSON"]["state"] == "reopened" and got["PERSON"]["reasons"] == ["new entity type PERSON"]
    # a later false-positive review of the whole location, made on the new evidence, wins again
    again = review(types=("EMAIL_ADDRESS", "PERSON"), at=T0 + timedelta(days=2), id=3)
    got = judge([fp, confirmed_email, again], found)
    assert {et: v["state"] for et, v in got.items()} == {"EMAIL_ADDRESS": "suppressed", "PERSON": "suppressed"}
    assert got["PERSON"]["at"] == "2026-11-03T00:00:00Z" and got["PERSON"]["who"] == "analyst"
    # no review, no mark
    assert judge([], found) == {}


@pytest.mark.parametrize("metadata, error", [
    ({"owner": "Kunde AS", "role": "processor", "categories": ["identity", "metering"],
      "data_subjects": "kunder, ansatte", "environment": "production"}, None),
    ({"role": "owner"}, "sources.crm.role: 'owner' is not a role"),
    ({"environment": "prod"}, "sources.crm.environment: 'prod' is not an environment"),
    ({"categories": ["identity", "health"]}, "sources.crm.categories: unknown category health"),
    ({"categories": "contact"}, None),
    ({"data_subjects": [1, 2]}, "sources.crm.data_subjects: expected a list of non-empty strings"),
    ({"purpose": ""}, "sources.crm.purpose: expected a non-empty string"),
    ({"password": "x"}, "sources.crm.password: unknown key"),
])
def test_declared_metadata_is_checked(metadata, error):
    if error is None:
        out = validate("crm", metadata)
        assert all(not isinstance(v, str) or v == v.strip() for v in out.values())
        if "data_subjects" in metadata:
            assert out["data_subjects"] == ["kunder", "ansatte"]
        return
    with pytest.raises(DeclarationError) as exc:
        validate("crm", metadata)
    assert str(exc.value).startswith(error)


@pytest.mark.parametrize("doc, error", [
    ({"sources": {"crm": {"owner": "A"}, "hr": {"role": "controller"}}}, None),
    ({"source": {"crm": {}}}, "source: unknown top-level key"),
    ({"sources": []}, "sources: expected a table of sources"),
    ({"sources": {"crm": "Kunde AS"}}, "sources.crm: expected a table of keys"),
])
def test_declaration_documents(doc, error):
    if error is None:
        assert set(from_mapping(doc)) == {"crm", "hr"}
        return
    with pytest.raises(DeclarationError, match="^" + error.replace(".", r"\.")):
        from_mapping(doc)
