"""Attribute/value tables (entity–attribute–value, `meta_key`/`meta_value`, settings tables):
a `value` column holds e-mails in one row, phone numbers in the next and colours in the third,
and the `attribute` column beside it says which. Judged as one column it is a mix no share
rule can call; judged per attribute, each group is a column with a name.

A value column is judged per key only when both columns say what they are by name and the key
column holds a few labels (not one per row): anything else is an ordinary table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from detectors import vocabulary
from detectors.column import (
    MAX_EXAMPLES,
    ColumnClassification,
    EntityVerdict,
    classify_column,
)
from detectors.engine import Engine

KEY_NAMES = frozenset({
    "attribute", "attributt", "attr", "attrname", "attributename", "attributtnavn", "key", "keyname",
    "nokkel", "felt", "feltnavn", "field", "fieldname", "egenskap", "egenskapsnavn", "property",
    "propertyname", "prop", "param", "parameter", "paramname", "parameternavn", "setting",
    "settingname", "innstilling", "kode", "code", "label", "metakey", "type", "kind", "art",
    # `name`/`value` pairs: a column of a few labels, not of people (see _labels)
    "name", "navn", "kategori", "category",
})
VALUE_NAMES = frozenset({
    "value", "verdi", "val", "data", "content", "innhold", "metavalue", "attrvalue", "attributevalue",
    "attributtverdi", "fieldvalue", "feltverdi", "propertyvalue", "paramvalue", "parameterverdi",
    "settingvalue", "valuetext", "stringvalue", "textvalue", "verditekst", "keyvalue",
    # an audit trail's old and new value of the field it names
    "old", "new", "oldvalue", "newvalue", "fra", "til", "from", "to", "before", "after", "gammel", "ny",
    "gammelverdi", "nyverdi", "forrige", "forrigeverdi", "previous", "current",
})
MAX_LABELS = 50  # a key column names a few attributes; one label per row is an ordinary column
MAX_LABEL_CHARS = 64


def _joined(name: str) -> str:
    return "".join(vocabulary.tokens(name.rpartition(".")[2]))


def _labels(values: Sequence[object]) -> set[str] | None:
    labels = {str(v).strip() for v in values if v is not None and str(v).strip()}
    if len(labels) < 2 or any(len(v) > MAX_LABEL_CHARS for v in labels):
        return None
    if len(labels) > max(MAX_LABELS // 5, min(MAX_LABELS, len(values) // 5)):
        return None
    return labels


def _prefix(name: str, words: frozenset[str]) -> str:
    """`meta_key` -> `meta`: what pairs a key column with its value column."""
    parts = vocabulary.tokens(name)
    for i in range(len(parts)):
        if "".join(parts[i:]) in words:
            return "".join(parts[:i])
    return ""


def key_columns(fields: Sequence) -> dict[str, object]:
    """Value field name -> the key field that says what each of its rows holds.

    Only for fields read row by row with their column types (a database table and the paths of
    its JSON documents, Parquet): there a row's values sit at the same index of every field,
    NULLs included. Paths into lists hold any number of values per row; readers of text formats
    leave blank cells out, so two columns of a CSV may have as many values without lining up."""
    fields = [f for f in fields if f.declared_type is not None and "[]" not in f.name]
    keys = [f for f in fields if _joined(f.name) in KEY_NAMES or _prefix(f.name, KEY_NAMES)]
    keys = [f for f in keys if _labels(f.values) is not None]
    out = {}
    for f in fields:
        if f.unstructured or f.dataset_level or not (_joined(f.name) in VALUE_NAMES or _prefix(f.name, VALUE_NAMES)):
            continue
        aligned = [k for k in keys if k is not f and len(k.values) == len(f.values)]
        if not aligned:
            continue
        own = _prefix(f.name, VALUE_NAMES)
        out[f.name] = next((k for k in aligned if _prefix(k.name, KEY_NAMES) == own), aligned[0])
    return out


def _said(label: str) -> str:
    """A label in a reason only when it is itself a word of the vocabulary (`mobil`, `email`): a
    key column's values are data, and a label that merely holds such a word may hold more."""
    return repr(label) if vocabulary.is_key(label) else "another attribute"


def classify_keyed(name: str, declared_type: str | None, values: Sequence[object], key_name: str,
                   keys: Sequence[object], engine: Engine, neighbours: Sequence[str] = (),
                   fingerprint: Callable[[str, str], str] | None = None) -> ColumnClassification:
    """A value column judged per attribute, each group under its attribute's name."""
    groups: dict[str, list] = {}
    for key, value in zip(keys, values):
        label = "" if key is None else str(key).strip()  # an attribute may be coded by number
        groups.setdefault(label, []).append(value)
    # A group goes by its label where the vocabulary knows the label (`mobil`, `firmware`), and
    # by the column's own name where it does not (`sms`, `x7`): a label no word list holds says nothing.
    results = [(label, classify_column(label if vocabulary.hint(label).keys else name, declared_type, group,
                                       engine, neighbours=neighbours, fingerprint=fingerprint))
               for label, group in groups.items()]
    n = sum(r.sampled for _, r in results)
    entities: dict[str, EntityVerdict] = {}
    for label, result in results:
        for entity, v in result.entities.items():
            where = f"rows where {key_name} is {_said(label)}" if label else f"rows without a {key_name}"
            v = replace(v, reasons=[f"{where} ({v.sampled} values): {v.reasons[0]}", *v.reasons[1:]])
            have = entities.get(entity)
            if have is None:
                entities[entity] = v
            elif have.matched and v.matched:
                entities[entity] = _join(v, have) if v.confidence > have.confidence else _join(have, v)
            elif v.matched or (not have.matched and v.confidence > have.confidence):
                entities[entity] = v
    for v in entities.values():
        v.sampled = n
        v.ratio = v.hits / n if n else 0.0
    return ColumnClassification(name, declared_type, n, any(r.free_text for _, r in results), entities)


def _join(a: EntityVerdict, b: EntityVerdict) -> EntityVerdict:
    """Two attributes holding the same entity: one verdict, the stronger first."""
    examples = (a.examples + [e for e in b.examples if e not in a.examples])[:MAX_EXAMPLES]
    fingerprints = (a.fingerprints + [f for f in b.fingerprints if f not in a.fingerprints])[:MAX_EXAMPLES]
    return replace(a, hits=a.hits + b.hits, reasons=[*a.reasons, *b.reasons[:1]], examples=examples,
                   fingerprints=fingerprints, synthetic=a.synthetic + b.synthetic)
