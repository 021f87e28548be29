"""Extract the name gazetteer (detectors/data/*_no.txt) from the names-dataset package.

names-dataset (PyPI, ~55 MB, built from a 2019 Facebook leak of public profile names) is a
build-time source only: run this in a throwaway venv and commit the two small text files.

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
- Profile names contain junk: words people typed into the name field ("Familien", "Privat",
  "Snekker"), places ("Drammen", "Norway") and names in the wrong field. The lists below
  remove what was found by reviewing entries that are also frequent Norwegian, Danish,
  Swedish or English words; a name that is also a word (Per, Liv, Dag, Even, Line) is kept —
  the recognizer asks more of those — unless it is rare as a name.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from names_dataset import NameDataset

COUNTRY = "NO"
# All Norwegian first names (the dataset has ~7,500 entries for NO, half of them double names).
FIRST_N = 5000
# The surname tail is mostly real farm names; junk stays at 1-2% per thousand down the list.
SURNAME_N = 12000
NEIGHBOURS = ("DK", "SE")
NEIGHBOUR_N = 500
UNRANKED = 10**9

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

    def add(self, label: str, candidates, check_other: bool = True) -> None:
        before = len(self.names)
        for name in candidates:
            low = name.lower()
            if check_other and self.other_rank.get(low, UNRANKED) < self.rank.get(low, UNRANKED):
                continue
            if is_name(name, self.drop):
                self.names.setdefault(low, name)
        self.counts[label] = len(self.names) - before


def write(path: Path, names: dict[str, str], what: str, command: str) -> None:
    header = [
        f"# {what}, one per line, by rank within each source.",
        "# Source: names-dataset (PyPI) Norwegian ranks, with the additions listed in tools/extract_names.py.",
        f"# Generated by: {command}",
    ]
    path.write_text("\n".join(header + list(names.values())) + "\n", encoding="utf-8")


def main() -> int:
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

    OUT.mkdir(parents=True, exist_ok=True)
    command = "python tools/extract_names.py (in a venv with names-dataset)"
    write(OUT / "first_names_no.txt", first.names, "Norwegian first names", command)
    write(OUT / "surnames_no.txt", last.names, "Norwegian surnames", command)
    for label, gazetteer in (("first names", first), ("surnames", last)):
        detail = ", ".join(f"{k}: {v}" for k, v in gazetteer.counts.items())
        print(f"{label}: {len(gazetteer.names)} ({detail})")
    size = sum(p.stat().st_size for p in OUT.glob("*_no.txt"))
    print(f"data size: {size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
