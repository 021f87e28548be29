"""The inventory: findings kept between scans, reviewed, compared and exported.

Kept free of imports: the scan pipeline reads `suppressed` without loading SQLAlchemy.
"""

SUPPRESSED, REOPENED = "suppressed", "reopened"


def suppressed(record: dict) -> bool:
    """A finding an analyst marked a false positive, whose evidence has not changed materially."""
    return (record.get("review") or {}).get("state") == SUPPRESSED
