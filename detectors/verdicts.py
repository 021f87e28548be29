"""A field's verdicts: per entity type, what its values showed and whether it is reported."""

from __future__ import annotations

from dataclasses import dataclass, field

from detectors.engine import DEFAULT_THRESHOLD

UNREPORTED = 0.45  # the confidence of a verdict the field as a whole overrules


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
    sketch: list[str] = field(default_factory=list)  # detectors.sketch: the linkage sketch of its values

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



def demote(verdict: EntityVerdict, why: str | None) -> None:
    """A verdict the field's values as a whole overrule: not reported, and why (None: no change)."""
    if why is not None:
        verdict.matched = False
        verdict.confidence = min(verdict.confidence, UNREPORTED)
        verdict.reasons.append(why)
