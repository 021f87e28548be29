import pytest

from detectors import offline

offline.install()  # tldextract: bundled suffix list, no network

from detectors.recognizers.email import EmailRecognizer  # noqa: E402
from detectors.shape import Shape  # noqa: E402

rec = EmailRecognizer()

VALID = [
    ("kari.nordmann@example.no", "kari.nordmann@example.no"),
    ("ola@firma.co.uk", "ola@firma.co.uk"),
    ("KARI@EXAMPLE.NO", "KARI@EXAMPLE.NO"),
    ("ola+nyhetsbrev@example.com", "ola+nyhetsbrev@example.com"),
    ("Send e-post til kari@example.no.", "kari@example.no"),
    ("<post@xn--bl-zia.no>", "post@xn--bl-zia.no"),  # punycode (blå.no)
    ("postmottak@asker.no", "postmottak@asker.no"),  # asker.no is itself a public suffix
    ("post@xn--rde-ula.no", "post@xn--rde-ula.no"),  # and so is råde.no
    ('"epost": "ola_nordmann@example.org"', "ola_nordmann@example.org"),
]


def found(text):
    results = rec.analyze(text, [rec.ENTITY])
    assert all(r.entity_type == "EMAIL_ADDRESS" for r in results)
    return [(text[r.start : r.end], r.score) for r in results]


@pytest.mark.parametrize("text,match", VALID)
def test_finds(text, match):
    assert found(text) == [(match, 0.9)]


@pytest.mark.parametrize(
    "text",
    [
        "kari@example",  # no domain suffix
        "kari@localhost",
        "kari@server.local",  # not a public suffix
        "logo@2x.png",
        "@example.no",
        "kari.example.no",
        "git@host:repo",
    ],
)
def test_near_misses(text):
    assert found(text) == []


def test_supports_norwegian_and_context_words(in_text):
    assert rec.supported_language == "nb"
    assert in_text(rec, "E-post: kari@example.no") == [("kari@example.no", 1.0)]


@pytest.mark.parametrize("text", [v[0] for v in VALID])
def test_accepts_every_valid_value(text):
    assert rec.accepts(Shape.of(text))
