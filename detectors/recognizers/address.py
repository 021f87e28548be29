"""Norwegian postal addresses: street + house number, postnummer + poststed, postboks."""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern

from detectors.recognizers.base import KartleggPatternRecognizer
from detectors.shape import Shape


def _words(text: str) -> str:
    return "|".join(sorted(text.split(), key=len, reverse=True))


# Street names end in one of these, fused ("Storgata") or as a word of their own ("Kari Bergs
# gate"). The weak ones are also common surnames and farm names ("Haugen", "Nordhagen").
_STRONG = _words(
    """gata gaten gate veien vegen vei veg allé plassen plass stien terrassen terrasse brygga
    brygge kaia kaien torget torg ringen svingen tunet kroken stredet smauet"""
)
_WEAK = _words("bakken bakke lia lien haugen åsen hagen jordet løkka løkken berget toppen kollen lunden myra enga")
_SEPARATE = _words(
    """gate gata gaten vei veien veg vegen allé alle plass plassen sti stien bakke bakken terrasse
    brygge brygga kai kaia torg torget"""
)
_QUALIFIER = _words("nedre øvre gamle nye store lille søndre nordre østre vestre ytre indre sankt")
# Words ending in -plass that name a spot, not a street: "Parkeringsplass 12".
_NOT_STREET = r"(?!(?i:parkerings|arbeids|sitte|leke|camping|lager|stå|p-)plass)"

_END = r"(?![\p{L}\d])"
_WORD = r"(?:\p{Lu}\p{Ll}+(?:-\p{Lu}?\p{Ll}+)*|\p{Lu}{2,}(?:-\p{Lu}+)*)"
_ABBREVIATION = r"\p{Lu}\p{Ll}{0,4}\."  # St. Olavs gate, Chr. Michelsens gate
_GENITIVE = r"(?:\p{Lu}\p{Ll}+s|\p{Lu}{2,}S|[IVX]+s)"  # Kari Bergs, KARI BERGS, Haakon VIIs
_PREFIX = rf"(?:(?i:{_QUALIFIER})[ ])?"


def _fused(suffixes: str) -> str:
    return rf"{_PREFIX}{_NOT_STREET}\p{{Lu}}[\p{{L}}-]+?(?i:{suffixes}|gt\.|vn\.){_END}"


_SEPARATE_STREET = (
    rf"(?:(?:{_WORD}|{_ABBREVIATION})[ ]){{0,2}}"
    rf"(?:{_GENITIVE}[ ](?i:{_SEPARATE}|gt\.|vn\.)|{_WORD}[ ](?i:allé|alle|terrasse)){_END}"
)
_STREET = rf"(?:{_fused(_STRONG)}|{_SEPARATE_STREET})"
_WEAK_STREET = _fused(_WEAK)
# House number with letter and optional bolignummer: 12, 12B, 4 a, 12-14, 3 H0301.
_NUMBER = r"\d{1,4}(?:[ ]?[A-Za-z](?![\p{L}\d]))?(?:-\d{1,4})?(?:[ ][HUKLhukl]\d{4})?" + _END
_POSTNR = r"(?<![\p{L}\d.,:/+-])(?:NO?-)?\d{4}"
# Poststed: one word, or two joined by a hyphen, " i " (Mo i Rana) or after a qualifier.
_POSTSTED = (
    rf"(?:(?i:{_QUALIFIER})[ ])?\p{{Lu}}\p{{L}}+(?:(?:-|[ ](?i:i)[ ])\p{{Lu}}\p{{L}}+)?{_END}"
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
_POSTBOKS = r"(?i:postboks|pb\.|p\.?[ ]?o\.?[ ]?box)[ ]\d{1,5}(?:[ ]\p{Lu}\p{Ll}+)?"  # "Postboks 123 Sentrum"


class AddressRecognizer(KartleggPatternRecognizer):
    """Street addresses and postal codes the way Norwegian registers write them.

    Capitalisation carries the evidence ("0150 OSLO" is a poststed, "0150 oslo" is not), so the
    patterns are case-sensitive and only the street suffixes and filler words ignore case.
    """

    ENTITY = "NO_ADDRESS"
    PATTERNS = [
        Pattern("street + number + postnummer", rf"{_STREET}[ ]{_NUMBER},?[ \t]+{_POSTAL}", 0.9),
        Pattern("weak street + number + postnummer", rf"{_WEAK_STREET}[ ]{_NUMBER},?[ \t]+{_POSTAL}", 0.9),
        Pattern("postboks + postnummer", rf"{_POSTBOKS},?[ \t]+{_POSTAL}", 0.9),
        Pattern("street + number", rf"{_STREET}[ ]{_NUMBER}", 0.6),
        Pattern("weak street + number", rf"{_WEAK_STREET}[ ]{_NUMBER}", 0.45),
        Pattern("postnummer + POSTSTED", _POSTAL_ALONE + _UPPER_POSTSTED, 0.45),
        Pattern("postnummer + Poststed", _POSTAL_ALONE + _MIXED_POSTSTED, 0.35),
    ]
    CONTEXT = [
        "adresse", "gateadresse", "postadresse", "bostedsadresse", "leveringsadresse", "gatenavn",
        "husnr", "husnummer", "bor", "postnr", "postnummer", "poststed", "postboks", "levering",
        "address", "street", "zip", "postcode", "city",
    ]
    EVIDENCE = "address pattern"
    FLAGS = regex.DOTALL | regex.MULTILINE

    def accepts(self, shape: Shape) -> bool:
        return shape.letters and shape.digits >= 1

    # "Storgata 12, 0150 OSLO" also matches as street + number and as postnummer alone: the
    # base class's select() keeps only the strongest, longest reading.
