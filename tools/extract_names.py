"""Extract the name gazetteer (detectors/data/*_no.txt) from the names-dataset package.

names-dataset (PyPI, ~55 MB, built from a 2019 Facebook leak of public profile names) is a
build-time source only: run this in a throwaway venv and commit the two small text files. The
Norwegian Bokmål and US English hunspell dictionaries (Debian: hunspell-no, hunspell-en-us) tell
names from words for the names of other countries.

    apt-get install hunspell-no hunspell-en-us
    python -m venv /tmp/nd && /tmp/nd/bin/pip install names-dataset
    /tmp/nd/bin/python tools/extract_names.py

Where the lists come from, and why:
- First names: the dataset's Norwegian top names (both genders, interleaved by rank). The
  dataset stores a name's rank only for the ten countries where the name's *share* is highest,
  so names common everywhere (Anne, Erik, Ola, Maria, Thomas) have no Norwegian rank at all.
  They are recovered from the parts of Norwegian double names ("Anne-Lise", "Jan Erik"), then
  from the Danish and Swedish top names, then from a few names Statistics Norway lists among
  the most common that the dataset still misses.
- Surnames: the dataset's Norwegian top surnames, plus the few common immigrant surnames it
  ranks only in their countries of origin. Double-barrelled entries are left out: the
  recognizer checks each part of "Berg-Hansen" on its own.
- People who live in Norway: the top first names and surnames of the countries the largest
  immigrant groups come from (Statistics Norway: Poland, Lithuania, Ukraine, Sweden, Syria,
  Somalia, Germany, Eritrea, the Philippines, Iraq, Romania, Pakistan, Thailand, Denmark,
  Afghanistan, Iran, Vietnam, Russia, Bosnia, Kosovo, India, Turkey, Ethiopia). Where the
  dataset has no such country, a neighbour with the same names stands in (ORIGINS). For the
  same share-not-count reason as above, names spread over the whole Arabic-speaking and Muslim
  world (Fatima, Aisha, Mohammed) rank only where their share is highest, so those countries'
  top names are taken too. Vietnam and Thailand are missing from the dataset: their most
  common names are listed below. Names from these lists pass stricter checks than Norwegian
  ones: a word in the Norwegian or English dictionary (any inflected form), a country, a
  two-letter entry or a name the origin country ranks better as the other kind is left out.
- Profile names contain junk: words people typed into the name field ("Familien", "Privat",
  "Snekker"), places ("Drammen", "Norway") and names in the wrong field. The lists below
  remove what was found by reviewing entries that are also frequent Norwegian, Danish,
  Swedish or English words; a name that is also a word (Per, Liv, Dag, Even, Line) is kept —
  the recognizer asks more of those — unless it is rare as a name.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pycountry  # installed with names-dataset
from names_dataset import NameDataset

COUNTRY = "NO"
# All Norwegian first names (the dataset has ~7,500 entries for NO, half of them double names).
FIRST_N = 5000
# The surname tail is mostly real farm names; junk stays at 1-2% per thousand down the list.
SURNAME_N = 12000
NEIGHBOURS = ("DK", "SE")
NEIGHBOUR_N = 500
UNRANKED = 10**9

# Countries of birth of the largest immigrant groups in Norway (Statistics Norway), as the
# dataset has them: where it lacks the country, a neighbour with the same names stands in.
ORIGINS = {
    "PL": "Poland",
    "LT": "Lithuania",
    "RU": "Russia; Ukraine (not in the dataset) in Latin transliteration",
    "SE": "Sweden",
    "SY": "Syria",
    "DJ": "Somalia (not in the dataset): Djibouti's names are Somali names",
    "DE": "Germany",
    "ET": "Eritrea (not in the dataset) and Ethiopia: Tigrinya and Amharic names",
    "PH": "the Philippines",
    "IQ": "Iraq",
    "MD": "Romania (not in the dataset): Moldova's names are Romanian names",
    "AF": "Afghanistan; Pakistan (not in the dataset) shares its Pashto and Muslim names",
    "DK": "Denmark",
    "IR": "Iran",
    "RS": "Serbia, Bosnia (not in the dataset)",
    "HR": "Croatia, Bosnia (not in the dataset)",
    "AL": "Kosovo (not in the dataset): Albanian names",
    "IN": "India",
    "TR": "Turkey",
}
# Names shared across the Arabic-speaking and Muslim world (Fatima, Aisha, Mohammed, Hassan):
# the dataset ranks them only where their share is highest, which is here, not in Syria,
# Iraq, Somalia or Pakistan, whose profiles are often in Arabic script.
MUSLIM_WORLD = ("MA", "SA", "EG", "SD")
# Per country: first names of each gender and surnames, by rank in all scripts (the Latin
# ones are kept). Ranks of the other kind are looked up further down, to catch swapped fields.
ORIGIN_FIRST_N = 400
ORIGIN_SURNAME_N = 800
ORIGIN_LOOKUP_N = 5000
# Words are words in either language: a name from another country that is also one is left out.
DICTIONARIES = (Path("/usr/share/hunspell/nb_NO.dic"), Path("/usr/share/hunspell/en_US.dic"))

OUT = Path(__file__).resolve().parent.parent / "detectors" / "data"

# Common given names (SSB's name statistics) the dataset ranks only in other countries.
EXTRA_FIRST = """
    Noah Lucas Elias Oliver Olivia Ella Leah Aurora Selma Nora Sofia Ingrid Maja Emma Ada
    Muhammad Mohammad Mohammed Mohamed Ahmed Ali Omar Hassan Michael David Daniel Thomas
""".split()
# SSB's 100 most common surnames include these; the dataset ranks them elsewhere.
EXTRA_SURNAMES = """
    Ali Ahmed Nguyen Khan Hussain Mohamed Mohammed Hassan Tran Singh Hussein Omar Rahman Pham Yilmaz
""".split()
# The most common names of countries the dataset does not have at all. Vietnamese names are
# written family name first; in Norway the last given name is used as the first name.
VIETNAM_FIRST = """
    Anh Minh Linh Thanh Huong Hoa Tuan Hung Duc Hai Lan Trang Thu Ngoc Phuong Thuy Hanh Dung
    Hieu Quang Khanh Huy Thao Tien Vinh Binh Yen Nga Hien Loan Tuyet Cuong Thang Quynh Hang Nhung
""".split()
VIETNAM_SURNAMES = """
    Nguyen Tran Pham Hoang Huynh Phan Dang Bui Ngo Duong Truong Dinh Trinh Luong Doan Quach Vuong
""".split()
THAILAND_FIRST = """
    Somchai Somsak Somporn Sompong Prasert Surachai Kittisak Wichai Boonmee Siriporn Supaporn
    Malee Ratana Kanya Nittaya Wanida Pranee Sunee Jintana Lamai Orawan Pornthip Saowalak Araya
    Duangjai Kannika Pensri Sirilak Suwanna Tassanee Urai Wilai Yupin Ampai Boonsri Chanpen
    Kanokwan Nongnuch Rattana Sasithorn Somjit Sunisa Thanyarat Waraporn
""".split()

# Words, not names: typed into the name field, or names so rare that the word wins.
NOT_NAMES = """
    familien familjen fam fru frk herr hr onkel tante mormor morfar farmor farfar søster bror
    privat slettet deleted test testing trollet lærer snekker frisør kaptein trener helse
    kvinne mann mannen unge reisende barnehage skole butikk bygg jobb huset landet
    norsk tyrkisk indisk svensk dansk
    livet spill fest kaffe ost blomster heia snur helt ekte naturlig parat turbo stål helg
    påske jul sommer vinter høst frisk trygg modig stolt hurtig rask flink teit lykke
    lille store stor sorte topper slet salgs nine urban my ville matte mange rolle masse natta
    find hej jerk viking nike too son saw si di pa ma mu og an ing bara hung vide sine
    sinne indre ytre øvre nedre vestre søndre nordre østre lage vår bamse ninja putte tulle
    solve anti with have just from bank post lager list hall wall ring kraft stage
    sitter henne loven hilsen stykket kjenner kjenne kylling modell spenning finnes sopp
    været solen kastet hørte kaker løse skatter oppi fjellet fjorden parken veien torget
    gården klubben stjernen kiste lønn yrke verket leiren knappen utland prøven
    service admin user bruker kunde support info firma nordic borger øy van ros cia danne
    by staff seem feet giving often viste vist finne runde føre tørre dreier skille tunge fikse
    svare rike høy høye takle stabæk rosenborg
""".split()

# Countries and cities found among the entries: not names in either list.
PLACES = """
    norge norway norwegian noreg danmark danmarks denmark sverige sweden kina sibir berlin wien
    london oslo bergen trondheim stavanger drammen kristiansand tromsø fredrikstad sarpsborg
    lillehammer lillestrøm tønsberg gjøvik bodø ålesund sandvika skien porsgrunn larvik hamar
    kongsberg steinkjer drøbak holmestrand lillesand
""".split()
# Regions and districts: not first names, but also farm names and so real surnames
# ("Viken", "Nordland", "Grønland"), like the towns Sandnes, Grimstad and Halden.
REGIONS = """
    østfold akershus buskerud vestfold telemark agder rogaland hordaland vestland nordland
    troms finnmark innlandet viken trøndelag sentrum grønland island
""".split()

MONTHS_AND_DAYS = """
    januar februar mars april mai juni juli september oktober november desember
    january february march june july october december
    mandag tirsdag onsdag torsdag fredag lørdag søndag
    monday tuesday wednesday thursday friday saturday sunday
""".split()
# "August" and "May" are common Norwegian given names and are kept; the recognizer treats them
# as ambiguous.

NEVER_NAMES = frozenset(NOT_NAMES) | frozenset(PLACES) | frozenset(MONTHS_AND_DAYS)
# Found by reviewing the other countries' entries that are frequent in Norwegian or English
# text: places, peoples and religions, brands and abbreviations (dictionary words are dropped
# by the dictionaries, not listed here).
OTHER_COUNTRIES_NOT_NAMES = frozenset("""
    asia europa afrika amerika florida maine denver richmond venice maui jericho rio san roma
    basel bern kiel doha izmir angeles barcelona madrid napoli milano sevilla granada zaragoza
    navarra galicia pamplona padua cadiz kabul sahara trinidad zagreb baku riyadh rabat agadir
    marrakech maroc kazan québec kaunas vilnius viborg homs francia tirana podgorica davao luzon
    puno baja barca española
    arab syrian czech kurdish tajik turk balkan slavic hazara jesus christ
    dec que rca twix xinhua moustache caffe erste hoch uab edc opg aml ces cim ver moh tintin
    hershey
""".split())
NOT_FIRST_NAMES = NEVER_NAMES | frozenset(REGIONS)
VOWELS = set("aeiouyæøåäöüéèáàóòúíâêîôûë")


def is_name(entry: str, drop: frozenset[str]) -> bool:
    """One plausible name token: Latin letters, a vowel, more than one letter, not a word."""
    low = entry.lower()
    return (
        len(entry) > 1
        and entry.isalpha()
        and all("LATIN" in unicodedata.name(c, "") for c in entry)
        and bool(VOWELS & set(low))
        and low not in drop
    )


def is_foreign_name(entry: str, drop: frozenset[str], words: frozenset[str]) -> bool:
    """A name from another country's list: also longer than two letters and not a word."""
    return len(entry) > 2 and is_name(entry, drop) and entry.lower() not in words


def dictionary_words(dic: Path) -> set[str]:
    """Every lower-case word of a hunspell dictionary, inflected by its suffix rules.

    Capitalised entries (proper nouns: places, names) are not words. Prefixes and compounds
    are left out: they only make longer words, and names are short.
    """
    aff = dic.with_suffix(".aff")
    head = aff.read_bytes()[:200].decode("latin-1")
    match = re.search(r"^SET\s+(\S+)", head, re.MULTILINE)
    encoding = {"ISO8859-1": "latin-1"}.get(match.group(1), match.group(1)) if match else "utf-8"
    rules: dict[str, list[tuple[str, str, re.Pattern]]] = {}
    for line in aff.read_text(encoding=encoding, errors="replace").splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[0] == "SFX":
            _, flag, strip, add, condition = fields[:5]
            strip = "" if strip == "0" else strip
            add = "" if add.startswith("0") else add.split("/")[0]
            rules.setdefault(flag, []).append((strip, add, re.compile(f"(?:{condition})$")))
    words: set[str] = set()
    for line in dic.read_text(encoding=encoding, errors="replace").splitlines()[1:]:
        word, _, flags = line.strip().partition("/")
        word, flags = word.split("\t")[0].strip(), flags.split()[0] if flags.split() else ""
        if not word or not word.islower():
            continue
        words.add(word)
        for flag in flags:
            for strip, add, condition in rules.get(flag, ()):
                if word.endswith(strip) and condition.search(word):
                    words.add(word[: len(word) - len(strip)] + add)
    return words


def country_names() -> set[str]:
    names = set()
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value and " " not in value:
                names.add(value.lower())
    return names


def interleave(genders: dict) -> list[str]:
    males, females = genders["M"], genders["F"]
    out = []
    for i in range(max(len(males), len(females))):
        out.extend(g[i] for g in (males, females) if i < len(g))
    return out


def ranks(names) -> dict[str, int]:
    out: dict[str, int] = {}
    for rank, name in enumerate(names):
        out.setdefault(name.lower(), rank)
    return out


class Gazetteer:
    """Collects names in rank order, each at most once and only in the list where it ranks better.

    Profile names typed in the wrong order make "Larsen" a first name and "Arne" a surname;
    a name the dataset ranks in both Norwegian lists is kept where its rank is better.
    """

    def __init__(self, rank: dict[str, int], other_rank: dict[str, int], drop: frozenset[str]):
        self.rank, self.other_rank, self.drop = rank, other_rank, drop
        self.names: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    def add(self, label: str, candidates, check_other: bool = True, keep=None) -> None:
        before = len(self.names)
        keep = keep or (lambda name: is_name(name, self.drop))
        for name in candidates:
            low = name.lower()
            if check_other and self.other_rank.get(low, UNRANKED) < self.rank.get(low, UNRANKED):
                continue
            if keep(name):
                self.names.setdefault(low, name)
        self.counts[label] = self.counts.get(label, 0) + len(self.names) - before


def origin_names(nd: NameDataset, country: str) -> tuple[list[str], list[str]]:
    """A country's top first names and surnames, each without the names it ranks better as the other."""
    by_gender = nd.get_top_names(n=ORIGIN_LOOKUP_N, country_alpha2=country)[country]
    surnames = nd.get_top_names(n=ORIGIN_LOOKUP_N, use_first_names=False, country_alpha2=country)[country]
    first_rank: dict[str, int] = {}
    for names in by_gender.values():
        for name, rank in ranks(names).items():
            first_rank[name] = min(rank, first_rank.get(name, UNRANKED))
    surname_rank = ranks(surnames)
    top = {g: names[:ORIGIN_FIRST_N] for g, names in by_gender.items()}
    first = [n for n in interleave(top) if first_rank[n.lower()] <= surname_rank.get(n.lower(), UNRANKED)]
    last = [n for n in surnames[:ORIGIN_SURNAME_N] if surname_rank[n.lower()] < first_rank.get(n.lower(), UNRANKED)]
    return first, last


def write(path: Path, names: dict[str, str], what: str, command: str) -> None:
    header = [
        f"# {what}, one per line, by rank within each source.",
        "# Source: names-dataset (PyPI) ranks for Norway and the countries in tools/extract_names.py, with its additions.",
        f"# Generated by: {command}",
    ]
    path.write_text("\n".join(header + list(names.values())) + "\n", encoding="utf-8")


def main() -> int:
    missing = [str(d) for d in DICTIONARIES if not d.exists()]
    if missing:
        print(f"missing hunspell dictionaries {missing}: apt-get install hunspell-no hunspell-en-us", file=sys.stderr)
        return 1
    words = frozenset(set().union(*(dictionary_words(d) for d in DICTIONARIES)) | country_names())
    nd = NameDataset()
    by_gender = nd.get_top_names(n=FIRST_N, country_alpha2=COUNTRY)[COUNTRY]
    ranked_first = interleave(by_gender)
    ranked_surnames = nd.get_top_names(n=SURNAME_N, use_first_names=False, country_alpha2=COUNTRY)[COUNTRY]
    # Rank within a gender, so first names and surnames compare on the same scale.
    first_rank = {}
    for names in by_gender.values():
        for name, rank in ranks(names).items():
            first_rank[name] = min(rank, first_rank.get(name, UNRANKED))
    surname_rank = ranks(ranked_surnames)

    first = Gazetteer(first_rank, surname_rank, NOT_FIRST_NAMES)
    first.add("dataset (NO)", (n for n in ranked_first if " " not in n and "-" not in n))
    first.add("parts of NO double names", (p for n in ranked_first for p in n.replace("-", " ").split()))
    for country in NEIGHBOURS:
        top = nd.get_top_names(n=NEIGHBOUR_N, country_alpha2=country)[country]
        first.add(f"top names {country}", interleave(top))
    first.add("extra (SSB)", EXTRA_FIRST, check_other=False)

    last = Gazetteer(surname_rank, first_rank, NEVER_NAMES)
    last.add("dataset (NO)", ranked_surnames)
    last.add("extra (SSB)", EXTRA_SURNAMES, check_other=False)

    # People who live in Norway: names of the largest immigrant groups' countries of birth.
    first_keep = lambda name: is_foreign_name(name, NOT_FIRST_NAMES | OTHER_COUNTRIES_NOT_NAMES, words)  # noqa: E731
    last_keep = lambda name: is_foreign_name(name, NEVER_NAMES | OTHER_COUNTRIES_NOT_NAMES, words)  # noqa: E731
    for country in (*ORIGINS, *MUSLIM_WORLD):
        origin_first, origin_last = origin_names(nd, country)
        first.add("immigrant origins", origin_first, check_other=False, keep=first_keep)
        last.add("immigrant origins", origin_last, check_other=False, keep=last_keep)
    first.add("Vietnam, Thailand", VIETNAM_FIRST + THAILAND_FIRST, check_other=False, keep=first_keep)
    last.add("Vietnam, Thailand", VIETNAM_SURNAMES, check_other=False, keep=last_keep)

    OUT.mkdir(parents=True, exist_ok=True)
    command = "python tools/extract_names.py (in a venv with names-dataset)"
    write(OUT / "first_names_no.txt", first.names, "First names of people in Norway", command)
    write(OUT / "surnames_no.txt", last.names, "Surnames of people in Norway", command)
    for label, gazetteer in (("first names", first), ("surnames", last)):
        detail = ", ".join(f"{k}: {v}" for k, v in gazetteer.counts.items())
        print(f"{label}: {len(gazetteer.names)} ({detail})")
    size = sum(p.stat().st_size for p in OUT.glob("*_no.txt"))
    print(f"data size: {size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
