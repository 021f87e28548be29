"""One person's identifiers, as `kartlegg subject --id KIND=VALUE` gives them: checked, and
normalised into every form a system may hold them in.

Each kind knows three things about its identifier: whether a stored value *is* it (an equality
column: `01017012345`, `010170 12345` and the integer 1017012345 are one fødselsnummer), the
forms an indexed equality lookup asks a database for, and a pattern that finds it inside running
text or a JSON document (any separator between digits, `+47`/`0047` before a phone number, an
e-mail address written with `%40`). The canonical form is what fingerprints are made of, never
what is printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from detectors.checksums import fnr_info, gs1_valid, iban_valid, kontonummer_valid

# kind → the entity types the inventory records for it
KINDS: dict[str, tuple[str, ...]] = {
    "fnr": ("NO_FODSELSNUMMER",),
    "email": ("EMAIL_ADDRESS",),
    "phone": ("NO_PHONE_NUMBER",),
    "name": ("PERSON",),
    "meter": ("NO_METER_ID",),
    "account": ("NO_BANK_ACCOUNT", "IBAN_CODE"),
}
KIND_HELP = {
    "fnr": "fødselsnummer or D-nummer (any separator)",
    "email": "e-mail address (case-insensitive)",
    "phone": "Norwegian phone number (+47, 0047 or none; any spacing)",
    "name": "full name, first and last (weak: others may share it)",
    "meter": "målepunkt-ID (18 digits)",
    "account": "kontonummer (11 digits, dots or spaces) or its Norwegian IBAN",
}
_NUMBER_CHARS = re.compile(r"[\d\s.+()\-]+\Z")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


class IdentifierError(ValueError):
    """An identifier that cannot be searched for; the message never repeats the value."""


def _sql_literal(text: str) -> str:
    """Text as a literal in a POSIX/ICU/PCRE regular expression."""
    return "".join("\\" + c if c in ".^$*+?()[]{}|\\" else c for c in text)


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def _spaced(digits: str) -> str:
    """A digit string as a pattern that allows one separator between any two digits."""
    return r"[ .\-]?".join(digits)


# An identifier written in groups is not one when another group of digits joins it on either side
# ("5555 4123 4567 0000" holds no phone number 41234567, "010170 12345 6" no fødselsnummer).
BEFORE = r"(?<![\d+])(?<!\d[ .\-])"
AFTER = r"(?![ .\-]?\d)"


@dataclass(frozen=True)
class Identifier:
    kind: str
    canonical: str  # digits, or lower-case words: fingerprinted, never printed
    forms: tuple[str, ...] = ()  # as text, for equality and containment lookups
    integers: tuple[int, ...] = ()  # as a number, for integer columns
    pattern: re.Pattern = field(default=None, compare=False, repr=False)  # inside running text

    def __repr__(self) -> str:  # tracebacks and logs show the kind, not the person
        return f"Identifier({self.kind})"

    @property
    def entity_types(self) -> tuple[str, ...]:
        return KINDS[self.kind]

    @property
    def entity_type(self) -> str:
        """The entity type its fingerprint is made under (as the inventory's are)."""
        return KINDS[self.kind][0]

    @property
    def insensitive(self) -> bool:
        """Compared without regard to case (SQL lookups lower-case both sides)."""
        return self.kind in ("email", "name")

    def equals(self, value: object) -> bool:
        """Whether a stored value, as a whole, is this identifier."""
        return value is not None and normal(self.kind, value) == self.canonical

    def found_in(self, text: object) -> bool:
        """Whether running text (a message, a note, a JSON document) holds this identifier."""
        return text is not None and self.pattern.search(text if isinstance(text, str) else str(text)) is not None

    @property
    def sql_regex(self) -> str:
        """A regular expression every written form matches, in the dialect databases share (no
        look-arounds, no boundaries: each row it lets through is checked again here); lower case
        where the kind is compared without regard to case."""
        sep = "[ .-]?"
        if self.kind in ("fnr", "phone", "meter", "account"):
            digits = self.canonical[1:] if self.kind == "fnr" and self.canonical[0] == "0" else self.canonical
            return sep.join(digits)
        if self.kind == "email":
            local, _, domain = self.canonical.rpartition("@")
            return _sql_literal(local) + "(@|%40)" + _sql_literal(domain)
        words = self.canonical.split()
        spaced = "[ \t]+".join(map(_sql_literal, words))
        reversed_ = _sql_literal(words[-1]) + ",?[ \t]+" + "[ \t]+".join(map(_sql_literal, words[:-1]))
        return f"({spaced}|{reversed_})"

    def split_name(self) -> tuple[str, str] | None:
        """A name's first names and last name, for tables that keep them in two columns."""
        if self.kind != "name":
            return None
        first, _, last = self.canonical.rpartition(" ")
        return first, last


def normal(kind: str, value: object) -> str | None:
    """A stored value in the kind's canonical form, or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        text = str(value)
        if kind == "fnr" and len(text) == 10:
            return "0" + text  # an integer column lost the leading zero
        if kind == "phone" and len(text) == 10 and text.startswith("47"):
            return text[2:]
        return text if kind in ("fnr", "phone", "meter", "account") else None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = str(value).strip()
    if kind in ("email", "name"):
        words = " ".join(text.lower().split())
        if kind == "name" and "," in words:  # "Nordmann, Kari"
            last, _, first = words.partition(",")
            words = f"{first.strip()} {last.strip()}".strip()
        return words
    if kind == "account" and text[:2].upper() == "NO":
        compact = "".join(text.split()).upper()
        return compact[4:] if len(compact) == 15 and compact[2:].isdigit() else None
    if not _NUMBER_CHARS.match(text):
        return None
    digits = _digits(text)
    if kind == "phone":
        if len(digits) == 12 and digits.startswith("0047"):
            return digits[4:]
        if len(digits) == 10 and digits.startswith("47"):  # no 8-digit number is 10 digits long
            return digits[2:]
        return digits
    if kind == "fnr" and len(digits) == 10:
        return "0" + digits
    return digits


def parse(spec: str, validate: bool = True) -> Identifier:
    """`KIND=VALUE` (as --id takes it) checked and normalised."""
    kind, sep, value = spec.partition("=")
    kind = kind.strip().lower()
    # what was given is never repeated: a value typed where the kind goes is someone's identifier
    if not sep or not value.strip():
        named = f" {kind}" if kind in KINDS else ""
        raise IdentifierError(f"--id{named}: expected KIND=VALUE ({', '.join(KINDS)})")
    if kind not in KINDS:
        raise IdentifierError(f"--id: unknown kind; known: {', '.join(KINDS)} (KIND=VALUE)")
    return BUILDERS[kind](value.strip(), validate)


def _fnr(value: str, validate: bool) -> Identifier:
    digits = normal("fnr", value) if _NUMBER_CHARS.match(value) else None
    if not digits or len(digits) != 11:
        raise IdentifierError("--id fnr: a fødselsnummer has 11 digits")
    if validate and fnr_info(digits) is None:
        raise IdentifierError("--id fnr: the check digits or the date do not hold (--no-validate searches anyway)")
    forms = [digits, f"{digits[:6]} {digits[6:]}", f"{digits[:6]}-{digits[6:]}", f"{digits[:6]}.{digits[6:]}"]
    if digits[0] == "0":
        forms.append(digits[1:])
    lead = "0?" + _spaced(digits[1:6]) if digits[0] == "0" else _spaced(digits[:6])
    pattern = re.compile(BEFORE + lead + r"[ .\-]?" + _spaced(digits[6:]) + AFTER)
    return Identifier("fnr", digits, tuple(forms), (int(digits),), pattern)


def _phone(value: str, validate: bool) -> Identifier:
    national = normal("phone", value) if _NUMBER_CHARS.match(value) else None
    if not national or len(national) != 8:
        raise IdentifierError("--id phone: a Norwegian phone number has 8 digits (after +47 or 0047)")
    if validate and national[0] not in "23456789":
        raise IdentifierError("--id phone: a Norwegian number starts with 2-9 (--no-validate searches anyway)")
    n = national
    spaced = [n, f"{n[:3]} {n[3:5]} {n[5:]}", f"{n[:2]} {n[2:4]} {n[4:6]} {n[6:]}", f"{n[:4]} {n[4:]}"]
    forms = spaced + [f"+47{n}", f"+47 {n}", f"0047{n}", f"0047 {n}", f"47{n}"]
    forms += [f"+47 {s}" for s in spaced[1:]]
    pattern = re.compile(BEFORE + r"(?:(?:\+|00)[ ]?47[ .\-]?|47)?" + _spaced(n) + AFTER)
    return Identifier("phone", n, tuple(dict.fromkeys(forms)), (int(n), int("47" + n)), pattern)


def _email(value: str, validate: bool) -> Identifier:
    if not _EMAIL.match(value):
        raise IdentifierError("--id email: expected an address with one @ and a domain")
    lower = value.lower()
    local, _, domain = lower.rpartition("@")
    forms = tuple(dict.fromkeys([value, lower, f"{value.rpartition('@')[0]}@{domain}"]))
    pattern = re.compile(r"(?<![\w.+\-])" + re.escape(local) + r"(?:@|%40)" + re.escape(domain)
                         + r"(?![\w\-]|\.\w)", re.IGNORECASE)
    return Identifier("email", lower, forms, (), pattern)


def _name(value: str, validate: bool) -> Identifier:
    canonical = normal("name", value)
    words = canonical.split()
    if len(words) < 2 or any(not any(c.isalpha() for c in w) for w in words):
        raise IdentifierError("--id name: give first and last name (a single word names too many people)")
    first, last = " ".join(words[:-1]), words[-1]
    spaced = r"\s+".join(map(re.escape, words))
    reversed_ = re.escape(last) + r",?\s+" + r"\s+".join(map(re.escape, words[:-1]))
    pattern = re.compile(r"(?<!\w)(?:" + spaced + "|" + reversed_ + r")(?!\w)", re.IGNORECASE)
    given, title = " ".join(value.split()), canonical.title()
    forms = tuple(dict.fromkeys([given, canonical, title, f"{last}, {first}", f"{last.title()}, {first.title()}"]))
    return Identifier("name", canonical, forms, (), pattern)


def _meter(value: str, validate: bool) -> Identifier:
    digits = _digits(value) if _NUMBER_CHARS.match(value) else ""
    if len(digits) != 18:
        raise IdentifierError("--id meter: a målepunkt-ID has 18 digits")
    if validate and not gs1_valid(digits):
        raise IdentifierError("--id meter: the check digit does not hold (--no-validate searches anyway)")
    pattern = re.compile(BEFORE + r"[ ]?".join(digits) + AFTER)
    return Identifier("meter", digits, (digits,), (int(digits),), pattern)


def _account(value: str, validate: bool) -> Identifier:
    compact = "".join(value.split()).upper()
    if compact.startswith("NO"):
        if validate and not iban_valid(compact):
            raise IdentifierError("--id account: the IBAN's check digits do not hold (--no-validate searches anyway)")
        digits = compact[4:]
    else:
        digits = _digits(value) if _NUMBER_CHARS.match(value) else ""
    if len(digits) != 11 or not digits.isdigit():
        raise IdentifierError("--id account: a kontonummer has 11 digits")
    if validate and not kontonummer_valid(digits):
        raise IdentifierError("--id account: the check digit does not hold (--no-validate searches anyway)")
    iban = norwegian_iban(digits)
    forms = [digits, f"{digits[:4]}.{digits[4:6]}.{digits[6:]}", f"{digits[:4]} {digits[4:6]} {digits[6:]}",
             iban, " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))]
    pattern = re.compile(r"(?<!\w)" + BEFORE + r"(?:NO\d\d[ ]?)?" + _spaced(digits) + AFTER, re.IGNORECASE)
    return Identifier("account", digits, tuple(forms), (int(digits),), pattern)


def norwegian_iban(account: str) -> str:
    """A kontonummer's IBAN (NO + two check digits + the 11 digits, ISO 13616 mod 97)."""
    rearranged = account + "2324" + "00"  # N=23, O=24
    check = 98 - int(rearranged) % 97
    return f"NO{check:02d}{account}"


BUILDERS = {"fnr": _fnr, "email": _email, "phone": _phone, "name": _name, "meter": _meter, "account": _account}
