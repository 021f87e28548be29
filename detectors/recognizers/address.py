"""Norwegian postal addresses: street + house number, postnummer + poststed, postboks."""

from __future__ import annotations

import regex

from detectors.recognizers.base import KartleggPatternRecognizer
from detectors.recognizers.person import gazetteer
from detectors.recognizers.results import Pattern
from detectors.shape import Shape


def _words(text: str) -> str:
    return "|".join(sorted(text.split(), key=len, reverse=True))


def _trie(text: str) -> str:
    """The words as a prefix tree ("g(?:at(?:a|e(?:n)?)|renda)"): the same texts as `_words`,
    but `regex` tries each letter once where it tried each word in turn, at every place a lazy
    street name could end (2x faster on a street name). A match's span is the same: only one
    word can end where a pattern requires a non-letter next."""
    tree: dict = {}
    for word in set(text.split()):
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [regex.escape(ch) + emit(node[ch]) for ch in sorted(node) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


# Street names end in one of these, fused ("Storgata") or as a word of their own ("Kari Bergs
# gate"). The strong ones name a street or a built place and nothing else.
_STRONG_WORDS = """gata gaten gate veien vegen vei veg allé alléen alle alleen plassen plass stien
    terrassen terrasse brygga brygge bryggen kaia kaien torget torg ringen svingen tunet kroken
    stredet smauet smuget passasjen promenaden grenda feltet parken"""
# The rest of Norwegian street names are place names: the definite form of a landscape word
# (-lia "the hillside", -moen "the sandy plain", -tjernet "the tarn"), as farms, fields and
# housing estates were named. Farm names are also surnames ("Haugen", "Bakken", "Moen"), so a
# word the surname list knows is weaker evidence than a compound it does not ("Bjørkelia").
_TOPONYM_WORDS = """bakken bakke brekka brekke kleiva kleiven lia lien haugen haug åsen hagen
    jordet løkka løkken løkkene gården garden tunet toppen kollen berget fjellet nabben knausen
    eggen høgda høgde skrenten spranget hella hellen heia heien skogen lunden holtet lyngen
    marka myra myrene sletta sletten flata enga engen vollen moen sanden stranda strand
    gjerdet stykket ekra åkeren roa røa rudet bråten bråtan stubben gropa dalen juvet
    vika viken bukta neset nesset odden tangen holmen øya øyene sundet havna hamna hamn
    tjernet tjern vannet elva bekken fossen setra seter sæter stølen faret"""
_STRONG = _words(_STRONG_WORDS)
_WEAK = _words(_TOPONYM_WORDS)
_STRONG_TREE, _WEAK_TREE = _trie(_STRONG_WORDS), _trie(_TOPONYM_WORDS)
_SEPARATE = _words(
    """gate gata gaten vei veien veg vegen allé alle plass plassen sti stien bakke bakken terrasse
    brygge brygga kai kaia torg torget"""
)
_QUALIFIER_WORDS = "nedre øvre gamle nye store lille søndre nordre østre vestre ytre indre sankt"
_QUALIFIER, _QUALIFIER_TREE = _words(_QUALIFIER_WORDS), _trie(_QUALIFIER_WORDS)
# Words ending in -plass that name a spot, not a street: "Parkeringsplass 12".
_NOT_STREET = r"(?!(?i:parkerings|arbeids|sitte|leke|camping|lager|stå|p-)plass)"

# A result, not an address: "Brann 2 – Molde 1".
_SCORE_DASH = r"[ ]?[–—][ ]?\p{Lu}|[ ]-[ ]\p{Lu}"
_AFTER_SCORE = r"(?<!\d[ ]?[–—][ ]?|\d[ ]-[ ])"
_END = r"(?![\p{L}\d])"
_WORD = r"(?:\p{Lu}\p{Ll}+(?:-\p{Lu}?\p{Ll}+)*|\p{Lu}{2,}(?:-\p{Lu}+)*)"
_ABBREVIATION = r"\p{Lu}\p{Ll}{0,4}\."  # St. Olavs gate, Chr. Michelsens gate
_GENITIVE = r"(?:\p{Lu}\p{Ll}+s|\p{Lu}{2,}S|[IVX]+s)"  # Kari Bergs, KARI BERGS, Haakon VIIs
_PREFIX = rf"(?:(?i:{_QUALIFIER_TREE})[ ])?"


def _fused(suffixes: str) -> str:
    # A street name starts a word and is not endless: else every letter of a long run of capitals
    # is a start and the lazy run reaches to its end, a quadratic search (33 s on 4,096 letters).
    return (rf"{_AFTER_SCORE}{_PREFIX}{_NOT_STREET}(?<![\p{{L}}\d])\p{{Lu}}[\p{{L}}-]{{1,48}}?"
            rf"(?i:{suffixes}|gt\.|vn\.){_END}")


_SEPARATE_STREET = (
    rf"(?<![\p{{L}}\d])(?:(?:{_WORD}|{_ABBREVIATION})[ ]){{0,2}}"
    rf"(?:{_GENITIVE}[ ](?i:{_SEPARATE}|gt\.|vn\.)|{_WORD}[ ](?i:allé|alle|terrasse)){_END}"
)
# Every street starts with a letter (a qualifier's or a capital): tested first, a place that
# holds none is left at once, before the look-behinds and the qualifier are tried there.
_STREET = rf"(?=\p{{L}})(?:{_fused(_STRONG_TREE)}|{_SEPARATE_STREET})"
_WEAK_STREET = rf"(?=\p{{L}}){_fused(_WEAK_TREE)}"
# "Øvre Bakke", "Nedre Ullevål", "Lille Grensen": a capitalised qualifier makes a place name a
# street name.
_QUALIFIED_STREET = rf"(?<![\p{{L}}\d])(?=\p{{Lu}})(?i:{_QUALIFIER_TREE})[ ]{_WORD}{_END}"
# Any capitalised name, for the full form only: "Strandskrenten 13, 9405 HARSTAD".
_ANY_STREET = rf"(?<![\p{{L}}\d]){_PREFIX}{_WORD}"
# House number with letter and optional bolignummer: 12, 12B, 4 a, 12-14, 3 H0301.
# A number that counts or measures is no house number: "Sandvika 3 ganger", "Moen 45 minutter".
_UNITS = _words(
    """ganger gang km kilometer meter mil minutter minutt min timer time sekunder sek dager dag
    døgn uker uke måneder måned mnd år kr kroner nok eur prosent mål poeng grader personer
    stk stykker kwh mwh kw watt kg tonn liter cm mm plasser"""
)
# Not a time, a decimal, a share or an ordinal either: "Sandvika 12:30", "Lia 2,5", "Moen 50 %",
# "Notodden 4. kvartal".
_NUMBER = (
    r"\d{1,4}(?:[ ]?[A-Za-z](?![\p{L}\d]))?(?:-\d{1,4})?(?:[ ][HUKLhukl]\d{4})?"
    + _END
    + rf"(?![:.,]\d|[ ]?%|\.[ ]\p{{Ll}}|[ ](?i:{_UNITS}){_END}|{_SCORE_DASH})"
)
_POSTNR = r"(?<![\p{L}\d.,:/+-])(?:NO?-)?\d{4}"
# Poststed: one word, or two joined by a hyphen, " i " (Mo i Rana) or after a qualifier.
_POSTSTED = (
    rf"(?:(?i:{_QUALIFIER_TREE})[ ])?\p{{Lu}}\p{{L}}+(?:(?:-|[ ](?i:i)[ ])\p{{Lu}}\p{{L}}+)?{_END}"
)
_POSTAL = rf"{_POSTNR}[ \t]+{_POSTSTED}"
# Log levels, protocols, units and other capitalised words that follow a 4-digit number in
# logs and tech text: "2024 ERROR", "1200 OK", "8080 HTTP".
_NOT_POSTSTED = _words(
    """error err info warn warning debug trace fatal critical notice ok http https get post put
    delete patch head options tcp udp ssl tls api utc gmt cet cest nok eur usd sek dkk kr kwh
    mwh kw mw gb mb kb tb ms sec min am pm id pid tid port insert select update from where null
    true false build version release starting started stopping stopped shutdown connection
    connected server service thread main user status request response timeout exception failed
    failure success done retry windows linux januar februar mars april mai juni juli august
    september oktober november desember mandag tirsdag onsdag torsdag fredag lørdag søndag"""
)
_POSTAL_ALONE = rf"{_POSTNR}[ \t]+(?!(?i:{_NOT_POSTSTED}){_END})"
_UPPER_POSTSTED = r"\p{Lu}{2,}(?:(?:[ -]|[ ]I[ ])\p{Lu}{2,})?" + _END
_MIXED_POSTSTED = r"\p{Lu}\p{Ll}+(?:(?:-|[ ]i[ ])\p{Lu}\p{Ll}+)?" + _END
# Between the street and the postal line: a space or comma on one line, or the line break of
# an address block as a letter prints it ("Storgata 5\n0150 OSLO"). Only after a street word:
# any capitalised word and a number over a postal line is a heading ("Kapittel 3\n2024 ENDRINGER").
_TO_POSTAL = r",?(?:[ \t]+|[ \t]*\r?\n[ \t]*)"
_POSTBOKS = r"(?i:postboks|pb\.|p\.?[ ]?o\.?[ ]?box)[ ]\d{1,5}(?:[ ]\p{Lu}\p{Ll}+)?"  # "Postboks 123 Sentrum"

WEAK_STREET = "toponym + number"
QUALIFIED_STREET = "qualified + number"
# A toponym street the name lists know (a surname such as "Haugen 3", or "Julia 3"), or a
# year-like number after a place name ("Holmenkollen 2024", "Nye Veier 2025").
WEAK_KNOWN = 0.45
# A house letter or a bolignummer (12B, 3 H0301) belongs to an address whatever the name, and
# so does a qualifier ("Øvre Haugen 3": never a person).
WEAK_WITH_LETTER = 0.6
_RANGE = regex.compile(r"[ ](?P<low>\d{1,4})-(?P<high>\d{1,4})(?!\d)")
_BARE_TOPONYM = regex.compile(rf"(?:{_WEAK})")
_HOUSE_NUMBER = regex.compile(
    r"^(?P<name>.*?)[ ](?P<number>\d{1,4})(?P<letter>[ ]?[A-Za-z])?(?:-\d{1,4})?(?P<bolig>[ ][HUKLhukl]\d{4})?$"
)


class AddressRecognizer(KartleggPatternRecognizer):
    """Street addresses and postal codes the way Norwegian registers write them.

    Capitalisation carries the evidence ("0150 OSLO" is a poststed, "0150 oslo" is not), so the
    patterns are case-sensitive and only the street suffixes and filler words ignore case.
    """

    ENTITY = "NO_ADDRESS"
    PATTERNS = [
        Pattern("street + number + postnummer", rf"{_STREET}[ ]{_NUMBER}{_TO_POSTAL}{_POSTAL}", 0.9),
        Pattern("toponym + number + postnummer", rf"{_WEAK_STREET}[ ]{_NUMBER}{_TO_POSTAL}{_POSTAL}", 0.9),
        Pattern("qualified + number + postnummer", rf"{_QUALIFIED_STREET}[ ]{_NUMBER}{_TO_POSTAL}{_POSTAL}", 0.9),
        # Any name + number, a comma and a postal line with the poststed in capitals, as Posten
        # prints it: the whole form is the evidence.
        Pattern("name + number, postnummer + POSTSTED", rf"{_ANY_STREET}[ ]{_NUMBER},[ \t]+{_POSTAL_ALONE}{_UPPER_POSTSTED}", 0.8),
        Pattern("postboks + postnummer", rf"{_POSTBOKS}{_TO_POSTAL}{_POSTAL}", 0.9),
        Pattern("street + number", rf"{_STREET}[ ]{_NUMBER}", 0.6),
        Pattern(QUALIFIED_STREET, rf"{_QUALIFIED_STREET}[ ]{_NUMBER}", 0.6),
        Pattern(WEAK_STREET, rf"{_WEAK_STREET}[ ]{_NUMBER}", 0.55),
        Pattern("postnummer + POSTSTED", _POSTAL_ALONE + _UPPER_POSTSTED, 0.45),
        Pattern("postnummer + Poststed", _POSTAL_ALONE + _MIXED_POSTSTED, 0.35),
    ]
    CONTEXT = [
        "adresse", "gateadresse", "postadresse", "bostedsadresse", "leveringsadresse", "gatenavn",
        "husnr", "husnummer", "bor", "postnr", "postnummer", "poststed", "postboks", "levering",
        "address", "street", "zip", "postcode", "city",
    ]
    EVIDENCE = "address pattern"
    # Every pattern with a postal line holds a postnummer and the blank after it; the street
    # patterns with one start with the street + number pattern of their kind.
    # The street patterns without one need their kind's street word just before the house
    # number: each is tried only where that is (a toponym's 10 us, a street's 13 us, on a value
    # of the other kind). Their forms with a postnummer are tried after these, as their heads.
    # Written as look-behinds from " 1": `regex` then reads the words only where a blank and a
    # digit are, not at every letter (1.6 us a value instead of 3.6).
    PATTERN_NEEDS = {
        **{p.name: r"\d{4}[ \t]" for p in PATTERNS if "postnummer" in p.name},
        "street + number": rf"(?<=(?i:{_STRONG}|{_SEPARATE}|gt\.|vn\.|allé|alle|terrasse))[ ]\d",
        WEAK_STREET: rf"(?<=(?i:{_WEAK}|gt\.|vn\.))[ ]\d",
        QUALIFIED_STREET: rf"(?i:{_QUALIFIER})[ ]",
    }
    PATTERN_HEADS = {"street + number + postnummer": "street + number",
                     "toponym + number + postnummer": WEAK_STREET,
                     "qualified + number + postnummer": QUALIFIED_STREET}
    PREFILTER = r"[\p{L}.][ ]\d|\d{4}[ \t]"  # every pattern: a word then a house number, or a postnummer
    TEXT_NEEDS = r"\p{Lu}"  # every pattern is case-sensitive somewhere: a street, toponym or poststed
    # Every address has a street word before a house number, a qualified name before one, or a
    # postnummer before a capitalised poststed: literals first, where "1290 ms" and "sak 12" fail.
    SCREEN = (
        rf"(?i:{_STRONG}|{_WEAK}|{_SEPARATE}|gt\.|vn\.)[ ]\d"
        rf"|(?i:{_QUALIFIER})[ ]\p{{Lu}}[\p{{L}}-]*[ ]\d"
        rf"|\d{{4}}[ \t]+(?:\p{{Lu}}|(?i:{_QUALIFIER})[ ])"
    )
    FLAGS = regex.DOTALL | regex.MULTILINE

    def accepts(self, shape: Shape) -> bool:
        return shape.letters and shape.digits >= 1

    def is_valid(self, text: str) -> bool:
        """A house number range runs upwards ("12-14"); "3-1" is a score."""
        span = _RANGE.search(text)
        return span is None or int(span["low"]) < int(span["high"])

    def score(self, pattern: Pattern, value: str) -> float:
        """The pattern's score, except for a place-name street + number (see WEAK_KNOWN)."""
        if pattern.name not in (WEAK_STREET, QUALIFIED_STREET):
            return pattern.score
        parts = _HOUSE_NUMBER.match(value)
        if parts is None:
            return pattern.score
        if parts["letter"] or parts["bolig"]:
            return WEAK_WITH_LETTER
        number = parts["number"]
        if len(number) == 4 and number[:2] in ("19", "20"):
            return WEAK_KNOWN
        if pattern.name == QUALIFIED_STREET:
            return pattern.score
        words = parts["name"].lower().split()
        if len(words) > 1:  # "Øvre Haugen 3"
            return WEAK_WITH_LETTER
        word = words[-1]
        known = any(word in gazetteer(f) for f in ("surnames_no.txt", "first_names_no.txt"))
        bare = _BARE_TOPONYM.fullmatch(word) is not None
        return WEAK_KNOWN if known or bare else pattern.score

    def score_bound(self, pattern: Pattern) -> float:
        return max(pattern.score, WEAK_WITH_LETTER) if pattern.name in (WEAK_STREET, QUALIFIED_STREET) else pattern.score

    # "Storgata 12, 0150 OSLO" also matches as street + number and as postnummer alone: the
    # base class's select() keeps only the strongest, longest reading.
