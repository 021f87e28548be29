"""How a found value is shown: masked per entity type, so a reader can tell what was found and
not what it was."""

from __future__ import annotations

MASK = "*"



def _mask_keep(value: str, head: int, tail: int) -> str:
    """Mask every letter and digit except the first `head` and last `tail`; keep separators."""
    positions = [i for i, c in enumerate(value) if c.isalnum()]
    keep = set(positions[:head]) | set(positions[len(positions) - tail :] if tail else ())
    if len(keep) >= len(positions):  # too short to show anything safely
        keep = set()
    return "".join(c if (i in keep or not c.isalnum()) else MASK for i, c in enumerate(value))



def _mask_at(value: str, shown: tuple[int, ...]) -> str:
    """Mask every letter and digit except those at the given positions among them."""
    positions = [i for i, c in enumerate(value) if c.isalnum()]
    keep = {positions[n] for n in shown if n < len(positions)}
    return "".join(c if (i in keep or not c.isalnum()) else MASK for i, c in enumerate(value))



def _mask_words(value: str) -> str:
    """A word shows its first letter (and not its length); a number shows nothing."""
    out, word = [], []
    for c in value + " ":
        if c.isalnum():
            word.append(c)
            continue
        if word:
            out.append(MASK * len(word) if any(ch.isdigit() for ch in word) else word[0] + MASK * 3)
            word = []
        out.append(c)
    return "".join(out)[:-1]



# What a masked value keeps, per entity type: enough to tell the kind of value apart, never
# enough to single out a person (README, "What a masked value shows").
def mask(entity_type: str, value: str) -> str:
    """A masked form that shows the shape and a little of the value, never enough to identify."""
    if entity_type == "NO_FODSELSNUMMER":
        # the 1st and 3rd digits tell fødselsnummer, D-nummer (4-7), FH (8-9), H-nummer and the
        # synthetic Tenor/SyntPop series (month + 40/65/80) apart; the date itself stays hidden
        return _mask_at(value, (0, 2))
    if entity_type == "EMAIL_ADDRESS" and "@" in value:
        local, _, domain = value.rpartition("@")
        return (local[:1] + MASK * 3 if local else "") + "@" + domain
    if entity_type == "PERSON":
        return " ".join(w[:1] + MASK * 3 for w in value.split())  # initials only, not lengths
    if entity_type == "NO_PHONE_NUMBER":
        prefix = 4 if value.startswith("00") else 2 if value.lstrip("(").startswith("+") else 0
        return _mask_keep(value, prefix, 2)
    if entity_type == "CREDIT_CARD":
        return _mask_keep(value, 0, 4)
    if entity_type == "NO_METER_ID":
        return _mask_keep(value, 9, 0)  # the GS1 prefix every Norwegian metering point shares (707057500)
    if entity_type == "NO_METER_SERIAL":
        return _mask_keep(value, 4, 0)  # the manufacturer's prefix
    if entity_type == "NO_BANK_ACCOUNT":
        return _mask_keep(value, 4, 0)  # the bank's registration number
    if entity_type == "IBAN_CODE":
        return _mask_keep(value, 2, 0)  # the country
    if entity_type == "IP_ADDRESS":
        sep = ":" if ":" in value else "."
        parts = value.split(sep)
        return sep.join(parts[:2] + [MASK if p else p for p in parts[2:]])
    if entity_type in ("NO_ADDRESS", "LOCATION"):
        return _mask_words(value)
    if entity_type == "NO_ORGANIZATION_NUMBER":
        return value  # an organisation's number is public register data
    return _mask_keep(value, 1, 0)

