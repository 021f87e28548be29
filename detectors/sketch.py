"""Which identifier values two locations share, without keeping the values: a bottom-k sketch.

A finding keeps the K smallest keyed fingerprints (HMAC-SHA256 under the installation's key,
first 64 bits, hex) of the distinct identifier values its field held. Keyed hashes are uniform,
so the K smallest of a set are a random sample of it that every other set draws the *same* way:
a fødselsnummer in both `kunde.fnr` and an export is kept in both sketches whenever it is small
enough in both. Two sketches then tell how many values were seen in both places (a lower bound:
each shared fingerprint is one identifier in both), and estimate their Jaccard similarity and
the sizes of the sets (Broder's bottom-k estimators). Fingerprints of one identifier are the
same in every spelling (`detectors.evidence.normalise`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

K = 64
BITS = 64
# identifiers one person has and few others share: a shared value links two places
LINKED = frozenset({"NO_FODSELSNUMMER", "EMAIL_ADDRESS", "NO_PHONE_NUMBER", "NO_BANK_ACCOUNT", "IBAN_CODE",
                    "NO_METER_ID", "NO_METER_SERIAL", "CREDIT_CARD", "IP_ADDRESS"})


def sketch(entity_type: str, values: Iterable[str], fingerprint: Callable[[str, str], str], k: int = K) -> list[str]:
    """The k smallest fingerprints (64-bit hex) of the distinct values, ascending."""
    hashes = {fingerprint(entity_type, v).rpartition(":")[2][: BITS // 4] for v in values}
    return sorted(hashes)[:k]


def merge(a: list[str] | None, b: list[str] | None, k: int = K) -> list[str]:
    """The sketch of the union of two sets (batches of one field, or two scans)."""
    return sorted(set(a or ()) | set(b or ()))[:k]


def distinct(s: list[str], k: int = K) -> float:
    """Estimated number of distinct values behind a sketch (exact when it is not full)."""
    if len(s) < k:
        return float(len(s))
    kth = int(s[k - 1], 16) / float(1 << BITS)
    return (k - 1) / kth if kth > 0 else float(len(s))


def compare(a: list[str], b: list[str], k: int = K) -> dict:
    """What two sketches share: `shared` fingerprints seen in both (each one identifier in both
    places: a lower bound), the estimated Jaccard similarity, and the estimated share of the
    smaller set found in the larger one (containment: an export copied from a table is near 1)."""
    both = set(a) & set(b)
    union = sorted(set(a) | set(b))[:k]
    jaccard = sum(1 for h in union if h in both) / len(union) if union else 0.0
    na, nb = distinct(a, k), distinct(b, k)
    smaller = min(na, nb)
    contained = jaccard * (na + nb) / (1 + jaccard) / smaller if smaller else 0.0
    return {"shared": len(both), "jaccard": round(jaccard, 3), "containment": round(min(1.0, contained), 3),
            "distinct": (round(na), round(nb))}
