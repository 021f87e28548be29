"""Person names from a gazetteer of Norwegian first names and surnames, without an NER model."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from importlib.resources import files

import regex

from detectors.recognizers.base import LANGUAGE
from detectors.recognizers.results import Recognizer, result
from detectors.shape import Shape

FULL_NAME = 0.85  # known first name + known surname
INVERTED = 0.8  # "Nordmann, Kari"
UNKNOWN_SURNAME = 0.6  # known first name + a capitalised word the gazetteer does not know
AMBIGUOUS_UNKNOWN = 0.45  # "Per Kvæstad" or "Tom Liste": context decides
# A first name on its own in running text, capitalised where Norwegian would not capitalise a
# noun: "Takk for hjelpen, Elin!", "Montør Irene var her".
LONE_FIRST_NAME = 0.55
# The same at the start of a sentence, in capitals, or a name that is also a word ("Per",
# "Liv"): the capital letter proves nothing, so only a context word ("hilsen", "hei") lifts it.
LONE_FIRST_NAME_WEAK = 0.3
# A name that is also a word, at the start of a sentence ("Per i dag", "Liv og helse"), or a
# two-letter one ("Mo i Rana"): too weak for a context word to lift past 0.5 ("Per i dag har
# kunden ...", "Kunden bor i Mo i Rana").
LONE_WORDLIKE_INITIAL = 0.1
FIRST_NAME_ONLY = 0.35  # the whole value is one first name: evidence for a fornavn column
SURNAME_ONLY = 0.2

MAX_TOKENS = 4

# Given names that are also everyday words ("Per i dag", "Liv og helse", "Tom liste"): a
# capitalised word after them is not enough on its own; a known name is.
AMBIGUOUS = frozenset(
    """per dag liv even are line else tone odd finn stein live tale vilje andre august tom siv
    bo jo sol storm ulf brede sanne gun bent kalle don rose mark will may endre""".split()
)
# Given names that, capitalised at the start of a sentence, are far more often a word: the
# word-like names above, and "Hans" ("Hans kone ringte": his wife called).
WORDS_AT_START = AMBIGUOUS | {"hans"}
# Words that end with a full stop inside a sentence: a capitalised word after them does not start
# a new sentence ("att. Kari", "Mvh. Ola").
ABBREVIATIONS = frozenset("att attn hr fr fru frk dr v ca jf ref sign mvh vh tlf mob".split())
# Greetings and sign-offs, which stand before a name and a comma as a surname would: "Hei, Kari".
GREETINGS = frozenset("hei hallo heisann hilsen hilsener mvh takk kjære god morn hi hello dear thanks".split())
# Characters that may stand between a sentence boundary and its first word.
_OPENERS = frozenset(" \t\"'«»“”‘’([{-–—•*·>")
# A name followed by one of these is part of an address ("Kari Bergs gate 5"), which the
# address recognizer reports.
STREET_WORDS = frozenset(
    """gate gata gaten gt vei veien vn veg vegen allé alle plass plassen sti stien terrasse
    brygge brygga kai kaia torg torget""".split()
)
# A surname the gazetteer does not know, fused with a street suffix, is a street: "Storgata".
STREET_SUFFIXES = (
    "gate", "gata", "gaten", "veien", "vegen", "plassen", "allé", "alléen", "alleen", "torget", "brygga",
    "stien", "svingen", "ringen", "kroken", "tunet", "grenda", "terrassen",
)
# Organisation forms, sector words and log/product vocabulary that turn capitalised words
# into a company, a system or a log line rather than a person.
NOT_NAME_WORDS = frozenset(
    """as asa sf kf iks ans da ba sa nuf hf rhf ab gmbh ltd inc llc
    energi nett elnett kraft bank sparebank forsikring kommune fylkeskommune gruppen group
    holding eiendom transport consulting service services solutions systems software teknologi
    technologies media invest capital partners senter sentrum stasjon skole barnehage sykehus
    error info warn warning debug trace fatal exception thread main server client desk windows
    linux azure microsoft google amazon oracle java python null true false http https api
    starting stopping started stopped request response connection timeout""".split()
)

_JOINERS = regex.compile(r"['’-]")
_TOKEN = regex.compile(r"\p{L}+(?:['’-]\p{L}+)*")
_SPACE = regex.compile(r"[ \t]+")
_COMMA = regex.compile(r"[ \t]*,[ \t]*")
_WORD_BEFORE = regex.compile(r"(?<![\p{L}.])\p{L}+$")


def _sentence_initial(text: str, start: int) -> bool:
    """Does the word at `start` begin the text, a line or a sentence?

    A colon does not end a sentence ("Saksbehandler: Kari"), nor does the full stop of a
    common abbreviation ("att. Kari").
    """
    j = start - 1
    while j >= 0 and text[j] in _OPENERS:
        j -= 1
    if j < 0 or text[j] in "\r\n":
        return True
    if text[j] in "!?…":
        return True
    if text[j] != ".":
        return False
    word = _WORD_BEFORE.search(text, max(0, j - 12), j)
    return not (word and word.group().lower() in ABBREVIATIONS)


def _standalone(text: str, token: _Token) -> bool:
    """Is the token a word of its own, not part of an address, a path or an identifier?

    "Unni.Berg@gmail.com", "22/Jan/2024", "user=Kari", "kari_87": the name is inside something else.
    """
    before = text[token.start - 1] if token.start else " "
    after = text[token.end] if token.end < len(text) else " "
    if before.isalnum() or before in "@._/\\=#:&%+~|" or after.isalnum() or after in "@_/\\=#&%+~|":
        return False
    if after == "." and token.end + 1 < len(text) and not text[token.end + 1].isspace():
        return False  # "Kari.Nordmann", "Jan.2024"
    return True


@functools.cache
def odd_case_letters() -> tuple[str, ...]:
    """Non-ASCII letters that are not the capital their lower case gives back: a word written
    with one may lower-case to a known name though no literal form of the name holds it."""
    out = []
    for code in range(0x80, 0x110000):
        c = chr(code)
        low = c.lower()
        if low != c and (len(low) != 1 or low.upper() != c):
            out.append(c)
    return tuple(out)


@functools.cache
def gazetteer(name: str) -> frozenset[str]:
    """One list from detectors/data, lower-cased; read once per process."""
    text = (files("detectors") / "data" / name).read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@dataclass(slots=True)
class Found:
    """One name: where, how strong, by which rule; `metadata` as a pattern match has it."""

    start: int
    end: int
    score: float
    rule: str
    metadata: dict


class _Token:
    """A word of the text. What the rules ask of it is worked out once, when first asked: a
    word is asked again by the next rule, and most words have no joiner (' ’ -) to split at."""

    __slots__ = ("text", "start", "end", "low", "_parts", "_capitalised")

    def __init__(self, text: str, start: int, end: int):
        self.text, self.start, self.end = text, start, end
        self.low = text.lower()
        self._parts: list[str] | None = None
        self._capitalised: bool | None = None

    @property
    def parts(self) -> list[str]:
        if self._parts is None:
            self._parts = _JOINERS.split(self.low) if _joined(self.low) else [self.low]
        return self._parts

    @property
    def upper(self) -> bool:
        return len(self.text) > 1 and self.text.isupper()

    @property
    def capitalised(self) -> bool:
        """Title case in every part ("Anne-Lise", "Ødegård") or all capitals ("NORDMANN")."""
        if self._capitalised is None:
            parts = _JOINERS.split(self.text) if _joined(self.text) else (self.text,)
            self._capitalised = self.upper or all(p[:1].isupper() and p[1:] == p[1:].lower() for p in parts)
        return self._capitalised


def _joined(word: str) -> bool:
    """Does the word hold one of _JOINERS' characters?"""
    return "-" in word or "'" in word or "’" in word


class PersonRecognizer(Recognizer):
    """Names as Norwegian data holds them: "Kari Nordmann", "NORDMANN, KARI", "Per Olav Hansen".

    A name starts with a known first name. Capitalisation does the rest: a capitalised word
    the gazetteer does not know may be a rare surname, a lower-case word never is. Norwegian
    capitalises no nouns, so a known first name capitalised inside a sentence is a name even on
    its own ("Takk for hjelpen, Elin!"); at the start of a sentence it proves nothing until a
    context word ("Hilsen", "Montør") lifts it. Everything that only looks like a name —
    companies, places, streets, log lines — is turned away by word lists rather than by a
    model, so the result is the same on every machine.
    """

    ENTITY = "PERSON"
    CONTEXT = [
        "navn", "fornavn", "mellomnavn", "etternavn", "fulltnavn", "kundenavn", "kunde",
        "kontaktperson", "kontakt", "ansatt", "person", "innehaver", "mottaker", "saksbehandler",
        # greetings and sign-offs: "Hei Simen", "Hilsen Martin", "Mvh Kari", "Takk, Per!"
        "hei", "hallo", "kjære", "hilsen", "mvh", "takk",
        # roles a person is named by: "Montør Irene", "rådgiver Dag"
        "montør", "rådgiver", "kundebehandler", "kundeveileder", "tekniker", "elektriker",
        "konsulent", "samboer", "ektefelle", "beboer", "fullmektig",
        "name", "firstname", "lastname", "surname", "customer", "contact", "employee",
        "dear", "regards",
    ]
    EVIDENCE = "name gazetteer"

    def __init__(self, supported_language: str = LANGUAGE, name: str | None = None):
        self.first_names: frozenset[str] = frozenset()
        self.surnames: frozenset[str] = frozenset()
        super().__init__(
            supported_entities=[self.ENTITY],
            name=name or type(self).__name__,
            supported_language=supported_language,
            context=list(self.CONTEXT),
        )

    def load(self) -> None:
        self.first_names = gazetteer("first_names_no.txt")
        self.surnames = gazetteer("surnames_no.txt")

    def accepts(self, shape: Shape) -> bool:
        return shape.letters


    # -- matching ------------------------------------------------------------------------------
    def literals_key(self) -> str:
        """What `may_contain_literals` is made of, named without making it (detectors.literals)."""
        digest = hashlib.sha256()
        for names in (self.first_names, self.surnames):
            digest.update("\n".join(sorted(names)).encode())
            digest.update(b"\0")
        return f"forms-1:{digest.hexdigest()}"

    def may_contain_literals(self) -> list[str]:
        """Strings one of which is in every text `may_contain` accepts, for a literal pass over a
        whole batch (`detectors.screen`): each known name as a capitalised word writes it (title
        case, title case in every part, capitals), and the letters whose case folds outside
        those forms (the Kelvin sign, the ångström sign, a dotted capital I)."""
        forms: set[str] = set()
        for name in self.first_names | self.surnames:
            for form in (name[:1].upper() + name[1:], name.upper(),
                         "".join(p[:1].upper() + p[1:] for p in regex.split(r"(['’-])", name))):
                if form.lower() == name:
                    forms.add(form)
        forms.update(odd_case_letters())
        return sorted(forms)

    def may_contain(self, text: str) -> bool:
        """False when no word could start any rule: every rule needs a capitalised word that is
        a known first name or surname (see `_could_name`). Most log lines have none, so this
        looks at words with a capital first letter only, without a token object for the rest."""
        if text == text.lower():  # no capital letter anywhere (digits, lower-case prose)
            return False
        first, last = self.first_names, self.surnames
        for word in _TOKEN.findall(text):
            if not word[0].isupper():
                continue
            if "-" not in word and "'" not in word and "’" not in word:  # one part: _could_name, no token object
                low = word.lower()
                if (low in first or low in last) and (
                        (len(word) > 1 and word.isupper()) or word[1:] == word[1:].lower()):
                    return True
            elif self._could_name(_Token(word, 0, len(word))):
                return True
        return False

    def analyze(self, text, entities=None, nlp_artifacts=None):
        if entities and self.ENTITY not in entities:
            return []
        return [result(self, f.start, f.end, f.score, f.rule) for f in self.find_names(text)]

    def find_names(self, text: str) -> list[Found]:
        """The names in `text`, as the engine reads a pattern recognizer's matches (`analyze`
        wraps them in Presidio-shaped results). Not called `find`: running text asks a
        recognizer's `find` where it has one, and a plugin's subclass that refines `analyze`
        must still be asked by `analyze` there."""
        tokens = [_Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        # Every rule needs a capitalised known name: most values have none, and say so fast.
        if not any(self._could_name(t) for t in tokens if t.text[0].isupper()):
            return []
        if len(tokens) == 1 and tokens[0].text == text.strip():
            return self._single(tokens[0])
        results = []
        i = 0
        while i < len(tokens):
            found = self._inverted(text, tokens, i) or self._forward(text, tokens, i) or self._lone(text, tokens, i)
            if found is None:
                i += 1
                continue
            end, score, rule = found
            results.append(self._result(tokens[i].start, tokens[end].end, score, rule))
            i = end + 1
        return results

    def _single(self, token: _Token):
        if not token.capitalised:
            return []
        if self._is(token, self.first_names):
            return [self._result(token.start, token.end, FIRST_NAME_ONLY, "single first name")]
        if self._is(token, self.surnames):
            return [self._result(token.start, token.end, SURNAME_ONLY, "single surname")]
        return []

    def _forward(self, text, tokens, i):
        """First name(s), then surname(s): "Per Olav Hansen", "Kari Berg Nordmann"."""
        first = tokens[i]
        if not self._is(first, self.first_names) or not self._plain(first):
            return None
        end, in_surnames = i, False
        while end + 1 < len(tokens) and end - i + 1 < MAX_TOKENS:
            nxt = tokens[end + 1]
            if not self._adjacent(text, tokens[end], nxt) or not self._plain(nxt):
                break
            if self._is(nxt, self.surnames):
                in_surnames = True
            elif in_surnames or not self._is(nxt, self.first_names):
                break
            end += 1
        if in_surnames:
            score, rule = FULL_NAME, "first name + surname"
        elif self._unknown_surname_at(text, tokens, end):
            ambiguous = end == i and first.low in AMBIGUOUS
            score = AMBIGUOUS_UNKNOWN if ambiguous else UNKNOWN_SURNAME
            end, rule = end + 1, "first name + unknown surname"
        elif end > i:
            score, rule = UNKNOWN_SURNAME, "first names"
        else:
            return None
        if self._followed_by_blocker(text, tokens, end):
            return None
        return end, score, rule

    def _inverted(self, text, tokens, i):
        """Surname, first name(s): "Nordmann, Kari", "HANSEN, PER OLAV", "Kvernrud, Siv"."""
        if i + 1 >= len(tokens):
            return None
        surname, first = tokens[i], tokens[i + 1]
        if not _COMMA.fullmatch(text, surname.end, first.start):
            return None
        if not (self._is(first, self.first_names) and self._plain(first)):
            return None
        end = i + 1
        while end + 1 < len(tokens) and end - i + 1 < MAX_TOKENS:
            nxt = tokens[end + 1]
            if not (self._adjacent(text, tokens[end], nxt) and self._is(nxt, self.first_names) and self._plain(nxt)):
                break
            end += 1
        if self._followed_by_blocker(text, tokens, end):
            return None
        if self._is(surname, self.surnames) and self._plain(surname):
            return end, INVERTED, "surname, first name"
        # A surname the gazetteer lacks: after a comma the first name is never capitalised for
        # being first in a sentence, so the form carries it. The word before the comma must not
        # start a sentence ("Takk, Per", "Hei, Kari") unless the name is all there is.
        if surname.low in GREETINGS or self._is(surname, self.first_names):
            return None
        if not self._unknown_surname(surname, first):
            return None
        whole = not text[: surname.start].strip() and not text[tokens[end].end :].strip()
        if not whole and _sentence_initial(text, surname.start):
            return None
        return end, UNKNOWN_SURNAME, "unknown surname, first name"

    def _lone(self, text, tokens, i):
        """A first name on its own: strong where Norwegian capitalises nothing else."""
        token = tokens[i]
        if not self._is(token, self.first_names) or not self._plain(token) or not _standalone(text, token):
            return None
        # Part of a run of capitalised words ("Spotpris Plus", "Nord Pool", "Kari NAV") that is
        # not a name: a product, an organisation or a heading.
        if i + 1 < len(tokens) and self._adjacent(text, token, tokens[i + 1]) and tokens[i + 1].capitalised:
            return None
        if i > 0 and self._adjacent(text, tokens[i - 1], token) and tokens[i - 1].capitalised:
            if not _sentence_initial(text, tokens[i - 1].start):
                return None
        initial = _sentence_initial(text, token.start)
        if (token.low in WORDS_AT_START and initial) or len(token.text) < 3:
            score = LONE_WORDLIKE_INITIAL
        elif token.upper or token.low in AMBIGUOUS or initial:
            score = LONE_FIRST_NAME_WEAK
        else:
            score = LONE_FIRST_NAME
        return i, score, "first name alone"

    # -- helpers -------------------------------------------------------------------------------
    def _could_name(self, token: _Token) -> bool:
        """What every rule asks of the word it starts from (`_single`, `_forward`, `_inverted`'s
        first name, `_lone`): capitalised, and a first name or surname in every part."""
        return token.capitalised and (self._is(token, self.first_names) or self._is(token, self.surnames))

    def _is(self, token: _Token, names: frozenset[str]) -> bool:
        return token.low in names or all(p in names for p in token.parts)

    @staticmethod
    def _plain(token: _Token) -> bool:
        return token.capitalised and token.low not in NOT_NAME_WORDS

    @staticmethod
    def _adjacent(text: str, a: _Token, b: _Token) -> bool:
        return _SPACE.fullmatch(text, a.end, b.start) is not None

    def _unknown_surname_at(self, text: str, tokens: list[_Token], end: int) -> bool:
        """Is the word after tokens[end] capitalised like a surname the gazetteer lacks?"""
        if end + 1 >= len(tokens) or not self._adjacent(text, tokens[end], tokens[end + 1]):
            return False
        return self._unknown_surname(tokens[end + 1], tokens[end])

    def _unknown_surname(self, token: _Token, first: _Token) -> bool:
        """Could `token`, next to the first name `first`, be a surname the gazetteer lacks?"""
        if not self._plain(token) or len(token.text) < 3 or token.low in STREET_WORDS:
            return False
        if token.upper and not first.upper:  # "Kari NAV", "Ola API": an acronym
            return False
        return not token.low.endswith(STREET_SUFFIXES)

    @staticmethod
    def _followed_by_blocker(text: str, tokens: list[_Token], end: int) -> bool:
        if end + 1 >= len(tokens) or not PersonRecognizer._adjacent(text, tokens[end], tokens[end + 1]):
            return False
        word = tokens[end + 1].low
        return word in STREET_WORDS or word in NOT_NAME_WORDS

    @staticmethod
    def _result(start: int, end: int, score: float, rule: str) -> Found:
        return Found(start, end, score, rule, {})
