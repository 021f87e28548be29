"""A small estate with people planted where a data subject's request must find them, and near
misses where it must not: the same tables in SQLite, PostgreSQL and MariaDB, a file share (CSV
export, an application log, a note) and S3 objects.

Two people are asserted: KARI (a fødselsnummer with a leading zero, so an integer column loses
it; a name split into two columns; an e-mail inside a JSON document; a phone number in a note on
the share) and OLA (his name and number in a free-text note, his account number with dots, his
e-mail in a log). Everyone else fills the tables, and the near misses sit beside the people:
Kari's fødselsnummer inside a longer number, her phone inside an order id, her address with a
letter before it, "Kari Nordmannsen".
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

import sqlalchemy as sa

from detectors import synthetic

FIRST = ["Ingrid", "Lars", "Sigrid", "Ole", "Marit", "Knut", "Astrid", "Bjørn", "Solveig", "Erik", "Hilde",
         "Nils", "Ragnhild", "Tor", "Liv", "Jon", "Anne", "Per", "Eva", "Hans"]
LAST = ["Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Karlsen",
        "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen"]


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    fnr: str
    email: str
    phone: str  # 8 digits
    account: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    def ids(self) -> list[str]:
        return [f"fnr={self.fnr}", f"email={self.email}", f"phone=+47 {self.phone[:3]} {self.phone[3:5]} {self.phone[5:]}",
                f"name={self.name}", f"account={self.account}"]


def _people(seed: int = 19) -> tuple[Person, Person, list[Person]]:
    rnd = random.Random(seed)
    while True:
        fnr = synthetic.fodselsnummer(rnd)
        if fnr.startswith("0"):
            break
    kari = Person("Kari", "Nordmann", fnr, "kari.nordmann@example.no", "41234567", synthetic.kontonummer(rnd))
    ola = Person("Ola", "Bakketun", synthetic.fodselsnummer(rnd), "ola.bakketun@epost.example.no", "92345678",
                 synthetic.kontonummer(rnd))
    others, names = [], set()
    while len(others) < 60:
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        if (first, last) in names:
            continue
        names.add((first, last))
        others.append(Person(first, last, synthetic.fodselsnummer(rnd),
                             f"{first.lower()}.{last.lower()}{len(others)}@example.no".replace("ø", "o"),
                             synthetic.phone_digits(rnd), synthetic.kontonummer(rnd)))
    return kari, ola, others


KARI, OLA, OTHERS = _people()
EVERYONE = [KARI, OLA, *OTHERS]
PHONE_FORMS = ["plain", "spaced3", "intl", "spaced2", "intl_plain"]

# (source, dataset) where each person is; sources named as the tests name them
SQL_EXPECTED = {
    "kari": {"kunde", "kunde_tall", "kontakt", "hendelse", "samtale"},
    "ola": {"kunde", "henvendelse", "faktura", "samtale"},
}


def populate(engine: sa.Engine) -> None:
    md = sa.MetaData()
    kunde = sa.Table("kunde", md, sa.Column("kunde_id", sa.Integer, primary_key=True),
                     sa.Column("fnr", sa.String(11), index=True), sa.Column("navn", sa.String(100)),
                     sa.Column("epost", sa.String(120), index=True), sa.Column("tlf", sa.String(20)),
                     sa.Column("kontonr", sa.String(11)))
    tall = sa.Table("kunde_tall", md, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("personnummer", sa.BigInteger, index=True), sa.Column("kundetype", sa.String(10)))
    kontakt = sa.Table("kontakt", md, sa.Column("id", sa.Integer, primary_key=True),
                       sa.Column("fornavn", sa.String(60)), sa.Column("etternavn", sa.String(60)),
                       sa.Column("mobil", sa.String(20)))
    henvendelse = sa.Table("henvendelse", md, sa.Column("id", sa.Integer, primary_key=True),
                           sa.Column("notat", sa.Text))
    hendelse = sa.Table("hendelse", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("payload", sa.JSON))
    samtale = sa.Table("samtale", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("tekst", sa.Text))
    faktura = sa.Table("faktura", md, sa.Column("fakturanr", sa.Integer, primary_key=True),
                       sa.Column("kontonr", sa.String(14)), sa.Column("belop", sa.Integer))
    md.create_all(engine)
    rnd = random.Random(7)
    with engine.begin() as conn:
        conn.execute(kunde.insert(), [
            {"kunde_id": i + 1, "fnr": p.fnr, "navn": p.name, "epost": p.email.upper() if p is KARI else p.email,
             "tlf": synthetic.format_phone(p.phone, PHONE_FORMS[i % len(PHONE_FORMS)]), "kontonr": p.account}
            for i, p in enumerate(EVERYONE)])
        conn.execute(tall.insert(), [{"id": i + 1, "personnummer": int(p.fnr), "kundetype": "privat"}
                                     for i, p in enumerate(EVERYONE) if p is not OLA])
        rows = [{"id": i + 1, "fornavn": p.first, "etternavn": p.last,
                 "mobil": synthetic.format_phone(p.phone, "spaced2")} for i, p in enumerate(EVERYONE) if p is not OLA]
        # a near miss: Kari's first name with someone else's last name, and her last name with another first
        rows += [{"id": 900, "fornavn": "Kari", "etternavn": "Olsen", "mobil": "99887766"},
                 {"id": 901, "fornavn": "Lars", "etternavn": "Nordmann", "mobil": "99887765"}]
        conn.execute(kontakt.insert(), rows)
        notes = [f"{p.name} ringte om faktura, nås på {synthetic.format_phone(p.phone, 'spaced3')}."
                 for p in OTHERS[:40]]
        notes += [f"Kunden {OLA.name} (fnr {OLA.fnr[:6]} {OLA.fnr[6:]}) vil ha kopi av avtalen.",
                  f"Ordre 9{KARI.fnr}7 ble sendt til lager.",  # Kari's number inside a longer one
                  "Kari Nordmannsen har flyttet; ny adresse kommer."]
        conn.execute(henvendelse.insert(), [{"id": i + 1, "notat": n} for i, n in enumerate(notes)])
        events = [{"type": "innlogging", "bruker": {"epost": p.email, "mobil": p.phone}} for p in OTHERS[:40]]
        events += [{"type": "endring", "bruker": {"epost": KARI.email, "felt": "adresse"}},
                   {"type": "endring", "bruker": {"epost": "x" + OLA.email, "felt": "telefon"}}]
        conn.execute(hendelse.insert(), [{"id": i + 1, "payload": e} for i, e in enumerate(events)])
        # spellings no fixed form holds: dashes between the groups, an address from a URL
        calls = [f"Ringte {synthetic.format_phone(p.phone, 'spaced3')} om strømbrudd." for p in OTHERS[:40]]
        calls += [f"Ring tilbake på {OLA.phone[:3]}-{OLA.phone[3:5]}-{OLA.phone[5:]}.",
                  f"Svar sendt, lenke: /min-side?epost={KARI.email.replace('@', '%40')}",
                  f"Kunde 4{KARI.phone}1 har ny måler."]  # Kari's digits inside another number
        conn.execute(samtale.insert(), [{"id": i + 1, "tekst": t} for i, t in enumerate(calls)])
        accounts = [p.account for p in OTHERS[:40]] + [f"{OLA.account[:4]}.{OLA.account[4:6]}.{OLA.account[6:]}"]
        conn.execute(faktura.insert(), [{"fakturanr": 1000 + i, "kontonr": a, "belop": rnd.randint(100, 9000)}
                                        for i, a in enumerate(accounts)])


# -- files and objects -------------------------------------------------------------------------------
FILES_EXPECTED = {
    "kari": {"eksport/kunder.csv", "notater/samtale.txt"},
    "ola": {"eksport/kunder.csv", "logg/app.log"},
}


def export_csv(people: list[Person]) -> str:
    lines = ["fodselsnummer;navn;epost;mobil"]
    lines += [f"{p.fnr};{p.name};{p.email};{synthetic.format_phone(p.phone, 'spaced3')}" for p in people]
    return "\n".join(lines) + "\n"


def app_log() -> str:
    rnd = random.Random(3)
    lines = []
    for i in range(400):
        ts = f"2024-05-01 10:{i // 60 % 60:02d}:{i % 60:02d},{rnd.randint(0, 999):03d}"
        if i % 10 == 3:
            p = OTHERS[i % len(OTHERS)]
            lines.append(f"{ts} INFO [kunde.api] ny kunde registrert fnr={p.fnr} epost={p.email}")
        elif i == 201:
            lines.append(f"{ts} INFO [kunde.api] ny kunde registrert fnr={OLA.fnr} epost={OLA.email}")
        elif i == 202:  # Kari's phone digits inside an order id: not her
            lines.append(f"{ts} INFO [ordre] ordre id=1{KARI.phone}9 opprettet")
        else:
            lines.append(f"{ts} DEBUG [db.pool] pool stats: active={rnd.randint(1, 9)} idle={rnd.randint(0, 5)}")
    return "\n".join(lines) + "\n"


def write_share(root) -> None:
    (root / "eksport").mkdir(parents=True)
    (root / "logg").mkdir()
    (root / "notater").mkdir()
    (root / "eksport" / "kunder.csv").write_text(export_csv(EVERYONE), encoding="utf-8")
    (root / "logg" / "app.log").write_text(app_log(), encoding="utf-8")
    (root / "notater" / "samtale.txt").write_text(
        f"Samtale 3. mai: {KARI.name} ringte fra {KARI.phone[:3]} {KARI.phone[3:5]} {KARI.phone[5:]} om måleren.\n"
        f"Hun ba om svar til {OTHERS[0].email}. {OTHERS[1].name} var også med.\n", encoding="utf-8")


S3_EXPECTED = {
    "kari": {"eksport/2024/kunder.csv"},
    "ola": {"hendelser/events.jsonl"},
}


def s3_objects() -> dict[str, bytes]:
    events = [{"ts": f"2024-05-01T10:{i:02d}:00Z", "user": {"email": p.email}, "action": "login"}
              for i, p in enumerate([*OTHERS[:30], OLA])]
    return {"eksport/2024/kunder.csv": export_csv([KARI, *OTHERS]).encode(),
            "hendelser/events.jsonl": "".join(json.dumps(e) + "\n" for e in events).encode()}


def write_estate(root) -> list[str]:
    """The SQLite database and the share under `root`, as NAME=URL sources (kunder, share)."""
    db = root / "kunder.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    populate(engine)
    engine.dispose()
    write_share(root / "share")
    return [f"kunder=sqlite:///{db}", f"share=file://{root / 'share'}"]
