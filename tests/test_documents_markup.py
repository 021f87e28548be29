"""HTML and XML documents (issue 20): what the markup reader takes from pages and exports, what it
leaves out (scripts, style sheets, layout tables, masked numbers, a pom's versions), and how it
stands up to hostile XML: billion laughs, external entities, nesting 100,000 deep, 200 MB files."""

from __future__ import annotations

import io
import time

import pytest
from documents_util import read_apart
from reporting import findings, reasons, scan_cli

from demo.documents import markup as pages
from scanner.formats import Limits, read
from scanner.formats.errors import Corrupt, TooLarge


def sample(data: str | bytes, name: str, **limits):
    return read(io.BytesIO(data.encode() if isinstance(data, str) else data), name, Limits(**limits))


def fields(data: str | bytes, name: str, **limits) -> dict[str, list]:
    return {f.name: f.values for f in sample(data, name, **limits).fields}


def html(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head><title>Side</title>{head}</head><body>{body}</body></html>"


# --- HTML -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("make, expected, absent", [
    (pages.portal_page,
     {"title", "body", "table 1: Kundenummer", "table 1: Fødselsnummer", "table 1: Målepunkt-ID", "table 1: E-post",
      "form.epost", "form.mobil", "form.csrf", "links.tel"}, {"form.input", "links.mailto"}),
    (pages.newsletter, {"title", "body", "links.mailto"}, {"table 1: column 1"}),  # layout tables are text
    (pages.customer_table, {"title", "body", *(f"table 1: {h}" for h in (
        "Kundenr", "Navn", "Fødselsnummer", "Adresse", "Postnr", "Poststed", "E-post", "Telefon"))}, {"table 2: Navn"}),
    (pages.intranet_page, {"title", "body", "table 1: Versjon", "table 1: Bygg"}, {"links.tel"}),
])
def test_html_pages_give_their_fields(make, expected, absent):
    got = fields(make(), "side.html")
    assert expected <= set(got) and not absent & set(got)
    body = "\n".join(got["body"])
    assert "dataLayer" not in body and "font-family" not in body  # script and style sheet
    assert got["title"] == [make().split("<title>")[1].split("</title>")[0].replace("&amp;", "&")]


def test_a_data_table_is_read_as_columns_and_not_again_as_text():
    got = fields(pages.customer_table(rows=40), "kunder.html")
    people = pages.people(40)
    assert got["table 1: Fødselsnummer"] == [p.fnr for p in people]
    assert got["table 1: Navn"] == [p.name for p in people]
    assert not any(p.fnr in v for p in people for v in got["body"])


def test_a_saved_portal_page_gives_the_customer_in_text_and_fields():
    p = pages.people(1)[0]
    got = fields(pages.portal_page(), "min_side.html")
    assert f"{p.name}\n{p.street}\n{p.postnr} {p.poststed}" in got["body"]  # the address block, one paragraph
    assert got["table 1: Målepunkt-ID"] == [p.meter] and got["table 1: Fødselsnummer"] == [p.fnr[:6] + "*****"]
    assert got["form.epost"] == [p.email] and got["form.mobil"] == [p.mobile]


@pytest.mark.parametrize("body, expected", [
    ("<p>Kari Nordmann<br>Storgata 1<br>0150 Oslo</p><p>Neste avsnitt</p>",
     ["Kari Nordmann\nStorgata 1\n0150 Oslo", "Neste avsnitt"]),
    ("<div>Kari</div><div>Nordmann</div>", ["Kari\nNordmann"]),
    ("<p>Kunden   <b>Kari</b>\n   <i>Nordmann</i> ringte</p>", ["Kunden Kari Nordmann ringte"]),  # inline, spaces
    ("<p>Brå&nbsp;ten &amp; s&oslash;nn</p>", ["Brå ten & sønn"]),
    ("<pre>Kari Nordmann\n  Storgata 1</pre>", ["Kari Nordmann\nStorgata 1"]),
    ("<p>Synlig</p><script>var navn = 'Ola Hansen';</script><style>p { color: red }</style>"
     "<template><p>Mal</p></template><noscript>Slå på JavaScript</noscript><select><option>Oslo</select>",
     ["Synlig"]),
    ("<ul><li>Kari</li><li>Ola</li></ul>", ["Kari\nOla"]),
    ("<p>Uten slutt<p>Neste", ["Uten slutt", "Neste"]),  # implied end tags
    ("<h1>Tittel</h1>Løs tekst", ["Tittel", "Løs tekst"]),
])
def test_html_text_is_laid_out_as_a_browser_shows_it(body, expected):
    assert fields(html(body, head="<style>h1 {}</style><script>1</script>"), "x.html")["body"] == expected


TABLE = ("<table><tr><th>Navn</th><th>Fødselsnummer</th></tr><tr><td>Kari</td><td>1</td></tr>"
         "<tr><td>Ola</td><td>2</td></tr></table>")


@pytest.mark.parametrize("body, expected", [
    (TABLE, {"table 1: Navn": ["Kari", "Ola"], "table 1: Fødselsnummer": ["1", "2"]}),
    ("<table><tr><td>Navn<td>Fødselsnummer<tr><td>Kari<td>1<tr><td>Ola<td>2</table>",  # no end tags, no <th>
     {"table 1: Navn": ["Kari", "Ola"], "table 1: Fødselsnummer": ["1", "2"]}),
    ("<table><tr><th>Navn</th><td>Kari</td></tr><tr><th>Adresse</th><td>Storgata 1</td></tr></table>",  # labels left
     {"table 1: Navn": ["Kari"], "table 1: Adresse": ["Storgata 1"]}),
    ("<table><tr><td>Navn:</td><td>Kari</td></tr><tr><td>Adresse:</td><td>Storgata 1</td></tr></table>",
     {"table 1: Navn:": ["Kari"], "table 1: Adresse:": ["Storgata 1"]}),
    (TABLE.replace("<table>", '<table role="presentation">'), {"body": ["Navn\nFødselsnummer\nKari\n1\nOla\n2"]}),
    ("<table><tr><td>Kari</td><td>Ola</td></tr></table>", {"body": ["Kari\nOla"]}),  # one row: text
    ("<table><tr><td>Meny</td><td>" + TABLE + "</td></tr><tr><td>a</td><td>b</td></tr></table>",  # a table in a cell
     {"table 1: Navn": ["Kari", "Ola"], "table 1: Fødselsnummer": ["1", "2"], "body": ["Meny", "a\nb"]}),
    ("<table><tr><td>Hei</td><td>" + "Et langt avsnitt. " * 20 + "</td></tr><tr><td>a</td><td>b</td></tr></table>",
     {"body": ["Hei\n" + ("Et langt avsnitt. " * 20).strip() + "\na\nb"]}),
])
def test_html_tables_with_a_header_are_tables_and_layout_tables_text(body, expected):
    got = fields(html(body), "x.html")
    got.pop("title")
    assert got == expected


@pytest.mark.parametrize("body, expected", [
    ('<a href="mailto:kari@example.no">Skriv</a>', {"links.mailto": ["kari@example.no"]}),
    ('<a href="MAILTO:kari@example.no,ola%40example.no?subject=Hei&cc=x@example.no">x</a>',
     {"links.mailto": ["kari@example.no", "ola@example.no"]}),
    ('<a href="tel:+47%20412%2034%20567">Ring</a><a href="https://example.no/tel:1">x</a>',
     {"links.tel": ["+47 412 34 567"]}),
    ('<form><input name="navn" value="Kari Nordmann"><input type="submit" value="Send">'
     '<input type="checkbox" name="samtykke" value="ja"><input name="tom"><input id="fnr" value="1"></form>',
     {"form.navn": ["Kari Nordmann"], "form.fnr": ["1"]}),
])
def test_html_links_and_form_values_are_fields(body, expected):
    got = fields(html(body), "x.html")
    assert {k: v for k, v in got.items() if k.startswith(("links.", "form."))} == expected


def test_the_author_meta_tag_is_a_field():
    got = fields(html("<p>x</p>", head='<meta name="Author" content="Kari Nordmann"><meta name="description" '
                                      'content="Ola">'), "x.html")
    assert got["metadata.author"] == ["Kari Nordmann"] and "Ola" not in str(got)


@pytest.mark.parametrize("data", [
    html("<p>Kari Bråten</p>").encode("utf-8"),
    html("<p>Kari Bråten</p>").encode("cp1252"),  # no charset: not UTF-8, so Windows-1252
    html("<p>Kari Bråten</p>", '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">').encode(
        "cp1252"),
    html("<p>Kari Bråten</p>", '<meta charset="utf-8">').encode("utf-8"),
    html("<p>Kari Bråten</p>").encode("utf-16"),
    b"\xef\xbb\xbf" + html("<p>Kari Bråten</p>").encode(),
])
def test_html_is_decoded_by_its_bytes_and_its_charset(data):
    assert fields(data, "x.html")["body"] == ["Kari Bråten"]


# --- XML ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("make, expected", [
    (pages.customer_register, {"kunder/@eksportert": 1, "kunder/system": 1, "kunde/@id": 40, "kunde/@status": 40,
                               "kunde/navn": 40, "kunde/fnr": 40, "kunde/adresse/@type": 40, "kunde/adresse/gate": 40,
                               "kunde/adresse/postnr": 40, "kunde/adresse/poststed": 40, "kunde/epost": 40,
                               "kunde/mobil": 40}),
    (pages.meter_readings, {"Reading/MeteringPointId": 40, "Reading/Timestamp": 40, "Reading/Quantity": 40,
                            "Reading/Quantity/@unit": 40}),
    (pages.docbook_letter, {"body": 3}),  # the title with the first paragraph, the second, the greeting
    (pages.svg_logo, {"body": 1}),
    (pages.maven_pom, {"project/modelVersion": 1, "project/groupId": 1, "project/artifactId": 1, "project/version": 1,
                       "project/properties/java.version": 1, "project/properties/maven.compiler.release": 1,
                       "dependency/groupId": 4, "dependency/artifactId": 4, "dependency/version": 4}),
])
def test_xml_files_give_a_field_per_path_or_their_text(make, expected):
    assert {name: len(values) for name, values in fields(make(), "x.xml").items()} == expected


def test_an_invoice_names_the_buyer_by_path_and_its_lines_as_records():
    p = pages.people(1, 22)[0]
    got = fields(pages.invoice(), "faktura.xml")
    assert got["Invoice/AccountingCustomerParty/Party/PartyName/Name"] == [p.name]
    assert got["Invoice/AccountingCustomerParty/Party/PostalAddress/StreetName"] == [p.street]
    assert got["InvoiceLine/Item/Name"] == ["Nettleie energiledd", "Nettleie fastledd", "Forbruksavgift"]


def test_svg_gives_its_text_and_nothing_of_its_shapes_or_style():
    assert fields(pages.svg_logo(), "logo.svg") == {"body": ["Fjordkraft Nett\nFjordkraft Nett"]}  # title, text


RECORDS = "<kunder>" + "<kunde><navn>Kari</navn><fnr>1</fnr></kunde>" * 3 + "</kunder>"


@pytest.mark.parametrize("doc, expected", [
    (RECORDS, {"kunde/navn": ["Kari"] * 3, "kunde/fnr": ["1"] * 3}),
    ('<k:kunder xmlns:k="urn:x" xmlns:a="urn:a"><k:kunde a:id="1"><k:navn>Kari</k:navn></k:kunde>'
     '<k:kunde a:id="2"><k:navn>Ola</k:navn></k:kunde></k:kunder>',  # namespaces: local names only
     {"kunde/@id": ["1", "2"], "kunde/navn": ["Kari", "Ola"]}),
    ('<kunder><kunde navn="Kari" fnr="1"/><kunde navn="Ola" fnr="2"/></kunder>',  # attributes only
     {"kunde/@navn": ["Kari", "Ola"], "kunde/@fnr": ["1", "2"]}),
    ("<kunde><navn>Kari</navn><adresse><gate>Storgata 1</gate></adresse></kunde>",  # one record: paths from the root
     {"kunde/navn": ["Kari"], "kunde/adresse/gate": ["Storgata 1"]}),
    ("<eksport><kunder>" + "<kunde><navn>Kari</navn></kunde>" * 2 + "</kunder><ansatte>"
     + "<ansatt><navn>Ola</navn></ansatt>" * 2 + "</ansatte></eksport>",  # two kinds of record
     {"kunde/navn": ["Kari", "Kari"], "ansatt/navn": ["Ola", "Ola"]}),
    ("<kunder><kunde><navn><![CDATA[Kari & Ola]]></navn></kunde><kunde><navn>Per</navn></kunde></kunder>",
     {"kunde/navn": ["Kari & Ola", "Per"]}),
    ('<kunde xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Person" xml:lang="nb">'
     "<navn>Kari</navn></kunde>", {"kunde/navn": ["Kari"]}),  # schema and xml: attributes say nothing
    ("<notat><avsnitt>Kunden <navn>Kari Nordmann</navn> ringte om <b>fakturaen</b> i mai.</avsnitt></notat>",
     {"body": ["Kunden Kari Nordmann ringte om fakturaen i mai."]}),  # mixed content: running text
    ('<div xmlns="http://www.w3.org/1999/xhtml"><h1>Om</h1><p>Kari</p><p>Ola</p><script>x()</script></div>',
     {"body": ["Om\nKari\nOla"]}),
    ("<brev><avsnitt>" + "Dette er et langt avsnitt i et brev om strøm og nettleie. " * 2 + "</avsnitt>"
     "<avsnitt>Et annet avsnitt, også langt nok til å være løpende tekst i et brev.</avsnitt></brev>",
     {"body": [("Dette er et langt avsnitt i et brev om strøm og nettleie. " * 2).strip(),
               "Et annet avsnitt, også langt nok til å være løpende tekst i et brev."]}),
    ("<brev><linje>Med vennlig hilsen<br/>Kundeservice</linje><linje>" + "Et avsnitt med mange ord. " * 4
     + "</linje></brev>", {"body": ["Med vennlig hilsen\nKundeservice", ("Et avsnitt med mange ord. " * 4).strip()]}),
    ("<?xml version='1.0'?><!-- kommentar --><?pi data?><r><a>1</a><!-- Kari --></r>", {"r/a": ["1"]}),
])
def test_xml_shapes(doc, expected):
    assert fields(doc, "x.xml") == expected


def test_records_past_max_rows_are_not_read_and_the_rest_stops():
    doc = "<kunder>" + "".join(f"<kunde><nr>{i}</nr></kunde>" for i in range(500)) + "<slutt>x</slutt></kunder>"
    assert fields(doc, "x.xml", max_rows=50) == {"kunde/nr": [str(i) for i in range(50)]}


@pytest.mark.parametrize("doc, expected", [
    ('<?xml version="1.0" encoding="UTF-16"?><r><a>Bråten</a></r>'.encode("utf-16"), "Bråten"),
    ('<?xml version="1.0" encoding="UTF-16"?><r><a>Bråten</a></r>'.encode("utf-16-le"), "Bråten"),  # no BOM
    ('<?xml version="1.0" encoding="windows-1252"?><r><a>Bråten</a></r>'.encode("cp1252"), "Bråten"),
    ('<?xml version="1.0" encoding="ISO-8859-1"?><r><a>Bråten</a></r>'.encode("latin-1"), "Bråten"),
    ("<r><a>Bråten</a></r>".encode("cp1252"), "Bråten"),  # undeclared and not UTF-8
    (b"\xef\xbb\xbf<r><a>Br\xc3\xa5ten</a></r>", "Bråten"),
])
def test_xml_is_decoded_by_its_declaration_or_its_bytes(doc, expected):
    assert fields(doc, "x.xml") == {"r/a": [expected]}


# --- broken and hostile XML -----------------------------------------------------------------------

@pytest.mark.parametrize("doc, limits, warnings", [
    ("<kunder><kunde><navn>Kari Nordmann</navn></kunde><kunde><navn>Ola", {},
     ["xml: read in part: the document ends before it is complete"]),
    ("<kunder><kunde><navn>Kari Nordmann</navn></kunde><kunde><navn>Ola", {"partial": True}, []),  # a prefix
    ("<kunder><kunde><navn>Kari Nordmann</navn></kunde><kunde><navn>Ola</navnx></kunde></kunder>", {},
     ["xml: read in part: invalid syntax at line 1"]),
    ("<r><a>1</a><data>" + "x" * 5000 + "</data></r>", {"max_bytes": 1000}, []),  # the sample so far
])
def test_broken_or_cut_xml_is_read_in_part(doc, limits, warnings):
    got = sample(doc, "x.xml", **limits)
    assert got.warnings == warnings and got.fields


@pytest.mark.parametrize("doc, limits, error", [
    ("<kunder>\n<kunde Nordmann='1' Nordmann='2'/></kunder>", {}, "corrupt: xml: invalid syntax at line 2"),
    ("<kunder><kunde>&Nordmann;</kunde></kunder>", {}, "corrupt: xml: invalid syntax"),  # undeclared entity
    ("<kunder>\n<kunde><navn>Kari Nordmann</navnx></kunde></kunder>", {}, "corrupt: xml: invalid syntax at line 2"),
    ("<r><data>" + "x" * 5000 + "</data></r>", {"max_bytes": 1000},
     "too large: the first XML element exceeds 1000 bytes"),
])
def test_xml_that_gives_nothing_is_refused_without_its_words(doc, limits, error):
    with pytest.raises((Corrupt, TooLarge)) as err:
        sample(doc, "x.xml", **limits)
    assert str(err.value) == error


@pytest.mark.parametrize("name, doc", [
    ("x.xml", "<kunder>" + "<kunde><navn>Kari Nordmann</navn></kunde>" * 3000 + "</kunder>"),
    ("x.html", html("<p>Kari Nordmann</p>" * 10_000)),
])
def test_a_document_past_its_time_is_read_in_part_and_the_rest_counted(name, doc):
    got = sample(doc, name, document_seconds=0, max_rows=10_000)
    assert got.fields and got.skipped == [("the rest of the document", "not read in 0 s")]


def test_an_html_table_is_read_to_max_rows_and_its_other_rows_not_as_text():
    rows = "".join(f"<tr><td>Kunde {i}</td><td>k{i}@example.no</td></tr>" for i in range(300))
    got = fields(html(f"<table><tr><th>Navn</th><th>E-post</th></tr>{rows}</table><p>Etter</p>"), "x.html",
                 max_rows=100)
    assert got["table 1: E-post"] == [f"k{i}@example.no" for i in range(100)] and got["body"] == ["Etter"]


def test_billion_laughs_is_refused_without_expanding():
    started = time.monotonic()
    with pytest.raises(Corrupt, match="entity expansion refused"):
        sample(pages.billion_laughs(), "lol.xml")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("kind, expected", [
    ("/etc/passwd", {"kunde/navn": ["Kari Nordmann", "Ola Hansen"]}),  # &fil; is left as it is, never read
    ("file", {"kunde/navn": ["Kari Nordmann", "Ola Hansen"]}),
    ("external dtd", {}),  # &navn; is declared there only: nothing
    ("parameter entity", {"kunder/kunde/navn": ["Kari"]}),
])
def test_external_entities_and_dtds_are_never_read(tmp_path, kind, expected):
    (tmp_path / "hemmelig.txt").write_text("HEMMELIG-INNHOLD root:x:0:0\n")
    (tmp_path / "ekstern.dtd").write_text('<!ENTITY navn "HEMMELIG-INNHOLD">')
    doc = {"/etc/passwd": pages.external_entity(),
           "file": pages.external_entity(str(tmp_path / "hemmelig.txt")),
           "external dtd": f'<!DOCTYPE kunder SYSTEM "file://{tmp_path}/ekstern.dtd">'
                           "<kunder><kunde><navn>&navn;</navn></kunde></kunder>",
           "parameter entity": f'<!DOCTYPE kunder [<!ENTITY % d SYSTEM "file://{tmp_path}/ekstern.dtd"> %d;]>'
                               "<kunder><kunde><navn>Kari</navn></kunde></kunder>"}[kind]
    got = sample(doc, "x.xml")
    assert {f.name: f.values for f in got.fields} == expected and not got.warnings
    assert "HEMMELIG" not in str(got) and "root:" not in str(got)


def test_xml_nested_deeper_than_the_cap_is_counted_and_the_rest_read():
    doc = "<kunder>" + "<kunde><navn>Kari</navn><a><b><c><d>dypt</d></c></b></a></kunde>" * 2 + "</kunder>"
    got = sample(doc, "x.xml", max_nesting=3)
    assert {f.name: f.values for f in got.fields} == {"kunde/navn": ["Kari", "Kari"]}
    assert dict(got.unreadable) == {"xml nested deeper than 3 levels": 2}


def test_generators_write_every_page(tmp_path):
    written = pages.write(tmp_path)
    assert set(written) == set(pages.PAGES) and all(p.stat().st_size > 200 for p in written.values())


@pytest.mark.parametrize("name, write, expected", [
    ("lol.xml", lambda p: p.write_text(pages.billion_laughs()), {"error": "Corrupt"}),
    ("xxe.xml", lambda p: p.write_text(pages.external_entity()), {"fields": ["kunde/navn"]}),
    ("deep.xml", pages.deep_xml, {"fields": ["kunder/kunde/navn", "kunder/kunde/epost"],
                                  "warnings": ["xml: read in part: nested deeper than 256 levels"]}),
    ("big.xml", pages.large_xml, {"fields": [
        "kunde/@id", "kunde/@status", "kunde/navn", "kunde/fnr", "kunde/adresse/@type", "kunde/adresse/gate",
        "kunde/adresse/postnr", "kunde/adresse/poststed", "kunde/epost", "kunde/mobil"]}),
    ("grouped.xml", lambda p: pages.large_xml(p, grouped=True), {"warnings": []}),  # read to the byte budget
    ("big.html", pages.large_html, {"format": "html"}),
    ("deep.html", lambda p: p.write_text("<html><body>" + "<div>" * 100_000 + "Kari" + "</div>" * 100_000),
     {"fields": ["body"]}),
])
def test_hostile_markup_is_read_in_bounded_memory_and_time(tmp_path, name, write, expected):
    path = tmp_path / name
    write(path)
    started = time.monotonic()
    got = read_apart(path, timeout=300)
    assert {k: got.get(k) for k in expected} == expected
    assert got["peak_mib"] < 400, got["peak_mib"]
    assert time.monotonic() - started < 120


def test_a_grouped_export_is_read_to_the_byte_budget_only(tmp_path):
    got = read_apart(pages.large_xml(tmp_path / "k.xml", grouped=True), timeout=300, max_bytes=4 << 20)
    assert "leveranse/kunde/merknad" in got["fields"] and 0 < got["document"]["characters"] < 4 << 20


# --- end to end -----------------------------------------------------------------------------------

def test_scanning_pages_and_exports_finds_the_people_and_nothing_in_the_negatives(tmp_path):
    pages.write(tmp_path / "dokumenter")
    code, lines, _ = scan_cli(str(tmp_path / "dokumenter"))
    assert code == 0 and not reasons(lines) and not reasons(lines, "error")
    found = findings(lines)
    assert {
        ("kunderegister.xml", "kunde/fnr", "NO_FODSELSNUMMER"),
        ("kunderegister.xml", "kunde/epost", "EMAIL_ADDRESS"),
        ("kunderegister.xml", "kunde/navn", "PERSON"),
        ("kunderegister.xml", "kunde/adresse/gate", "NO_ADDRESS"),
        ("maleravlesninger.xml", "Reading/MeteringPointId", "NO_METER_ID"),
        ("faktura.xml", "Invoice/AccountingCustomerParty/Party/PartyName/Name", "PERSON"),
        ("faktura.xml", "Invoice/AccountingCustomerParty/Party/Contact/ElectronicMail", "EMAIL_ADDRESS"),
        ("klagesvar.xml", "body", "PERSON"),
        ("klagesvar.xml", "body", "NO_ADDRESS"),
        ("kunderapport.html", "table 1: Fødselsnummer", "NO_FODSELSNUMMER"),
        ("kunderapport.html", "table 1: Navn", "PERSON"),
        ("kunderapport.html", "table 1: E-post", "EMAIL_ADDRESS"),
        ("min_side.html", "body", "PERSON"),
        ("min_side.html", "body", "NO_ADDRESS"),
        ("min_side.html", "table 1: Målepunkt-ID", "NO_METER_ID"),
        ("min_side.html", "form.epost", "EMAIL_ADDRESS"),
        ("nyhetsbrev.html", "body", "EMAIL_ADDRESS"),
        ("nyhetsbrev.html", "body", "PERSON"),
    } <= found
    assert not {f for f in found if f[0] in pages.NEGATIVES}
    assert not {f for f in found if f[2] == "NO_FODSELSNUMMER" and f[0] == "min_side.html"}  # masked
    datasets = {r["location"]["dataset"]: r for r in lines if r["record"] == "dataset"}
    assert {datasets[n]["format"] for n in pages.PAGES} == {"html", "xml"}
