import pytest
import spacy
from presidio_analyzer import RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.recognizers.person import PersonRecognizer
from detectors.shape import Shape

rec = PersonRecognizer()


def found(text):
    return [(text[r.start : r.end], r.score) for r in rec.analyze(text, [rec.ENTITY])]


@pytest.mark.parametrize(
    "text,match",
    [
        ("Kari Nordmann", "Kari Nordmann"),
        ("Nordmann, Kari", "Nordmann, Kari"),
        ("HANSEN, PER OLAV", "HANSEN, PER OLAV"),
        ("Anne-Lise Berg", "Anne-Lise Berg"),
        ("Per Olav Hansen", "Per Olav Hansen"),
        ("Kari Berg-Hansen", "Kari Berg-Hansen"),
        ("KARI NORDMANN", "KARI NORDMANN"),
        ("Kunden Kari Nordmann ringte i går om fakturaen", "Kari Nordmann"),
        ("Ta kontakt med Ola Hansen på telefon", "Ola Hansen"),
        ("Bjørn Sæther", "Bjørn Sæther"),
        ("Søren Ødegård", "Søren Ødegård"),
        ("Ståle Johansen", "Ståle Johansen"),
        ("Åse Strøm", "Åse Strøm"),
        ("Per Hansen", "Per Hansen"),  # an ambiguous first name with a known surname
        ("Kari Xyzqvist", "Kari Xyzqvist"),  # a surname the gazetteer does not know
        ("Anne Marie", "Anne Marie"),
        ("Vennlig hilsen Erik Olsen, kundeservice", "Erik Olsen"),
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
        ("Kari Nordmann", 0.85),
        ("Nordmann, Kari", 0.8),
        ("Kari Xyzqvist", 0.6),
        ("Kari", 0.35),
        ("ANNE-LISE", 0.35),
        ("Nordmann", 0.2),
    ],
)
def test_scores(text, score):
    assert found(text) == [(text, score)]
    assert rec.accepts(Shape.of(text))


def test_one_result_per_name():
    text = "Kari Nordmann, Ola Hansen og Per Olsen"
    assert [h[0] for h in found(text)] == ["Kari Nordmann", "Ola Hansen", "Per Olsen"]


@pytest.mark.parametrize(
    "text",
    [
        # organisations
        "Oslo Energi AS", "Statnett SF", "Elvia AS", "Lyse Energi", "Hafslund Nett", "Kari Nordmann AS",
        # places
        "Oslo", "Nedre Eiker", "Bergen Sentrum", "Kristiansand", "Trondheim",
        # streets: the address recognizer reports them
        "Storgata 12", "Kari Bergs gate 5", "Ola Nordmanns plass 1", "Kari Storgata 3",
        # logs and code
        "ERROR Connection refused", "INFO Starting Service", "NullPointerException", "Main Thread",
        "GET /api/kunder", "Kari NAV",
        # calendar
        "Mandag", "Januar 2024", "August 2023", "Fredag Kveld",
        # sentence starts and names that are words
        "Per i dag er det ingen avvik", "Liv Og Helse", "Tom Liste", "Endre Passord",
        # products and systems
        "Microsoft Azure", "Service Desk", "Windows Server",
        # lower case is not a name
        "kari nordmann", "per",
    ],
)
def test_hard_negatives(text):
    assert [h for h in found(text) if h[1] >= 0.5] == []


@pytest.mark.parametrize("text", ["Oslo Energi AS", "Mandag", "Storgata 12", "ERROR Connection refused", "per"])
def test_hard_negatives_nothing_at_all(text):
    assert found(text) == []


def test_result_metadata():
    (result,) = rec.analyze("Kari Nordmann", [rec.ENTITY])
    assert result.recognition_metadata[RecognizerResult.RECOGNIZER_NAME_KEY] == rec.name
    assert result.recognition_metadata[RecognizerResult.RECOGNIZER_IDENTIFIER_KEY] == rec.id
    assert result.analysis_explanation.original_score == result.score
    assert rec.EVIDENCE == "name gazetteer"


def test_other_entities_are_not_analysed():
    assert rec.analyze("Kari Nordmann", ["NO_ADDRESS"]) == []


def test_gazetteer_is_shared():
    other = PersonRecognizer()
    assert other.first_names is rec.first_names and other.surnames is rec.surnames
    assert {"kari", "bjørn", "åse"} <= rec.first_names
    assert {"nordmann", "sæther", "ødegård"} <= rec.surnames


def test_accepts_needs_letters():
    assert not rec.accepts(Shape.of("12345678"))


def test_column_context_lifts_a_single_first_name():
    # Presidio's context enhancer finds the recognizer by the identifier in the metadata.
    text = "Kari"
    doc = spacy.blank("nb")(text)
    artifacts = NlpArtifacts(
        entities=[], tokens=doc, tokens_indices=[t.idx for t in doc], lemmas=[t.lower_ for t in doc],
        nlp_engine=None, language="nb",
    )
    enhancer = LemmaContextAwareEnhancer(context_similarity_factor=0.35, min_score_with_context_similarity=0.4)
    results = rec.analyze(text, [rec.ENTITY])
    (enhanced,) = enhancer.enhance_using_context(text, results, artifacts, [rec], context=["fornavn"])
    assert enhanced.score == pytest.approx(0.7)
    assert enhanced.analysis_explanation.supportive_context_word in rec.CONTEXT
