"""The public-suffix test of e-mail domains, held to tldextract's answer."""

import random
import string

import pytest

from detectors import offline
from detectors.suffixes import has_public_suffix, rules


def tldextract_says(domain: str) -> bool:
    offline.install()
    import tldextract

    return bool(tldextract.extract(domain).suffix)


@pytest.mark.parametrize("domain,expected", [
    ("example.no", True), ("asker.no", True),  # a municipality under .no is itself a suffix
    ("kunde.example.net", True), ("x.co.uk", True), ("x.NO", True), ("x.рф", True), ("x.xn--p1ai", True),
    ("x.ck", True), ("www.ck", True),  # a wildcard rule (*.ck) and its exception (!www.ck)
    ("x.co.za", True), ("x.za", False),  # za has second-level rules only
    ("x.invalid", False), ("x.local", False), ("1.2.3.4", False), ("x.xn--zz", False), ("server01", False),
])
def test_table(domain, expected):
    assert has_public_suffix(domain) is expected
    assert tldextract_says(domain) is expected


def test_every_rule_and_random_endings_as_tldextract_says():
    plain, wild = rules()
    cases = [f"x.{r}" for r in sorted(plain)] + [r for r in sorted(plain)[::7]]
    cases += [f"x.{r}" for r in wild] + [f"a.x.{r}" for r in wild] + list(wild)
    rnd = random.Random(17)
    cases += ["x." + "".join(rnd.choice(string.ascii_lowercase) for _ in range(rnd.randint(1, 4))) for _ in range(2000)]
    differ = [c for c in cases if has_public_suffix(c) != tldextract_says(c)]
    assert not differ, differ[:10]
    assert len(plain) > 5000 and len(wild) > 5


def test_rules_kept_in_the_cache_are_the_lists(tmp_path, monkeypatch):
    from detectors import suffixes

    monkeypatch.setenv("KARTLEGG_CACHE_DIR", str(tmp_path))
    from_list = suffixes._read(suffixes._snapshot().read_text(encoding="utf-8"))
    suffixes.rules.cache_clear()
    try:
        assert suffixes.rules() == from_list  # read from the list, and written
        (kept,) = tmp_path.glob("public-suffixes-*.json")
        suffixes.rules.cache_clear()
        assert suffixes.rules() == from_list  # read from the cache
        kept.write_text("{not json", encoding="utf-8")
        suffixes.rules.cache_clear()
        assert suffixes.rules() == from_list  # a broken file is read past
    finally:
        suffixes.rules.cache_clear()
