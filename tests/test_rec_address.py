import pytest

from detectors.recognizers.address import AddressRecognizer
from detectors.shape import Shape

rec = AddressRecognizer()


def found(text):
    return [(text[r.start : r.end], r.score) for r in rec.analyze(text, [rec.ENTITY])]


@pytest.mark.parametrize(
    "text,match",
    [
        ("Storgata 12B", "Storgata 12B"),
        ("STORGATA 12B", "STORGATA 12B"),
        ("Kari Bergs gate 5", "Kari Bergs gate 5"),
        ("Nedre Slottsgate 3 H0301", "Nedre Slottsgate 3 H0301"),
        ("Øvre Vollgate 11", "Øvre Vollgate 11"),
        ("Gamle Drammensvei 120", "Gamle Drammensvei 120"),
        ("Strandveien 4a", "Strandveien 4a"),
        ("Dronning Eufemias gate 16", "Dronning Eufemias gate 16"),
        ("Haakon VIIs gate 2", "Haakon VIIs gate 2"),
        ("St. Olavs gate 24", "St. Olavs gate 24"),
        ("Bygdøy allé 5", "Bygdøy allé 5"),
        ("Storgata 12, 0150 OSLO", "Storgata 12, 0150 OSLO"),
        ("Storgata 12 0150 Oslo", "Storgata 12 0150 Oslo"),
        ("KARI BERGS GATE 5, 0150 OSLO", "KARI BERGS GATE 5, 0150 OSLO"),
        ("Postboks 123 Sentrum, 0104 Oslo", "Postboks 123 Sentrum, 0104 Oslo"),
        ("Solhaugen 3, 1410 Kolbotn", "Solhaugen 3, 1410 Kolbotn"),
        ("Kunden bor i Kari Bergs gate 5, 0150 Oslo.", "Kari Bergs gate 5, 0150 Oslo"),
        ("Levering til Strandveien 4a i morgen", "Strandveien 4a"),
        # street names made of landscape words, as most Norwegian street names are
        ("Aasmoen 70", "Aasmoen 70"),
        ("Øvre Bakke 126", "Øvre Bakke 126"),
        ("Jørgensenalléen 72C", "Jørgensenalléen 72C"),
        ("Hauglandfaret 96", "Hauglandfaret 96"),
        ("Bakkenhavna 44", "Bakkenhavna 44"),
        ("Bjørkelia 107A", "Bjørkelia 107A"),
        ("Anlegget i Bjørkelia 107A har ny måler", "Bjørkelia 107A"),
        ("Sandviktjernet 22B, 9405 HARSTAD", "Sandviktjernet 22B, 9405 HARSTAD"),
        ("Send fakturaen til Sandviktjernet 22B, 9405 HARSTAD, att. Tom.", "Sandviktjernet 22B, 9405 HARSTAD"),
        ("Granåsen 5", "Granåsen 5"),
        ("Furuneset 12", "Furuneset 12"),
        ("Kvernhusmyra 8", "Kvernhusmyra 8"),
        ("Elvesletta 3", "Elvesletta 3"),
        ("Bjørnekleiva 14", "Bjørnekleiva 14"),
        ("Solbergtoppen 9", "Solbergtoppen 9"),
        ("Nordre Kirkegrenda 2", "Nordre Kirkegrenda 2"),
        ("Haugeringen 67B", "Haugeringen 67B"),
        # any name, when the postal line in capitals completes the address
        ("Strandvangen 13, 9405 HARSTAD", "Strandvangen 13, 9405 HARSTAD"),
        # a letter's address block: the postal line under the street
        ("Kari Nordmann\nStorgata 12\n0150 OSLO\n\nBekreftelse", "Storgata 12\n0150 OSLO"),
        ("Strømmyra 817\r\n5145 FYLLINGSDALEN", "Strømmyra 817\r\n5145 FYLLINGSDALEN"),
        ("Postboks 123\n0104 Oslo", "Postboks 123\n0104 Oslo"),
        ("  Storgata 13\n  9405 HARSTAD", "Storgata 13\n  9405 HARSTAD"),
    ],
)
def test_finds(text, match):
    hits = found(text)
    assert [h[0] for h in hits] == [match]
    assert hits[0][1] >= 0.5
    assert rec.accepts(Shape.of(text))


@pytest.mark.parametrize(
    "text,score",
    [
        ("Storgata 12, 0150 OSLO", 0.9),
        ("Storgata 12B", 0.6),
        ("Solhaugen 3", 0.55),  # a place name made of landscape words
        ("Langmoen 3", 0.45),  # the same, but also a surname
        ("Langmoen 3B", 0.6),  # a house letter belongs to an address
        ("Øvre Bakke 126", 0.6),
        ("Holmenkollen 2024", 0.45),  # a year
        ("Bjørkelia 107A, 9405 HARSTAD", 0.9),
        ("Strandvangen 13, 9405 HARSTAD", 0.8),
        ("Storgata 12\n0150 Oslo", 0.9),
        ("0150 OSLO", 0.45),
        ("7030 TRONDHEIM", 0.45),
        ("1337 SANDVIKA", 0.45),
        ("9990 BÅTSFJORD", 0.45),
        ("8622 MO I RANA", 0.45),
        ("0150 Oslo", 0.35),
        ("8622 Mo i Rana", 0.35),
    ],
)
def test_scores(text, score):
    assert found(text) == [(text, score)]
    assert rec.accepts(Shape.of(text))


@pytest.mark.parametrize(
    "text",
    [
        "2024 ERROR", "2023 INFO", "1200 OK", "8080 HTTP", "2024 Starting server", "2023 Release notes",
        "2024-01-05 12:00:01 WARN disk", "Windows 10", "Python 3", "Kapittel 12", "Side 4", "Rom 3",
        "version 2.3.1", "v1.2.3 Build", "Parkeringsplass 12", "Storgata", "Oslo", "0150 oslo", "Navn 3",
        "Kari Nordmann", "Januar 2024", "12345 OSLO", "ordre 1234567 OSLO",
        # place names with a number that counts, times, ordinals, results and headings
        "Vi var i Sandvika 3 ganger i fjor", "Toget til Sandvika 12:30 er innstilt", "Holmenkollen 2024",
        "Rapporten fra Notodden 4. kvartal", "Ruta Nydalen 45 minutter forsinket", "Vålerenga 3-1 Molde",
        "Brann 2 – Vålerenga 1", "Prisen i Holmlia steg 12 %", "nye Windows 10",
        "Kapittel 12, 2023 Oppdatering", "Juli 15", "Haugen 3",
        # a line break ends the street unless a postal line follows it at once
        "Rom 3\n2024 ERROR", "Kapittel 12\n2023 Oppdatering", "Side 4\n\n0150 OSLO", "Haugen 3\n\n0150 Oslo",
        "Kapittel 3\n2024 ENDRINGER I RUTINER", "Side 12\n3000 DRAMMEN", "Tabell 2\n1000 RADER",
    ],
)
def test_hard_negatives(text):
    assert [h for h in found(text) if h[1] >= 0.5] == []


@pytest.mark.parametrize("text", ["2024 ERROR", "1200 OK", "8080 HTTP", "Windows 10", "Kapittel 12", "12345 OSLO"])
def test_hard_negatives_nothing_at_all(text):
    assert found(text) == []


def test_accepts_needs_letters_and_digits():
    assert not rec.accepts(Shape.of("Storgata"))
    assert not rec.accepts(Shape.of("0150"))
