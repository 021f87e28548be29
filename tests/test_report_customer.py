"""The report for the customer (issue 21): bokmål and English throughout, an executive summary on
the first screen, a first scan's changes folded, counts that agree, hits in words, locations that
wrap at their separators, a print stylesheet and a PDF, and an inventory report that keeps the
scan's reasons. The browser and PDF tests use real headless Chromium on a scanned demo estate."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import re
import sqlite3
import subprocess
import sys
import time
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from reports import html_model as hm
from reports.html import HtmlWriter, render
from reports.pdf import PdfError, print_pdf
from reports.texts import Texts, default_lang
from scanner.cli.report import report as report_cmd
from scanner.model.categories import ENTITIES
from tests.test_html_report import (
    DB,
    EMAIL,
    FNR,
    ORGNR,
    dataset,
    error,
    finding,
    header,
    rec,
    summary,
)

ROOT = Path(__file__).parent.parent
KARTLEGG = Path(sys.executable).parent / "kartlegg"


# -- language and words --------------------------------------------------------------------------------

@pytest.mark.parametrize("env, lang", [
    ({}, "en"),
    ({"LANG": "nb_NO.UTF-8"}, "nb"),
    ({"LANG": "nn_NO.UTF-8"}, "nb"),
    ({"LANG": "no_NO"}, "nb"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "nb_NO.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),  # LC_ALL wins, as for gettext
    ({"LC_MESSAGES": "nb_NO.UTF-8", "LANG": "en_US.UTF-8"}, "nb"),
    ({"KARTLEGG_LANG": "en", "LANG": "nb_NO.UTF-8"}, "en"),
    ({"KARTLEGG_LANG": "nb"}, "nb"),
    ({"KARTLEGG_LANG": "de", "LANG": "nb_NO.UTF-8"}, "nb"),  # not one of ours: the locale decides
])
def test_the_default_language(env, lang):
    assert default_lang(env) == lang


@pytest.mark.parametrize("lang, entity, words", [
    ("nb", "NO_FODSELSNUMMER", "fødselsnummer"),
    ("nb", "NO_PHONE_NUMBER", "telefonnummer"),
    ("nb", "NO_METER_ID", "målepunkt-ID"),
    ("nb", "NO_BANK_ACCOUNT", "kontonummer"),
    ("nb", "PERSON", "navn"),
    ("nb", "NO_ADDRESS", "postadresse"),
    ("nb", "EMAIL_ADDRESS", "e-postadresse"),
    ("nb", "IP_ADDRESS", "IP-adresse"),
    ("nb", "CREDIT_CARD", "betalingskortnummer"),
    ("nb", "NO_METER_SERIAL", "målerserienummer"),
    ("nb", "NO_ORGANIZATION_NUMBER", "organisasjonsnummer"),
    ("en", "NO_FODSELSNUMMER", "national identity number (fødselsnummer)"),
    ("en", "NO_PHONE_NUMBER", "phone number"),
    ("en", "NO_METER_ID", "metering point ID"),
    ("en", "PERSON", "name"),
    ("nb", "X_THIRD_PARTY", "X_THIRD_PARTY"),  # unknown: its raw name
])
def test_entity_types_in_plain_words(lang, entity, words):
    assert Texts(lang).entity(entity) == words


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_entity_type_a_detector_reports_has_words(lang):
    tx = Texts(lang)
    assert [et for et in ENTITIES if tx.entity(et) == et] == []


@pytest.mark.parametrize("lang, n, key, text", [
    ("nb", 1, "cov_scanned", "1 lokasjon skannet"),
    ("nb", 2, "cov_scanned", "2 lokasjoner skannet"),
    ("nb", 0, "n_location", "0 lokasjoner"),
    ("en", 1, "cov_scanned", "1 location scanned"),
    ("en", 3, "cov_scanned", "3 locations scanned"),
    ("en", 1, "n_source", "1 source"),
])
def test_plurals_agree(lang, n, key, text):
    assert Texts(lang).n(n, key) == text


@pytest.mark.parametrize("reason, nb", [
    ("unsupported: binary", "formatet støttes ikke (binary)"),
    ("not a regular file (fifo)", "ikke en vanlig fil (fifo)"),
    ("symlink leads outside the root: not followed", "symbolsk lenke som peker ut av roten: ikke fulgt"),
    ("binary column (BLOB)", "binær kolonne (BLOB)"),
    ("something new", "something new"),  # not known: as the scanner said it
])
def test_coverage_reasons_in_bokmal(reason, nb):
    assert Texts("nb").reason(reason) == nb
    assert Texts("en").reason(reason) == reason


# -- the page, from crafted records --------------------------------------------------------------------

class Visible(HTMLParser):
    """The text a reader sees (no script, style or attribute), by the id of the section it is in."""

    def __init__(self):
        super().__init__()
        self.text: dict[str, list[str]] = {}
        self._stack: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        if tag == "section":
            self._stack.append(dict(attrs).get("id", ""))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1
        if tag == "section" and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not self._hidden:
            self.text.setdefault(self._stack[-1] if self._stack else "", []).append(data)


def visible(page: str) -> dict[str, str]:
    v = Visible()
    v.feed(page)
    return {k: " ".join(x) for k, x in v.text.items()}


def new(f: dict, since=None) -> dict:
    return rec("change", source=f["source"], location=f["location"], change="new", entity_type=f["entity_type"],
               category=f["category"], before=None,
               after={"confidence": f["confidence"], "hits": f["hits"], "sampled": f["sampled"]},
               since_scan_id=since)


FIRST_SCAN = [header(DB), dataset(DB, "main", "kunde"), FNR, EMAIL, new(FNR), new(EMAIL),
              summary([FNR, EMAIL], (1, 0, 0), changes={"new": 2})]


def test_the_norwegian_page_speaks_norwegian_and_starts_with_the_summary():
    page = render(hm.from_records(FIRST_SCAN), "nb")
    assert '<html lang="nb">' in page
    main = page[page.index("<main>"):]
    assert main.startswith('<main><section id="executive"') and "<h2>Sammendrag</h2>" in main[:200]
    text = visible(page)
    assert "NO_FODSELSNUMMER" not in text["executive"] and "fødselsnummer" in text["executive"]
    assert "identitet" in text["executive"] and "kontaktopplysninger" in text["executive"]
    assert "NO_FODSELSNUMMER" not in " ".join(text.values())  # anywhere a reader looks
    assert 'title="NO_FODSELSNUMMER"' in page  # kept for a technician
    for english in ("Coverage", "Findings", "Riskiest locations", "locations scanned", "Score ="):
        assert english not in " ".join(text.values()), english


def test_the_ranking_formula_is_folded_and_the_reasons_are_words():
    page = render(hm.from_records(FIRST_SCAN), "en")
    assert re.search(r'<details class="rule"><summary>How the ranking works</summary><p id="risk-rule">Score =', page)
    top = visible(page)["executive"]
    assert "national identity number (fødselsnummer), in most sampled values" in top
    assert "weight 10" not in top and "evidence" not in top


@pytest.mark.parametrize("lang, line", [("nb", "Første skanning: alt er nytt (2 funn)"),
                                        ("en", "First scan: everything is new (2 findings)")])
def test_a_first_scan_folds_its_changes(lang, line):
    page = render(hm.from_records(FIRST_SCAN), lang)
    changes = page[page.index('<section id="changes"'):page.index("</section>", page.index('<section id="changes"'))]
    assert f'<details class="first-scan noprint-open"><summary id="changes-first">{line}</summary>' in changes
    assert changes.index("<details") < changes.index('id="changes-table"')  # the table is inside the fold


def test_changes_against_an_earlier_scan_are_not_folded():
    page = render(hm.from_records([*FIRST_SCAN[:4], new(FNR, since="4b0e0000"), new(EMAIL, since="4b0e0000"),
                                   FIRST_SCAN[-1]]), "en")
    assert 'class="first-scan' not in page and "2 new." in page


def test_a_failed_source_does_not_claim_no_changes():
    m = hm.from_records([header(DB), error(DB, message="unable to open database file"),
                         summary([], (0, 0, 1), 3, changes={})])
    page = render(m, "en")
    assert "No changes since the previous scan" not in page
    assert "1 source(s) failed, so what changed there is not known" in page


def _numbers(page: str) -> tuple[int, int, int, list[int]]:
    get = lambda ident: int(re.search(rf'id="{ident}">(\d+)<', page).group(1))  # noqa: E731
    by_source = [int(x) for x in re.findall(r'<td class="num n-locations">(\d+)</td><td>', page)]
    return get("exec-personal-locations"), get("total-personal-locations"), get("cat-personal-locations"), by_source


def test_locations_with_personal_data_are_counted_alike_everywhere():
    """Not-personal data (an organisation number) has a location of its own: no count takes it in."""
    records = [header(DB), dataset(DB, "main", "kunde"), dataset(DB, "main", "leverandor"), FNR, EMAIL, ORGNR,
               summary([FNR, EMAIL, ORGNR], (2, 0, 0))]
    execu, total, foot, by_source = _numbers(render(hm.from_records(records), "en"))
    assert execu == total == foot == sum(by_source) == 2


def test_a_finding_on_name_and_shape_does_not_read_zero_hits():
    shape = finding(DB, "main", "kunde", "fnr", "NO_FODSELSNUMMER", "identity", hits=0, sampled=300)
    records = [header(DB), dataset(DB, "main", "kunde"), shape, new(shape), summary([shape], (1, 0, 0),
                                                                                      changes={"new": 1})]
    for lang, words in (("en", "name and shape"), ("nb", "navn og form")):
        page = render(hm.from_records(records), lang)
        assert "0/300" not in page
        assert f'<td class="num hits" title="">{words}</td>' in page  # in the findings
        assert re.search(rf"<td>{words}(, treffsikkerhet| at) 0[.,]99</td>", page)  # and in the changes


def test_locations_wrap_at_their_separators():
    page = render(hm.from_records(FIRST_SCAN), "en")
    assert '<td class="loc mono">main.<wbr>kunde.<wbr>fnr</td>' in page
    # breaking anywhere squeezes the column below its longest name: that is left as a last resort
    assert not re.search(r"td\.loc[^{]*\{[^}]*overflow-wrap:\s*anywhere", page)


def test_hostile_names_stay_text_where_they_wrap():
    page = render(hm.from_records([header(DB), finding(DB, "main", "a</script>.b&c", "x", "EMAIL_ADDRESS",
                                                       "contact")]), "nb")
    assert "</script>.b" not in page and "a&lt;/<wbr>script&gt;.<wbr>b&amp;c" in page


def test_the_print_stylesheet():
    page = render(hm.from_records(FIRST_SCAN), "nb")
    css = page[page.index("<style>"):page.index("</style>")]
    printing = css[css.index("@media print"):]
    assert "size: A4" in printing and ".filters" in printing and "tr.over-limit" in printing
    assert "details:not(.noprint-open)::details-content" in printing  # folds open, but the first scan's list


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_the_writer_speaks_the_language_it_is_given(tmp_path, monkeypatch, how):
    """`kartlegg scan --html` renders through HtmlWriter: its language is an argument or KARTLEGG_LANG."""
    monkeypatch.setenv("KARTLEGG_LANG", "nb" if how == "environment" else "en")
    out = tmp_path / "r.html"
    w = HtmlWriter(str(out), lang="nb") if how == "argument" else HtmlWriter(str(out))
    for r in FIRST_SCAN:
        w.write(r)
    w.close()
    assert '<html lang="nb">' in out.read_text(encoding="utf-8")


def test_the_cli_takes_lang(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text("".join(__import__("json").dumps(r) + "\n" for r in FIRST_SCAN), encoding="utf-8")
    for lang, heading in (("nb", "Sammendrag"), ("en", "Summary")):
        result = CliRunner().invoke(report_cmd, [str(path), "--lang", lang, "-o", "-"])
        assert result.exit_code == 0 and f'<html lang="{lang}">' in result.stdout
        assert f"<h2>{heading}</h2>" in result.stdout
    assert CliRunner().invoke(report_cmd, [str(path), "--lang", "de"]).exit_code == 2


# -- PDF without Chromium, and a Chromium that hangs ------------------------------------------------------

def test_pdf_without_chromium_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr("reports.pdf.CHROMIUM", str(tmp_path / "no-chromium"))
    path = tmp_path / "r.jsonl"
    path.write_text("".join(__import__("json").dumps(r) + "\n" for r in FIRST_SCAN), encoding="utf-8")
    result = CliRunner().invoke(report_cmd, [str(path), "--pdf", str(tmp_path / "r.pdf"), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 5 and "Debian package chromium" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "r.pdf").exists()


def test_a_chromium_that_hangs_is_stopped_with_its_children(tmp_path):
    pids = tmp_path / "pids"
    fake = tmp_path / "chromium"
    fake.write_text(f"#!/bin/sh\nsleep 60 & echo $! > {pids}\nsleep 60\n")
    fake.chmod(0o755)
    html = tmp_path / "r.html"
    html.write_text("<p>x</p>")
    started = time.monotonic()
    with pytest.raises(PdfError, match="within 1 s"):
        print_pdf(html, tmp_path / "r.pdf", timeout=1, chromium=str(fake))
    assert time.monotonic() - started < 10
    child = int(pids.read_text())
    time.sleep(0.2)
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]


def test_no_helper_of_chromium_outlives_a_printed_pdf(tmp_path):
    pids = tmp_path / "pids"
    fake = tmp_path / "chromium"
    # prints (the last argument before the URL names the PDF) and leaves a helper behind, as
    # Chromium's crash handler can
    fake.write_text("#!/bin/sh\nfor a in \"$@\"; do case $a in --print-to-pdf=*) out=${a#--print-to-pdf=};; esac; done\n"
                    f"sleep 60 & echo $! > {pids}\nprintf '%%PDF-1.4\\n' > \"$out\"\n")
    fake.chmod(0o755)
    html = tmp_path / "r.html"
    html.write_text("<p>x</p>")
    print_pdf(html, tmp_path / "r.pdf", timeout=30, chromium=str(fake))
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    child = int(pids.read_text())
    time.sleep(0.2)
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]


# -- a scanned demo estate, in real Chromium -------------------------------------------------------------

@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    """A small demo estate (database and file share) scanned once into a new inventory: a first scan."""
    root = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "KARTLEGG_LANG": "en"}
    db = root / "kundesystem.db"
    for args in (["-m", "demo.estate", f"sqlite:///{db}", "--rows", "200"],
                 ["-m", "demo.estate_files", str(root / "filer"), "--rows", "50"]):
        subprocess.run([sys.executable, *args], check=True, capture_output=True, cwd=ROOT, timeout=300)
    done = subprocess.run([str(KARTLEGG), "scan", f"sqlite:///{db}", str(root / "filer"), "--inventory",
                           str(root / "inv.sqlite"), "-o", str(root / "r.jsonl")],
                          capture_output=True, text=True, cwd=root, env=env, timeout=600)
    assert done.returncode in (0, 1, 3), done.stderr[-2000:]
    html = root / "nb.html"
    result = CliRunner().invoke(report_cmd, [str(root / "r.jsonl"), "--lang", "nb", "-o", str(html)])
    assert result.exit_code == 0, result.output
    return {"root": root, "db": db, "jsonl": root / "r.jsonl", "nb": html, "inventory": root / "inv.sqlite"}


@pytest.fixture(scope="module")
def chrome(tmp_path_factory):
    loader = importlib.machinery.SourceFileLoader("report_screenshot", str(ROOT / "tools" / "report-screenshot"))
    tool = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(tool)
    if tool.missing():
        pytest.fail(f"headless Chromium is needed: missing {', '.join(tool.missing())} (Debian packages chromium "
                    "and chromium-driver)")
    os.environ["SE_OFFLINE"] = "true"
    driver = tool.chromium(str(tmp_path_factory.mktemp("chromium-profile")), width=1400, height=900)
    driver.set_window_size(1400, 900)
    yield driver
    driver.quit()


def test_the_norwegian_summary_is_on_the_first_screen(chrome, estate, tmp_path):
    chrome.get(estate["nb"].resolve().as_uri())
    assert chrome.execute_script("return window.innerWidth") == 1400
    height = chrome.execute_script("return window.innerHeight")
    box = chrome.execute_script("""
        const s = document.getElementById('executive'), r = s.getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, heading: s.querySelector('h2').innerText, text: s.innerText,
                lang: document.documentElement.lang};""")
    assert box["lang"] == "nb" and box["heading"] == "Sammendrag"
    assert 0 <= box["top"] and box["bottom"] <= height <= 900, box
    assert "NO_FODSELSNUMMER" not in box["text"] and "fødselsnummer" in box["text"]
    assert len(chrome.execute_script("return document.querySelectorAll('#exec-top > li')")) == 5
    shot = tmp_path / "first-screen.png"
    shot.write_bytes(chrome.get_screenshot_as_png())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_in_the_browser_a_first_scan_is_folded_and_counts_agree(chrome, estate):
    chrome.get(estate["nb"].resolve().as_uri())
    got = chrome.execute_script("""
        const n = id => parseInt(document.getElementById(id).innerText, 10);
        const fold = document.querySelector('#changes details.first-scan');
        return {open: fold.open, line: fold.querySelector('summary').innerText,
                rows: document.querySelectorAll('#changes-table tbody tr').length,
                shown: fold.getBoundingClientRect().height,
                exec: n('exec-personal-locations'), total: n('total-personal-locations'),
                foot: n('cat-personal-locations'),
                sources: Array.from(document.querySelectorAll('#by-source .n-locations'))
                              .reduce((a, td) => a + parseInt(td.innerText, 10), 0),
                height: document.documentElement.scrollHeight};""")
    assert not got["open"] and got["shown"] < 60 and got["rows"] > 0  # one line, the table folded
    assert got["line"] == f"Første skanning: alt er nytt ({got['rows']} funn)"
    assert got["exec"] == got["total"] == got["foot"] == got["sources"] > 0
    assert got["height"] < 9000, got["height"]  # the long tables are folded or cut to their first rows


def _raw_values(db: Path) -> set[str]:
    """Fødselsnummer and e-mail addresses as the estate's database holds them, unmasked."""
    con = sqlite3.connect(db)
    try:
        values = set()
        for (table,) in con.execute("select name from sqlite_master where type = 'table'"):
            for row in con.execute(f'select * from "{table}"'):
                values |= {v for v in row if isinstance(v, str) and (re.fullmatch(r"\d{11}", v) or
                                                                      re.fullmatch(r"[^@\s]+@[^@\s]+\.\w+", v))}
        return values
    finally:
        con.close()


def test_the_pdf(estate, tmp_path):
    from pypdf import PdfReader

    pdf = tmp_path / "rapport.pdf"
    result = CliRunner().invoke(report_cmd, [str(estate["jsonl"]), "--lang", "nb", "--pdf", str(pdf), "-o",
                                             str(tmp_path / "rapport.html")])
    assert result.exit_code == 0, result.output
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = PdfReader(str(pdf)).pages
    first = unicodedata.normalize("NFKC", pages[0].extract_text())
    assert "Rapport om personopplysninger" in first and "Sammendrag" in first and "Hva som ikke ble skannet" in first
    everything = unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in pages))
    raw = _raw_values(estate["db"])
    assert len(raw) > 50 and not [v for v in raw if v in everything]
    only_pdf = tmp_path / "bare.pdf"  # -o x.pdf writes the PDF and no HTML
    assert CliRunner().invoke(report_cmd, [str(estate["jsonl"]), "-o", str(only_pdf)]).exit_code == 0
    assert only_pdf.read_bytes().startswith(b"%PDF-") and not (tmp_path / "bare.html").exists()


def test_the_inventory_report_keeps_the_scan_s_reasons(estate):
    records = [__import__("json").loads(x) for x in estate["jsonl"].read_text(encoding="utf-8").splitlines()]
    reasons = {r["reason"] for r in records if r["record"] == "skipped"}
    assert reasons
    result = CliRunner().invoke(report_cmd, ["--inventory", str(estate["inventory"]), "--lang", "en", "-o", "-"])
    assert result.exit_code == 0, result.output
    page = result.stdout
    listing = page[page.index('id="not-scanned"'):page.index("</table>", page.index('id="not-scanned"'))]
    assert "keeps no reason" not in page and "not kept by this inventory" not in listing
    assert all(r in listing for r in reasons), (reasons, listing)
    assert len(re.findall(r'<tr data-kind="', listing)) == sum(r["record"] in ("skipped", "error") for r in records)
    assert not re.search(r"\b1 (locations|sources|findings)\b", " ".join(visible(page).values()))
