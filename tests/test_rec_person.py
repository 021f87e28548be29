import pytest
import spacy
from presidio_analyzer import RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.recognizers.adapter import presidio_recognizer
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
        # a first name alone, capitalised where Norwegian capitalises no noun
        ("Hilsen Martin", "Martin"),
        ("Takk for hjelpen, Elin!", "Elin"),
        ("Hei Simen, takk for at du tok kontakt med oss.", "Simen"),
        ("Ring tilbake til Marit etter klokka 15.", "Marit"),
        ("Montør Irene var på stedet og byttet måleren.", "Irene"),
        ("Vi har mottatt din henvendelse, Torill.", "Torill"),
        ("Mvh Kari", "Kari"),
        ("Send fakturaen til kontoret, att. Kari.", "Kari"),
        ("Saksbehandler: Ingrid", "Ingrid"),
        # people who live in Norway, from the largest immigrant groups' countries of birth
        ("Fatima Hansen Andreassen", "Fatima Hansen Andreassen"),
        ("Aisha Bråten", "Aisha Bråten"),
        ("Agnieszka Nowak", "Agnieszka Nowak"),
        ("Piotr Kowalski", "Piotr Kowalski"),
        ("Kontaktperson for anlegget er Aisha Helland Larsen, telefon 22 33 44 55.", "Aisha Helland Larsen"),
        ("Vi har fått søknad fra Agnieszka i dag.", "Agnieszka"),
        # "Etternavn, Fornavn" with a surname the gazetteer lacks
        ("Nowak, Eirik", "Nowak, Eirik"),
        ("Kvernrud, Siv", "Kvernrud, Siv"),
        ("Avtalen er signert av Kvernrud, Anne og sendt til arkivet.", "Kvernrud, Anne"),
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
        ("Kvernrud, Siv", 0.6),  # unknown surname, first name
        ("Kari", 0.35),
        ("ANNE-LISE", 0.35),
        ("Nordmann", 0.2),
    ],
)
def test_scores(text, score):
    assert found(text) == [(text, score)]
    assert rec.accepts(Shape.of(text))


@pytest.mark.parametrize(
    "text,name,score",
    [
        ("Takk for hjelpen, Elin!", "Elin", 0.55),
        ("Ring tilbake til Marit etter klokka 15.", "Marit", 0.55),
        # the first word of a sentence or a line is capitalised anyway
        ("Kari ringte i går.", "Kari", 0.3),
        ("Møtet er avlyst. Kari ringte i går.", "Kari", 0.3),
        ("Vennlig hilsen\nKari", "Kari", 0.3),
        # a name that is also a word: a context word has to lift it
        ("Ring tilbake til Tom etter klokka 15.", "Tom", 0.3),
        ("Hilsen Per", "Per", 0.3),
        # ... and at the start of a sentence not even that
        ("Per i dag har kunden ingen avtale.", "Per", 0.1),
        ("Kunden bor i Mo i Rana.", "Mo", 0.1),  # two letters: a place, an abbreviation
        # capitals prove nothing
        ("HILSEN MARTIN", "MARTIN", 0.3),
    ],
)
def test_lone_first_name_scores(text, name, score):
    assert found(text) == [(name, score)]


def test_a_greeting_before_a_comma_is_not_a_surname():
    assert found("Hei, Kari") == [("Kari", 0.55)]
    assert found("Takk, Per!") == [("Per", 0.3)]


def test_context_words_lift_a_lone_first_name(engine):
    def person(text):
        return [(d.text, d.score) for d in engine.analyze_text(text) if d.entity_type == "PERSON"]

    assert person("Hilsen Per") == [("Per", 0.65)]
    assert person("Takk for hjelpen, Per!") == [("Per", 0.65)]
    assert person("Montør Tom var på stedet og byttet måleren.") == [("Tom", 0.65)]
    assert person("Per i dag har kunden ingen avtale.") == []
    assert person("Kunden heter Jan Erik Tveit og bor i Mo i Rana.") == [("Jan Erik Tveit", 1.0)]  # "Kunden heter" is context too


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
        # capitalised words in sentences: places, organisations, products, log lines
        "Møtet i Bergen ble flyttet til Molde på grunn av været.",
        "Elvia varsler planlagt strømbrudd i Hamar tirsdag formiddag.",
        "Kunden bestilte Spotpris Plus i mai.", "Vi har fått nye priser fra Nord Pool for uke 48.",
        "Statistikk fra SSB viser økt forbruk i Vestland i desember.",
        "Fjordkraft og Tibber har inngått ny avtale om fjernvarme.",
        "2024-03-01T10:00:00Z INFO Starting Service worker on port 8080",
        # a name inside an address, a path or an identifier
        "kontakt: Unni.Berg@Gmail.com", '10.0.0.1 - - [22/Jan/2024:10:29:48 +0100] "GET / HTTP/1.1" 200',
        "user=Kari status=200", "kari_87 logget inn",
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
    presidio = presidio_recognizer(rec)  # as Presidio's own pipeline sees it
    results = presidio.analyze(text, [rec.ENTITY])
    (enhanced,) = enhancer.enhance_using_context(text, results, artifacts, [presidio], context=["fornavn"])
    assert enhanced.score == pytest.approx(0.7)
    assert enhanced.analysis_explanation.supportive_context_word in rec.CONTEXT


@pytest.mark.parametrize("text", [
    "Kari Nordmann", "Nordmann, Kari", "Hilsen Martin", "Per i dag", "KARI NORDMANN", "Anne-Lise Berg-Hansen",
    "Kari Bergs gate 5", "Montør Irene var her. Ring Ola Hansen på 41234567", "ingen navn her", "",
    "O'Brien, Kari", "Kari O’Neill", "Storgata 12, 0150 OSLO", "Hei, Kari", "Kari",
])
def test_find_names_is_what_analyze_reports(text):
    """The engine reads `find_names`; running text and Presidio's pipeline `analyze`: the same
    names, rule for rule."""
    reported = [(r.start, r.end, r.score, r.analysis_explanation.pattern_name) for r in rec.analyze(text, [rec.ENTITY])]
    assert [(f.start, f.end, f.score, f.rule) for f in rec.find_names(text)] == reported
    assert all(f.metadata == {} for f in rec.find_names(text))


def test_a_plugin_that_refines_analyze_is_asked_by_analyze():
    """A plugin's subclass that changes `analyze` alone is asked by `analyze`, in running text
    and by the engine; a pattern recognizer's subclass by `find`, as before."""
    from detectors.plans import find_method
    from detectors.recognizers.phone import NorwegianPhoneRecognizer
    from detectors.text import hits

    class Stricter(PersonRecognizer):
        def analyze(self, text, entities=None, nlp_artifacts=None):
            return [r for r in super().analyze(text, entities, nlp_artifacts) if r.score >= 0.8]

    class Phone(NorwegianPhoneRecognizer):
        def analyze(self, text, entities=None, nlp_artifacts=None, regex_flags=None):
            return []

    text = "Kari Nordmann. Takk for hjelpen, Elin!"
    assert [(h.start, h.end) for h in hits(Stricter(), text, [rec.ENTITY])] == [(0, 13)]
    assert len(hits(rec, text, [rec.ENTITY])) == 2
    assert (find_method(rec), find_method(Stricter()), find_method(Phone())) == ("find_names", None, "find")
    assert hits(Phone(), "tlf 41234567", ["NO_PHONE_NUMBER"])
