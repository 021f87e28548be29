"""Field names are written to reports unmasked, so a name that holds personal data is masked.

Names come from the data as often as from a schema: a headerless file whose first row was taken
for a header ("Kari Nordmann"), a JSON object keyed by e-mail address or client IP, a logfmt key
that is a person's name (`kari.nordmann=…`). Such a name is masked like a value, and the original
goes back among the field's values so it is classified with them.
"""

from __future__ import annotations

import re

from detectors import categories
from detectors.evidence import mask
from scanner.crawlers.base import DatasetSample
from scanner.redact import scrub

# Cheap signs that a name may be a value: an @, a long or spaced number, a dotted quad, two
# capitalised words, or two lower-case words joined the way user names are (kari.nordmann).
_SUSPECT = re.compile(
    r"@|\d{6,}|\d(?:[ .-]?\d){5,}|\d{1,3}(?:\.\d{1,3}){3}|[A-ZÆØÅ][a-zæøåé]+[ ,]+[A-ZÆØÅ][a-zæøåé]+"
    r"|[a-zæøåé]{2,}[._-][a-zæøåé]{2,}"
)
# Never written out as they are, whether a detector names them or not.
_UNSAFE = re.compile(r"@|\d{6,}|\d(?:[ -]\d{2,}){2,}|\d{1,3}(?:\.\d{1,3}){3}")
_WORD = re.compile(r"[A-Za-zÆØÅæøåéÉ]{2,}")


_MASKED: dict[tuple[int, str], str] = {}  # a full read meets the same names in every batch
_MAX_MASKED = 10_000


def masked_name(name: str, engine) -> str:
    """`name` with any personal data in it masked (unchanged when there is none)."""
    if not _SUSPECT.search(name):
        return name
    key = (id(engine), name)
    if key not in _MASKED:
        if len(_MASKED) >= _MAX_MASKED:
            _MASKED.clear()
        _MASKED[key] = _masked(name, engine)
    return _MASKED[key]


def _masked(name: str, engine) -> str:
    found = [(d.start, d.end, d.entity_type, d.text) for d in engine.analyze_text(name)
             if categories.info(d.entity_type).personal]
    found += _person_pairs(name, engine, {(s, e) for s, e, _, _ in found})
    for start, end, entity, text in sorted(found, reverse=True):
        name = name[:start] + mask(entity, text) + name[end:]
    return scrub(name) if _UNSAFE.search(name) else name


def _person_pairs(name: str, engine, taken: set) -> list[tuple[int, int, str, str]]:
    """Two known name words joined by . _ - (kari.nordmann, ola-hansen), read as "Kari Nordmann"."""
    person = next((r for r in engine.recognizers if "PERSON" in r.supported_entities
                   and hasattr(r, "may_contain")), None)
    if person is None:
        return []
    words = list(_WORD.finditer(name))
    out = []
    for a, b in zip(words, words[1:]):
        gap = name[a.end(): b.start()]
        if gap not in (".", "_", "-", " ") or (a.start(), b.end()) in taken:
            continue
        if not (person.may_contain(a.group()) and person.may_contain(b.group())):
            continue
        text = f"{a.group().title()} {b.group().title()}"
        if any(d.entity_type == "PERSON" for d in engine.analyze_text(text)):
            out.append((a.start(), b.end(), "PERSON", name[a.start(): b.end()]))
    return out


def masked_names(sample: DatasetSample, engine) -> None:
    """Mask the sample's field names in place (fields, columns, skipped fields)."""
    renamed: dict[str, str] = {}
    for f in sample.fields:
        new = masked_name(f.name, engine)
        if new != f.name:
            renamed[f.name] = new
            f.values.append(f.name)
            f.name = new
    for i, (name, reason) in enumerate(sample.skipped_fields):
        new = renamed.get(name) or masked_name(name, engine)
        sample.skipped_fields[i] = (new, reason)
    for c in sample.columns:
        c["name"] = renamed.get(c["name"], c["name"])
