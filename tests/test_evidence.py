import os
import re
import stat

import pytest

from detectors.evidence import Fingerprinter, KeyProblem, load_key
from scanner.model.masks import mask


@pytest.mark.parametrize(
    "entity,value,masked",
    [
        ("NO_FODSELSNUMMER", "01019012345", "0*0********"),
        ("NO_FODSELSNUMMER", "010190 12345", "0*0*** *****"),
        ("NO_FODSELSNUMMER", "41017012337", "4*0********"),  # D-nummer: the first digit says so
        ("NO_FODSELSNUMMER", "01817012309", "0*8********"),  # Tenor: the month's first digit says so
        ("EMAIL_ADDRESS", "kari.nordmann@example.no", "k***@example.no"),
        ("EMAIL_ADDRESS", "KARI.NORDMANN@EXAMPLE.NO", "K***@EXAMPLE.NO"),
        ("PERSON", "Kari Nordmann", "K*** N***"),
        ("PERSON", "KARI NORDMANN", "K*** N***"),
        ("PERSON", "Иван Петров", "И*** П***"),
        ("CREDIT_CARD", "4111 1111 1111 1111", "**** **** **** 1111"),
        ("NO_METER_ID", "707057500000000001", "707057500*********"),
        ("NO_METER_SERIAL", "7359992891237028", "7359************"),
        ("NO_BANK_ACCOUNT", "1234.56.78903", "1234.**.*****"),
        ("IBAN_CODE", "NO93 8601 1117 947", "NO** **** **** ***"),
        ("IP_ADDRESS", "192.168.10.20", "192.168.*.*"),
        ("NO_PHONE_NUMBER", "+47 412 34 567", "+47 *** ** *67"),
        ("NO_PHONE_NUMBER", "41234567", "******67"),
        ("NO_PHONE_NUMBER", "0047 41234567", "0047 ******67"),
        ("NO_ADDRESS", "Storgata 12B, 0155 Oslo", "S*** ***, **** O***"),
        ("NO_ADDRESS", "STORGATA 12, 0155 OSLO", "S*** **, **** O***"),
        ("NO_ADDRESS", "storgata 12", "s*** **"),
        ("NO_ORGANIZATION_NUMBER", "988077917", "988077917"),  # public register data
        ("SOME_PLUGIN_TYPE", "abc123", "a*****"),
    ],
)
def test_mask(entity, value, masked):
    assert mask(entity, value) == masked


@pytest.mark.parametrize("value", ["01019012345", "010190 12345", "010190-12345", "1019012345", "41017012337"])
def test_a_fodselsnummer_mask_shows_at_most_four_digits_and_never_the_birth_date(value):
    shown = mask("NO_FODSELSNUMMER", value)
    assert sum(c.isdigit() for c in shown) <= 4
    digits = re.sub(r"\D", "", value)
    assert digits[:6] not in re.sub(r"\D", "", shown) and digits[:4] not in shown


@pytest.mark.parametrize("entity,value,most", [
    ("NO_FODSELSNUMMER", "01019012345", 2), ("EMAIL_ADDRESS", "a.b@example.no", 1 + len("example.no") - 1),
    ("NO_BANK_ACCOUNT", "1234.56.78903", 4), ("NO_ADDRESS", "NILSENÅSEN 5", 1), ("NO_ADDRESS", "Nilsenåsen 5", 1),
    ("PERSON", "ÆSE ØDEGÅRD", 2), ("X", "ab", 1), ("NO_PHONE_NUMBER", "+47 412 34 567", 4),
    ("NO_METER_ID", "707057500123456785", 9),  # 707057500 is every Norwegian metering point's prefix
    ("NO_METER_SERIAL", "6970631403757615", 4), ("CREDIT_CARD", "4111111111111111", 4), ("IBAN_CODE", "NO9386011117947", 2),
])
def test_mask_hides_most_of_the_value_whatever_its_case(entity, value, most):
    for form in (value, value.upper(), value.lower()):
        shown = [c for c, m in zip(form, mask(entity, form)) if c == m and c.isalnum()]
        assert len(shown) <= most, (form, mask(entity, form))
        assert mask(entity, form) != form


# -- the key ---------------------------------------------------------------------------------------------
@pytest.fixture
def default_place(monkeypatch, tmp_path):
    monkeypatch.delenv("KARTLEGG_FINGERPRINT_KEY_FILE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config" / "kartlegg" / "fingerprint.key"


def test_key_created_private_at_the_default_place_and_reused(default_place):
    key = load_key()
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(default_place).st_mode) == 0o600
    assert load_key() == key


def _write(path, text, mode=0o600):
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.mark.parametrize("make, problem", [
    (lambda d: d / "missing.key", "does not exist"),
    (lambda d: _write(d / "empty.key", ""), "is empty"),
    (lambda d: _write(d / "blank.key", " \n\n"), "is empty"),
    (lambda d: _write(d / "short.key", "ab" * 31 + "\n"), "holds 31 bytes"),
    (lambda d: _write(d / "nothex.key", "z" * 64), "not a hex string"),
    (lambda d: d, "is a directory"),
    (lambda d: os.devnull, "is empty"),
])
def test_a_key_that_would_not_protect_is_refused(monkeypatch, tmp_path, make, problem):
    path = make(tmp_path)
    monkeypatch.setenv("KARTLEGG_FINGERPRINT_KEY_FILE", str(path))
    with pytest.raises(KeyProblem, match=problem):
        load_key()


@pytest.mark.parametrize("text", ["ab" * 32, "AB" * 32 + "\n", "  " + "0f" * 40 + "\n"])
def test_a_good_key_file_is_taken(monkeypatch, tmp_path, text):
    monkeypatch.setenv("KARTLEGG_FINGERPRINT_KEY_FILE", str(_write(tmp_path / "k", text)))
    assert load_key() == bytes.fromhex(text.strip())


@pytest.mark.parametrize("mode, warned", [(0o600, False), (0o400, False), (0o640, True), (0o644, True), (0o604, True)])
def test_a_key_others_may_read_is_warned_of(monkeypatch, tmp_path, mode, warned):
    monkeypatch.setenv("KARTLEGG_FINGERPRINT_KEY_FILE", str(_write(tmp_path / "k", "ab" * 32, mode)))
    heard = []
    load_key(warn=heard.append)
    assert bool(heard) == warned
    if warned:
        assert "chmod 600" in heard[0]


def test_fingerprint_is_keyed_and_normalised():
    a, b = Fingerprinter(b"k" * 32), Fingerprinter(b"x" * 32)
    assert a("NO_FODSELSNUMMER", "010190 12345") == a("NO_FODSELSNUMMER", "01019012345")
    assert a("NO_PHONE_NUMBER", "+47 412 34 567") == a("NO_PHONE_NUMBER", "41234567")
    assert a("EMAIL_ADDRESS", "Kari@Example.no") == a("EMAIL_ADDRESS", "kari@example.no")
    assert a("NO_FODSELSNUMMER", "01019012345") != b("NO_FODSELSNUMMER", "01019012345")
    assert a("NO_FODSELSNUMMER", "01019012345") != a("NO_FODSELSNUMMER", "01019012346")
    # never the bare value, nor an unkeyed digest of it
    import hashlib

    fp = a("NO_FODSELSNUMMER", "01019012345")
    assert "01019012345" not in fp and hashlib.sha256(b"01019012345").hexdigest()[:32] not in fp


@pytest.mark.parametrize("key", [b"", b"k", b"k" * 32, b"k" * 64, b"k" * 65, bytes(range(200))])
@pytest.mark.parametrize("entity, value", [("NO_FODSELSNUMMER", "01019012345"), ("PERSON", "Åse Ødegård"),
                                           ("EMAIL_ADDRESS", "kari@example.no"), ("NO_ADDRESS", "")])
def test_fingerprint_is_rfc2104_hmac_sha256(key, entity, value):
    """The precomputed pads give what hmac.new gives, for keys shorter than, as long as and
    longer than SHA-256's block, and after the fingerprinter has crossed a process boundary."""
    import hashlib
    import hmac
    import pickle

    from detectors.evidence import normalise

    expected = hmac.new(key, f"{entity}\x00{normalise(entity, value)}".encode(), hashlib.sha256).hexdigest()[:32]
    fp = Fingerprinter(key)
    assert fp(entity, value) == "hmac-sha256:" + expected
    assert fp(entity, value) == "hmac-sha256:" + expected  # the pads are copied, not consumed
    assert pickle.loads(pickle.dumps(fp))(entity, value) == "hmac-sha256:" + expected


def test_default_key_file_comes_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KARTLEGG_FINGERPRINT_KEY_FILE", str(_write(tmp_path / "k", "cd" * 32)))
    assert Fingerprinter().key == bytes.fromhex("cd" * 32)


def test_fingerprints_made_before_are_the_same_and_stay_in_their_process(monkeypatch):
    import pickle

    from detectors import evidence

    monkeypatch.setattr(evidence, "MAX_REMEMBERED", 3)
    key = b"k" * 32
    fp = Fingerprinter(key)
    values = [("IP_ADDRESS", f"203.0.113.{i}") for i in range(5)] + [("EMAIL_ADDRESS", "Kari@Example.no")]
    first = [fp(e, v) for e, v in values]
    assert [fp(e, v) for e, v in values] == first == [Fingerprinter(key)(e, v) for e, v in values]
    assert len(set(first)) == len(values) and len(fp._known) <= 3
    assert fp("EMAIL_ADDRESS", "kari@example.no") == first[-1]  # one address in two spellings
    copy = pickle.loads(pickle.dumps(fp))
    assert copy._known == {} and [copy(e, v) for e, v in values] == first
