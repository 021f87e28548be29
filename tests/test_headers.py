"""Header rows (issue 18, class 4): found under titles, notes and blank rows in CSV and XLSX, for
labels no word list knows, and never made up for headerless data or prose.

Every fixture is a real file written to tmp_path (CSV text in several encodings and delimiters,
XLSX by openpyxl) and read through scanner.formats.read, with and without the detectors' words.
"""

from __future__ import annotations

import random

import pytest

from detectors import synthetic
from scanner.crawlers.known_words import HEADER_WORDS
from scanner.formats import Limits, read
from scanner.formats.delimited import ABOVE, is_phrase, is_sentence_row, running_text
from scanner.formats.detect import detect

RND = random.Random(18)
FNR = [synthetic.fodselsnummer(RND) for _ in range(4)]
PHONE = ["912 34 567", "+47 41234567", "22334455", "(+47) 934 56 789"]  # written as people write them
NAMES = ["Kari Nordmann", "Ola Hansen", "Per Olav Tveit", "Åse Ødegård"]
EMAILS = ["kari@eksempel.no", "ola.hansen@firma.no", "per@tveit.no", "ase.odegard@eksempel.no"]
KUNDENR = ["10023", "10024", "10025", "10026"]
BORN = ["01.02.1990", "12.12.1988", "1975-06-30", "03.03.2001"]
TOWNS = ["Tromsø", "Bodø", "Ålesund", "Sandnessjøen"]

WORDS = {"with words": Limits(header_words=HEADER_WORDS), "shapes alone": Limits()}


def table(delimiter: str, *rows: list[str]) -> str:
    return "".join(delimiter.join(r) + "\r\n" for r in rows)


def data(*columns: list[str]) -> list[list[str]]:
    return [list(r) for r in zip(*columns)]


def read_bytes(tmp_path, name: str, content: bytes, limits: Limits):
    path = tmp_path / name
    path.write_bytes(content)
    with open(path, "rb") as fh:
        return read(fh, name, limits)


def fields(sample) -> dict[str, list]:
    return {f.name: f.values for f in sample.fields}


# --- Delimited text: (file name, encoding, text, expected fields) ----------------------------------------

FOUND = [
    pytest.param(  # a title, a blank line, then the header (a CRM export)
        "kunder.csv", "cp1252",
        "Kundeliste per 01.05.2024\r\n\r\n"
        + table(";", ["Kundenr", "Navn", "E-post adresse", "Tlf."], *data(KUNDENR, NAMES, EMAILS, PHONE)),
        {"Kundenr": KUNDENR, "Navn": NAMES, "E-post adresse": EMAILS, "Tlf.": PHONE,
         ABOVE: ["Kundeliste per 01.05.2024"]},  # the title is kept as text, never lost
        id="title-blank-header-cp1252"),
    pytest.param(  # Excel's CSV: the merged title cell and the blank row keep their delimiters
        "kunder.csv", "utf-8-sig",
        table(";", ["Kundeliste per 01.05.2024", "", "", ""], ["", "", "", ""],
              ["Kundenr", "Fødselsdato", "Mobil", "Bosted"], *data(KUNDENR, BORN, PHONE, TOWNS)),
        {"Kundenr": KUNDENR, "Fødselsdato": BORN, "Mobil": PHONE, "Bosted": TOWNS,
         ABOVE: ["Kundeliste per 01.05.2024"]},
        id="excel-title-bom"),
    pytest.param(  # notes above the table, in a file named .txt
        "eksport.txt", "utf-8",
        "Eksportert fra CRM 2024-05-01 av drift@firma.no\nKonfidensielt\n\n"
        + table(",", ["Kundenr", "Fullt navn", "Tlf."], *data(KUNDENR, NAMES, PHONE)),
        {"Kundenr": KUNDENR, "Fullt navn": NAMES, "Tlf.": PHONE,
         ABOVE: ["Eksportert fra CRM 2024-05-01 av drift@firma.no", "Konfidensielt"]},
        id="notes-above-txt"),
    pytest.param(  # labels no word list holds, with spaces and punctuation
        "crm.csv", "utf-8",
        table(",", ["Kundenr", "E-post adresse", "Tlf.", "Fødselsdato"], *data(KUNDENR, EMAILS, PHONE, BORN)),
        {"Kundenr": KUNDENR, "E-post adresse": EMAILS, "Tlf.": PHONE, "Fødselsdato": BORN},
        id="unknown-labels"),
    pytest.param(  # Norwegian letters in upper case, Latin-1, pipes
        "kunder.csv", "latin-1",
        table("|", ["KUNDENR", "FØDSELSNUMMER", "POSTSTED", "TLF. PRIVAT"], *data(KUNDENR, FNR, TOWNS, PHONE)),
        {"KUNDENR": KUNDENR, "FØDSELSNUMMER": FNR, "POSTSTED": TOWNS, "TLF. PRIVAT": PHONE},
        id="upper-case-latin1-pipes"),
    pytest.param(  # English labels, tabs
        "contacts.tsv", "utf-8",
        table("\t", ["Customer no.", "Contact person", "Phone no.", "Billing e-mail"],
              *data(KUNDENR, NAMES, PHONE, EMAILS)),
        {"Customer no.": KUNDENR, "Contact person": NAMES, "Phone no.": PHONE, "Billing e-mail": EMAILS},
        id="english-tabs"),
    pytest.param(  # two header rows: group names over some columns, then the names
        "kunder.csv", "utf-8",
        table(";", ["Kunde", "", "Kontakt", ""], ["Kundenr", "Navn", "E-post", "Telefon"],
              *data(KUNDENR, NAMES, EMAILS, PHONE)),
        {"Kundenr": KUNDENR, "Navn": NAMES, "E-post": EMAILS, "Telefon": PHONE, ABOVE: ["Kunde Kontakt"]},
        id="group-row-over-header"),
    pytest.param(  # every line ends in a delimiter: the empty last cell names no column
        "kunder.csv", "cp1252",
        table(";", ["Kundenr", "Navn", "Bosted", ""], *[r + [""] for r in data(KUNDENR, NAMES, TOWNS)]),
        {"Kundenr": KUNDENR, "Navn": NAMES, "Bosted": TOWNS},
        id="trailing-delimiter"),
    pytest.param(  # a year in a label is not a value
        "forbruk.csv", "utf-8",
        table(";", ["Kundenr", "Forbruk 2023", "Forbruk 2024"], *data(KUNDENR, ["1200", "830", "4500", "77"],
                                                                      ["1100", "900", "4300", "80"])),
        {"Kundenr": KUNDENR, "Forbruk 2023": ["1200", "830", "4500", "77"],
         "Forbruk 2024": ["1100", "900", "4300", "80"]},
        id="year-in-label"),
    pytest.param(  # one column with its header
        "epost.csv", "utf-8", table(",", ["E-post adresse"], *data(EMAILS)), {"E-post adresse": EMAILS},
        id="one-column-with-header"),
]

HEADERLESS = [
    pytest.param(  # numbers only: the first row is data
        "tall.csv", "utf-8", table(";", *data(KUNDENR, ["91234567", "41234567", "22334455", "93456789"],
                                             ["1500", "20", "333", "4"])),
        {"col1": KUNDENR, "col2": ["91234567", "41234567", "22334455", "93456789"], "col3": ["1500", "20", "333", "4"]},
        id="numeric"),
    pytest.param(  # names and e-mails: the first row is a person
        "kontakter.csv", "utf-8", table(",", *data(NAMES, EMAILS)), {"col1": NAMES, "col2": EMAILS},
        id="names-emails"),
    pytest.param(  # fødselsnumre and names, cp1252, semicolons
        "personer.csv", "cp1252", table(";", *data(FNR, NAMES, TOWNS)), {"col1": FNR, "col2": NAMES, "col3": TOWNS},
        id="fnr-names-cp1252"),
    pytest.param(  # one column of e-mails, no header
        "epost.csv", "utf-8", table(",", *data(EMAILS)), {"col1": EMAILS}, id="one-column"),
    pytest.param(  # a label alone on the first line is a title, not the header of a wider table
        "kunder.csv", "utf-8", "Kunder\n" + table(";", *data(NAMES, EMAILS, PHONE)),
        {"col1": NAMES, "col2": EMAILS, "col3": PHONE, ABOVE: ["Kunder"]}, id="single-label-row-then-data"),
]


@pytest.mark.parametrize("words", WORDS.values(), ids=WORDS.keys())
@pytest.mark.parametrize("name, encoding, text, expected", FOUND + HEADERLESS)
def test_delimited_header_and_the_rows_under_it(tmp_path, words, name, encoding, text, expected):
    sample = read_bytes(tmp_path, name, text.encode(encoding), words)
    assert sample.format == ("tsv" if name.endswith(".tsv") else "csv")
    assert fields(sample) == expected  # the names, and under them the data rows only: no title, no header


def test_headerless_names_are_data_when_the_names_are_known(tmp_path):
    # one word over one word: only the detectors' people's names tell the first row is a person
    text = table(";", ["Kari", "Nordmann", "Oslo"], ["Ola", "Hansen", "Bergen"], ["Per", "Tveit", "Tromsø"])
    sample = read_bytes(tmp_path, "navn.csv", text.encode(), WORDS["with words"])
    assert fields(sample) == {"col1": ["Kari", "Ola", "Per"], "col2": ["Nordmann", "Hansen", "Tveit"],
                              "col3": ["Oslo", "Bergen", "Tromsø"]}


# --- Prose is not a table --------------------------------------------------------------------------------

MANUAL_NO = (
    "Brukerhåndbok for Kundeportalen, versjon 3\n\n"
    "Denne håndboken beskriver hvordan du logger inn, endrer passord og oppdaterer kontaktinformasjon.\n"
    "For å logge inn, gå til portalen og skriv inn brukernavn, passord og engangskode.\n"
    "Hvis du har glemt passordet, klikk på lenken under innloggingsfeltet.\n"
    "Kontakt kundeservice på telefon eller e-post dersom problemet vedvarer, så hjelper vi deg.\n"
)
MANUAL_EN = (
    "User manual, version 3\n"
    "To log in, open the portal, enter your user name and password.\n"
    "If you forgot the password, click the link below the login field.\n"
    "For help, contact support by phone, e-mail or chat.\n"
    "Updates are installed automatically, usually at night.\n"
)
MANUAL_SEMICOLONS = (
    "Rutiner for drift; sist endret mai\n"
    "Sikkerhetskopien tas hver natt; den kontrolleres hver mandag av vakthavende.\n"
    "Feil meldes til driftssenteret; de logges i saksystemet med en gang.\n"
    "Endringer avtales med kunden; de varsles minst to dager i forveien.\n"
)


@pytest.mark.parametrize("text, encoding", [
    (MANUAL_NO, "utf-8"), (MANUAL_NO, "cp1252"), (MANUAL_NO, "utf-8-sig"), (MANUAL_EN, "utf-8"),
    (MANUAL_SEMICOLONS, "latin-1"),
], ids=["no-utf8", "no-cp1252", "no-bom", "en", "semicolons-latin1"])
@pytest.mark.parametrize("words", WORDS.values(), ids=WORDS.keys())
def test_a_manual_is_running_text_not_a_table(tmp_path, text, encoding, words):
    sample = read_bytes(tmp_path, "manual.txt", text.encode(encoding), words)
    assert sample.format == "text"
    assert [f.name for f in sample.fields] == ["text"]
    # the title line is a line of the text (its first paragraph), not a column name
    assert sample.fields[0].values[0].splitlines()[0] == text.splitlines()[0]


@pytest.mark.parametrize("head, fmt", [
    (MANUAL_EN.encode(), "text"),
    (table(",", ["navn", "adresse"], ["Kari Nordmann", "Storgata 12"], ["Ola Hansen", "Kirkeveien 3"]).encode(), "csv"),
    # a free-text column among values: the row is a record
    (table(";", ["sak", "kommentar", "status"], ["INC0012345", "Byttet disk, startet på nytt etter at kunden ringte",
                                                  "lukket"], ["INC0012346", "Kunden får ikke logget inn", "åpen"]
           ).encode(), "csv"),
    # quoted sentences are fields of a CSV writer
    ((b'"sporsmal","svar"\n"Hvordan logger jeg inn?","Du logger inn med brukernavn og passord."\n'
      b'"Hvor finner jeg fakturaen?","Den ligger under fanen for fakturaer og betaling."\n'), "csv"),
])
def test_detection_tells_prose_from_records(head, fmt):
    assert detect(head, "fil.txt", complete=True).format == fmt


@pytest.mark.parametrize("piece, phrase", [
    ("open the portal", True), (" enter your user name and password.", True), ("e-post eller chat nå", True),
    ("Per Olav Tveit", False), ("Storgata 12 B", False), ("Leder salg", False), ("kari@eksempel.no", False),
    ("INC0012345", False), ("", False),
])
def test_a_phrase_is_running_text(piece, phrase):
    assert is_phrase(piece) is phrase


@pytest.mark.parametrize("line, delimiter, sentence", [
    ("To log in, open the portal, enter your user name.\n", ",", True),
    ("Kari Nordmann, kari@eksempel.no, 912 34 567\n", ",", False),  # spaced, but values
    ("To log in,open the portal,enter your user name\n", ",", False),  # a writer's delimiter, no space
    ('"To log in, open the portal",svar\n', ",", False),  # quoted
    ("no delimiter at all in this sentence\n", ",", False),
])
def test_a_sentence_row(line, delimiter, sentence):
    assert is_sentence_row(line, delimiter) is sentence


def test_running_text_needs_most_split_lines_to_be_sentences():
    lines = MANUAL_EN.splitlines(keepends=True)
    assert running_text(lines, ",")
    assert not running_text(table(",", ["navn", "epost"], *data(NAMES, EMAILS)).splitlines(keepends=True), ",")


# --- Spreadsheets ----------------------------------------------------------------------------------------


def _workbook(path):
    import openpyxl

    wb = openpyxl.Workbook()
    crm = wb.active
    crm.title = "CRM"  # a title over merged cells, a blank row, then the header
    crm.append(["Kundeliste per 01.05.2024"])
    crm.merge_cells("A1:D1")
    crm.append([])
    crm.append(["Kundenr", "Navn", "E-post adresse", "Tlf."])
    for i in range(4):
        crm.append([int(KUNDENR[i]), NAMES[i], EMAILS[i], PHONE[i]])

    notes = wb.create_sheet("Notater")  # notes in column A, then a header that starts in column B
    notes.append(["Eksportert fra HR 2024-05-01"])
    notes.append(["Konfidensielt: personopplysninger"])
    notes.append([])
    notes.append([None, "Ansattnr", "Fødselsnummer", "Fødselsdato", "Bosted"])
    for i in range(4):
        notes.append([None, 500 + i, FNR[i], BORN[i], TOWNS[i]])

    plain = wb.create_sheet("Vanlig")  # the header on the first row, as before
    plain.append(["Fødselsnummer", "Navn"])
    for i in range(4):
        plain.append([FNR[i], NAMES[i]])

    numbers = wb.create_sheet("Tall")  # no header: numbers from the first row
    for i in range(4):
        numbers.append([int(KUNDENR[i]), int(PHONE[2]) + i])

    people = wb.create_sheet("Personer")  # a title, then headerless names and e-mails
    people.append(["Deltakere"])
    people.append([])
    for i in range(4):
        people.append([NAMES[i], EMAILS[i]])

    groups = wb.create_sheet("Grupper")  # two header rows
    groups.append(["Kunde", None, "Kontakt", None])
    groups.append(["Kundenr", "Navn", "Epost", "Mobil"])
    for i in range(4):
        groups.append([KUNDENR[i], NAMES[i], EMAILS[i], PHONE[i]])

    single = wb.create_sheet("En")  # one column under a header
    single.append(["E-post adresse"])
    for e in EMAILS:
        single.append([e])
    wb.save(path)


XLSX_EXPECTED = {
    "CRM!Kundenr": [int(k) for k in KUNDENR], "CRM!Navn": NAMES, "CRM!E-post adresse": EMAILS, "CRM!Tlf.": PHONE,
    "Notater!col1": [],  # the notes column holds nothing under the header
    "Notater!Ansattnr": [500, 501, 502, 503], "Notater!Fødselsnummer": FNR, "Notater!Fødselsdato": BORN,
    "Notater!Bosted": TOWNS,
    "Vanlig!Fødselsnummer": FNR, "Vanlig!Navn": NAMES,
    "Tall!col1": [int(k) for k in KUNDENR], "Tall!col2": [int(PHONE[2]) + i for i in range(4)],
    "Personer!col1": NAMES, "Personer!col2": EMAILS,
    "Grupper!Kundenr": KUNDENR, "Grupper!Navn": NAMES, "Grupper!Epost": EMAILS, "Grupper!Mobil": PHONE,
    "En!E-post adresse": EMAILS,
    # what sat above each header, as text
    f"CRM!{ABOVE}": ["Kundeliste per 01.05.2024"],
    f"Notater!{ABOVE}": ["Eksportert fra HR 2024-05-01", "Konfidensielt: personopplysninger"],
    f"Personer!{ABOVE}": ["Deltakere"], f"Grupper!{ABOVE}": ["Kunde Kontakt"],
}


@pytest.mark.parametrize("words", WORDS.values(), ids=WORDS.keys())
def test_xlsx_header_row_is_found_per_sheet(tmp_path, words):
    path = tmp_path / "kunder.xlsx"
    _workbook(path)
    with open(path, "rb") as fh:
        sample = read(fh, path.name, words)
    assert sample.format == "xlsx"
    assert fields(sample) == XLSX_EXPECTED


def test_a_full_read_finds_the_header_under_the_title_too(tmp_path):
    from scanner.formats.batches import read_batches

    text = "Kundeliste per 01.05.2024\n\n" + table(";", ["Kundenr", "Navn", "Tlf."], *data(KUNDENR, NAMES, PHONE))
    path = tmp_path / "kunder.csv"
    path.write_bytes(text.encode("cp1252"))
    with open(path, "rb") as fh:
        batches = [fields(s) for s in read_batches(fh, path.name, Limits(), batch_rows=2)]
    assert batches == [{"Kundenr": KUNDENR[:2], "Navn": NAMES[:2], "Tlf.": PHONE[:2], ABOVE: ["Kundeliste per 01.05.2024"]},
                       {"Kundenr": KUNDENR[2:], "Navn": NAMES[2:], "Tlf.": PHONE[2:]}]


def test_what_sits_above_a_table_is_scanned_as_text(tmp_path):
    """A title or a note above the header is neither the header nor data, but it is read: a
    person named there is a finding, on the table's '(above the table)' field."""
    from reporting import of, scan_cli

    text = ("Kundeliste for Kari Nordmann, mobil 412 34 567\n\n"
            + table(";", ["Kundenr", "Bosted", "Forbruk"], *data(KUNDENR, TOWNS, ["1200", "830", "4500", "77"])))
    (tmp_path / "kunder.csv").write_bytes(text.encode("utf-8"))
    code, lines, _ = scan_cli(str(tmp_path), "--no-inventory")
    found = {(f["location"]["field"], f["entity_type"]) for f in of(lines, "finding")}
    assert {(ABOVE, "PERSON"), (ABOVE, "NO_PHONE_NUMBER")} <= found
    assert not any(field == "Kundenr" for field, _ in found)
