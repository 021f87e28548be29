import pytest

from detectors.recognizers.ip_address import IpRecognizer
from detectors.shape import Shape

rec = IpRecognizer()

VALID = [
    ("10.0.0.1", "10.0.0.1", 4),
    ("192.168.1.20", "192.168.1.20", 4),
    ("Klient 203.0.113.7 logget inn.", "203.0.113.7", 4),
    ("remote_addr=198.51.100.23;", "198.51.100.23", 4),
    ("nett 10.0.0.0/24", "10.0.0.0/24", 4),
    ("2001:db8::1", "2001:db8::1", 6),
    ("fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a", 6),
    ("::1", "::1", 6),
    ("[2001:db8::1]:443", "2001:db8::1", 6),
    ("2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:0db8:0000:0000:0000:ff00:0042:8329", 6),
    ("::ffff:192.0.2.1", "::ffff:192.0.2.1", 6),
    ("Tilkobling fra 2001:db8:85a3::8a2e:370:7334 avvist", "2001:db8:85a3::8a2e:370:7334", 6),
]


def found(text):
    results = rec.analyze(text, [rec.ENTITY])
    assert all(r.entity_type == "IP_ADDRESS" for r in results)
    return [(text[r.start : r.end], r.score, r.recognition_metadata.get("ip_version")) for r in results]


@pytest.mark.parametrize("text,match,version", VALID)
def test_finds(text, match, version):
    assert found(text) == [(match, 0.6, version)]


@pytest.mark.parametrize(
    "text",
    [
        "std::vector<int> v;", "::", "a::b", "A::B", "dead::beef", "x = a :: b",  # code
        "items[1::2]", "rows[::2]", "s[::-1]",  # Python slices
        "12:34:56", "2024-01-02T10:11:12", "kl. 10:11:12.5",  # times
        "00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "de:ad:be:ef:00:11:22:33",  # MAC, WWN
        "1.2.3", "versjon 2.2.366", "1.2.3.4.5", "1.3.6.1.4.1.311",  # versions, OIDs
        "256.1.1.1", "01.02.03.04", "1.000.000.000", "12.06.2024",
    ],
)
def test_near_misses(text):
    assert found(text) == []


def test_supports_norwegian_and_context_words(in_text):
    assert rec.supported_language == "nb"
    assert in_text(rec, "IP-adresse: 10.0.0.1") == [("10.0.0.1", 0.95)]


@pytest.mark.parametrize("text", [v[0] for v in VALID])
def test_accepts_every_valid_value(text):
    assert rec.accepts(Shape.of(text))


# A version number is a dotted quad too: the words and keys around it, and a product name
# before a slash, say which it is (issue 18). IPs next to such words with their own context stay.
@pytest.mark.parametrize("text,reported", [
    ("Versjon 10.2.3.4 er installert", []),
    ("oppgradert til version 6.1.0.22 i natt", []),
    ("fw 2.1.0.3 oppdatert", []),
    ("build=1.2.3.4 worker started", []),
    ("firmware: 10.20.3.4", []),
    ("Mozilla/5.0 (Windows NT 10.0) Chrome/124.0.0.0 Safari/537.36", []),
    ("Edg/124.0.2478.80", []),
    ("klient 10.2.3.4 logget inn", ["10.2.3.4"]),
    ("versjon 2 av appen, klient 10.2.3.4", ["10.2.3.4"]),  # the supporting word wins
    ("GET /api/ip/10.1.2.3 fra 10.1.2.4", ["10.1.2.3", "10.1.2.4"]),  # lower-case path word: no product
    ("http://10.0.0.1/admin ip", ["10.0.0.1"]),
    ("Oppdatert Veeam Backup til 12.1.2.172, jobben kjører igjen.", []),
    ("FortiGate-brannmurer oppgraderes til FortiOS\n7.2.5.1 etter godkjenning.", []),
    ("Upgraded the agent to 4.10.2.3 on all hosts", []),
    ("server 10.20.30.40 ble patchet i natt", ["10.20.30.40"]),  # a server is patched at its address
    ("installert på 10.20.30.41 i går", ["10.20.30.41"]),
    ("User kari updated password from 89.10.20.30", ["89.10.20.30"]),  # updated, but not *to* it
    ("Kunde oppdaterte e-postadresse fra 89.10.20.31", ["89.10.20.31"]),
    ("Oppdatert 3 servere i natt, klient 10.20.30.42 svarer", ["10.20.30.42"]),
])
def test_versions_are_not_addresses(engine, text, reported):
    assert [d.text for d in engine.analyze_text(text) if d.entity_type == "IP_ADDRESS"] == reported


@pytest.mark.parametrize("name,versions,matched", [
    ("firmware", True, False), ("build", True, False), ("fw", True, False), ("release", True, False),
    ("fw_version", True, False), ("build_nr", True, False),
    ("ip", False, True), ("client_ip", False, True), ("remote_addr", False, True), ("x_forwarded_for", False, True),
])
def test_version_fields_are_not_ip_fields(engine, name, versions, matched):
    import random

    from detectors.column import classify_column

    rnd = random.Random(18)
    if versions:
        values = [f"{rnd.randint(1, 12)}.{rnd.randint(0, 20)}.{rnd.randint(0, 9)}.{rnd.randint(0, 200)}"
                  for _ in range(200)]
    else:
        values = [f"10.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}" for _ in range(200)]
    verdict = classify_column(name, None, values, engine).entities["IP_ADDRESS"]
    assert verdict.matched is matched


def test_build_names_a_version_only_as_a_word_of_its_own():
    from detectors.vocabulary import hint

    assert hint("build_nr").negative and hint("firmware").negative
    assert not hint("building").negative and not hint("rebuild_date").negative
