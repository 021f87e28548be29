import os
import stat

import pytest

from detectors.evidence import Fingerprinter, load_key, mask


@pytest.mark.parametrize(
    "entity,value,masked",
    [
        ("NO_FODSELSNUMMER", "01019012345", "010190*****"),
        ("NO_FODSELSNUMMER", "010190 12345", "010190 *****"),
        ("EMAIL_ADDRESS", "kari.nordmann@example.no", "k***@example.no"),
        ("PERSON", "Kari Nordmann", "K*** N***"),
        ("CREDIT_CARD", "4111 1111 1111 1111", "**** **** **** 1111"),
        ("NO_METER_ID", "707057500000000001", "7070575000*******1"),
        ("NO_BANK_ACCOUNT", "1234.56.78903", "1234.**.***03"),
        ("IP_ADDRESS", "192.168.10.20", "192.168.*.*"),
        ("NO_PHONE_NUMBER", "+47 412 34 567", "+47 *** ** *67"),
        ("NO_PHONE_NUMBER", "41234567", "******67"),
        ("NO_PHONE_NUMBER", "0047 41234567", "0047 ******67"),
    ],
)
def test_mask(entity, value, masked):
    assert mask(entity, value) == masked


@pytest.mark.parametrize("entity,value", [("NO_FODSELSNUMMER", "01019012345"), ("EMAIL_ADDRESS", "a.b@example.no"),
                                          ("NO_BANK_ACCOUNT", "1234.56.78903"), ("X", "ab")])
def test_mask_hides_most_of_the_value(entity, value):
    shown = [c for c, m in zip(value, mask(entity, value)) if c == m and c.isalnum()]
    assert len(shown) <= max(6, len(value) // 2)
    assert mask(entity, value) != value


def test_key_created_private_and_reused(tmp_path):
    path = tmp_path / "sub" / "fingerprint.key"
    key = load_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_key(path) == key


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


def test_default_key_file_comes_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KARTLEGG_FINGERPRINT_KEY_FILE", str(tmp_path / "k"))
    Fingerprinter()("EMAIL_ADDRESS", "a@example.no")
    assert (tmp_path / "k").exists()
