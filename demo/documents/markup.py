"""HTML pages and XML files of synthetic people, written on the spot, and the markup that holds none.

Pages: a customer portal's "Min side" saved from the browser (name, address, målepunkt-ID, the
fødselsnummer masked but for its birth date), an e-mail newsletter laid out in tables, an HTML
export of the customer register, and an intranet page of product documentation (a hard negative:
version numbers, build dates and the company's switchboard). XML: a customer register export
(records with a nested address and attributes), a meter-reading export, an invoice in the shape
of EHF (UBL), a DocBook letter (running text), an SVG logo, and the hard negatives: an application's
configuration and a Maven pom. Hostile markup: billion laughs, an external entity, nesting 100,000
deep, and a record export or an HTML report of any size, written a record at a time.

Each page or file is `function(seed) -> str` in PAGES; `write(directory)` writes them all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape
from pathlib import Path

from detectors import synthetic

FIRST = ["Kari", "Ola", "Ingrid", "Lars", "Anne-Lise", "Per Olav", "Aisha", "Mohammed", "Solveig", "Eirik",
         "Tuva", "Vebjørn", "Marit", "Jonas", "Thanh", "Piotr"]
LAST = ["Nordmann", "Hansen", "Johansen", "Bråten", "Aasheim", "Fossum", "Tveit", "Nowak", "Tran", "Haugland",
        "Øverland", "Berg", "Lie", "Dahl", "Strand", "Myrvold"]
STREETS = ["Storgata", "Kirkeveien", "Dronningens gate", "Strandveien", "Skolegata", "Løkkeveien", "Fjellvegen",
           "Sjøgata", "Torggata", "Havnegata"]
PLACES = [("0150", "OSLO"), ("5003", "BERGEN"), ("7010", "TRONDHEIM"), ("4006", "STAVANGER"), ("9008", "TROMSØ"),
          ("8006", "BODØ"), ("3015", "DRAMMEN"), ("6002", "ÅLESUND"), ("2317", "HAMAR"), ("1606", "FREDRIKSTAD")]
COMPANY = "Fjordkraft Nett AS"


@dataclass(frozen=True)
class Person:
    number: int  # kundenummer
    first: str
    last: str
    fnr: str
    street: str
    postnr: str
    poststed: str
    email: str
    mobile: str  # eight digits
    meter: str  # målepunkt-ID

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def people(n: int, seed: int = 20) -> list[Person]:
    rnd = random.Random(f"{seed}:markup")
    out = []
    for i in range(n):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        postnr, poststed = rnd.choice(PLACES)
        local = f"{first}.{last}".lower().replace(" ", "").translate(str.maketrans("æøå", "eoa"))
        out.append(Person(100_000 + i, first, last, synthetic.fodselsnummer(rnd),
                          f"{rnd.choice(STREETS)} {rnd.randint(1, 150)}{rnd.choice(['', '', 'B'])}", postnr, poststed,
                          f"{local}{i}@example.no", synthetic.phone_digits(rnd), synthetic.meter_id(rnd)))
    return out


def _page(title: str, body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="no">\n<head>\n<meta charset="utf-8">\n<title>{escape(title)}</title>\n'
            f'{head}<style>body {{ font-family: sans-serif }} .skjult {{ display: none }}</style>\n'
            f'<script>window.dataLayer = [{{"side": "{escape(title)}"}}];</script>\n</head>\n'
            f'<body>\n{body}\n</body>\n</html>\n')


# --- HTML -----------------------------------------------------------------------------------------

def portal_page(seed: int = 20) -> str:
    """"Min side" saved from the browser: the customer's name, address, målepunkt, contact form."""
    p = people(1, seed)[0]
    masked = p.fnr[:6] + "*****"
    body = f"""<header><nav><a href="/">Forside</a> | <a href="/min-side">Min side</a> |
  <a href="/logg-ut">Logg ut</a></nav></header>
<main>
  <h1>Hei, {escape(p.first)}!</h1>
  <section class="kunde">
    <h2>Dine opplysninger</h2>
    <p>{escape(p.name)}<br>{escape(p.street)}<br>{p.postnr} {escape(p.poststed)}</p>
    <table class="opplysninger">
      <tr><th>Kundenummer</th><td>{p.number}</td></tr>
      <tr><th>Fødselsnummer</th><td>{masked}</td></tr>
      <tr><th>Målepunkt-ID</th><td>{p.meter}</td></tr>
      <tr><th>E-post</th><td>{escape(p.email)}</td></tr>
    </table>
  </section>
  <section>
    <h2>Endre kontaktinformasjon</h2>
    <form action="/min-side/kontakt" method="post">
      <input type="hidden" name="csrf" value="c2VjcmV0LXRva2VuLTEyMw">
      <label>E-post <input type="email" name="epost" value="{escape(p.email)}"></label>
      <label>Mobil <input type="tel" name="mobil" value="{p.mobile}"></label>
      <input type="submit" value="Lagre">
    </form>
  </section>
  <p>Spørsmål? Ring kundeservice på <a href="tel:+4722000000">22 00 00 00</a>.</p>
</main>"""
    return _page("Min side – Fjordkraft Nett", body)


def newsletter(seed: int = 20) -> str:
    """An e-mail newsletter as sent: layout tables, the recipient's name and address in the footer."""
    p = people(1, seed + 1)[0]
    body = f"""<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="600" cellpadding="0" cellspacing="0">
  <tr><td style="padding:20px"><img src="https://example.no/logo.png" alt="Fjordkraft Nett"></td></tr>
  <tr><td style="padding:20px">
    <h1>Nyhetsbrev for mai</h1>
    <p>Hei {escape(p.first)},</p>
    <p>Strømprisene har falt denne måneden. Les mer om hvordan du kan spare strøm i sommer, og husk at
    målerstanden din leses av automatisk.</p>
    <p><a href="https://example.no/spar">Les mer</a></p>
  </td></tr>
  <tr><td style="padding:20px;font-size:11px">
    Denne e-posten ble sendt til {escape(p.email)}.<br>
    {escape(p.name)}, {escape(p.street)}, {p.postnr} {escape(p.poststed)}<br>
    <a href="mailto:avmelding@example.no?subject=Avmeld">Meld deg av</a>
  </td></tr>
</table></td></tr></table>"""
    return _page("Nyhetsbrev mai", body)


def customer_table(seed: int = 20, rows: int = 40) -> str:
    """The customer register exported as an HTML report: one table, a header row."""
    head = "".join(f"<th>{h}</th>" for h in ("Kundenr", "Navn", "Fødselsnummer", "Adresse", "Postnr", "Poststed",
                                             "E-post", "Telefon"))
    body = "".join(f"<tr><td>{p.number}</td><td>{escape(p.name)}</td><td>{p.fnr}</td><td>{escape(p.street)}</td>"
                   f"<td>{p.postnr}</td><td>{escape(p.poststed)}</td><td>{escape(p.email)}</td><td>{p.mobile}</td></tr>\n"
                   for p in people(rows, seed))
    return _page("Kunderapport", f"<h1>Kunderapport</h1>\n<p>Generert 2024-05-01 06:00</p>\n"
                 f"<table class=\"rapport\">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>")


def intranet_page(seed: int = 20) -> str:
    """Product documentation on the intranet: versions, builds and the switchboard, nobody's data."""
    rnd = random.Random(seed)
    rows = "".join(f"<tr><td>{major}.{minor}.{rnd.randint(0, 20)}</td><td>2024-0{minor % 9 + 1}-1{minor % 9}</td>"
                   f"<td>{rnd.randint(10_000, 99_999)}</td><td>Feilrettinger og ytelse</td></tr>"
                   for major in (3, 4) for minor in range(1, 5))
    body = f"""<h1>Målerportalen – brukerdokumentasjon</h1>
<p>Versjon 4.2.1 (bygg 20240501.3). Denne siden beskriver hvordan måleravlesninger importeres fra
AMS-systemet og hvordan feilkoder tolkes.</p>
<h2>Utgivelser</h2>
<table><tr><th>Versjon</th><th>Dato</th><th>Bygg</th><th>Endringer</th></tr>{rows}</table>
<h2>Feilkoder</h2>
<ul><li>E1024: tidsavbrudd mot hovedsystemet</li><li>E2048: ugyldig filformat</li></ul>
<pre>kartlegg-import --batch 5000 --timeout 300 --retries 3</pre>
<footer>{COMPANY}. Sentralbord 22 00 00 00. Org.nr. 987 654 321 MVA</footer>"""
    return _page("Brukerdokumentasjon", body)


# --- XML ------------------------------------------------------------------------------------------

def _kunde(p: Person) -> str:
    return (f'  <kunde id="{p.number}" status="aktiv">\n    <navn>{escape(p.name)}</navn>\n    <fnr>{p.fnr}</fnr>\n'
            f'    <adresse type="bosted">\n      <gate>{escape(p.street)}</gate>\n      <postnr>{p.postnr}</postnr>\n'
            f'      <poststed>{escape(p.poststed)}</poststed>\n    </adresse>\n    <epost>{escape(p.email)}</epost>\n'
            f'    <mobil>{p.mobile}</mobil>\n  </kunde>\n')


def customer_register(seed: int = 20, rows: int = 40) -> str:
    """The customer register exported as XML, in a namespace, with a header before the records."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<kunder xmlns="urn:example:kunderegister:2" eksportert="2024-05-01">\n  <system>CRM</system>\n'
            + "".join(_kunde(p) for p in people(rows, seed)) + "</kunder>\n")


def meter_readings(seed: int = 20, rows: int = 40) -> str:
    """Hourly readings by målepunkt (an Elhub-like export): the IDs tie consumption to a household."""
    rnd = random.Random(seed)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<ns1:MeterReadings xmlns:ns1="urn:example:elhub:readings:1">\n']
    for p in people(rows, seed):
        out.append(f'  <ns1:Reading>\n    <ns1:MeteringPointId>{p.meter}</ns1:MeteringPointId>\n'
                   f'    <ns1:Timestamp>2024-05-01T{rnd.randint(0, 23):02d}:00:00+02:00</ns1:Timestamp>\n'
                   f'    <ns1:Quantity unit="kWh">{rnd.uniform(0.1, 9):.3f}</ns1:Quantity>\n  </ns1:Reading>\n')
    return "".join(out) + "</ns1:MeterReadings>\n"


def invoice(seed: int = 20) -> str:
    """An invoice in the shape of EHF 3 (UBL 2.1): the buyer's name and address, three lines."""
    p = people(1, seed + 2)[0]
    rnd = random.Random(seed)
    lines = "".join(f"""  <cac:InvoiceLine>
    <cbc:ID>{i}</cbc:ID>
    <cbc:InvoicedQuantity unitCode="KWH">{rnd.randint(100, 900)}</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="NOK">{rnd.randint(100, 900)}.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>{item}</cbc:Name></cac:Item>
  </cac:InvoiceLine>
""" for i, item in enumerate(("Nettleie energiledd", "Nettleie fastledd", "Forbruksavgift"), 1))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ID>2024-{rnd.randint(10_000, 99_999)}</cbc:ID>
  <cbc:IssueDate>2024-05-01</cbc:IssueDate>
  <cac:AccountingSupplierParty><cac:Party>
    <cbc:EndpointID schemeID="0192">{synthetic.orgnr(rnd)}</cbc:EndpointID>
    <cac:PartyName><cbc:Name>{COMPANY}</cbc:Name></cac:PartyName>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PartyName><cbc:Name>{escape(p.name)}</cbc:Name></cac:PartyName>
    <cac:PostalAddress>
      <cbc:StreetName>{escape(p.street)}</cbc:StreetName>
      <cbc:CityName>{escape(p.poststed)}</cbc:CityName>
      <cbc:PostalZone>{p.postnr}</cbc:PostalZone>
      <cac:Country><cbc:IdentificationCode>NO</cbc:IdentificationCode></cac:Country>
    </cac:PostalAddress>
    <cac:Contact><cbc:ElectronicMail>{escape(p.email)}</cbc:ElectronicMail></cac:Contact>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:LegalMonetaryTotal>
    <cbc:PayableAmount currencyID="NOK">{rnd.randint(500, 3000)}.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
{lines}</Invoice>
"""


def docbook_letter(seed: int = 20) -> str:
    """A letter in DocBook: running text with inline markup, the customer named in it."""
    p = people(1, seed + 3)[0]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0">
  <title>Svar på klage</title>
  <para>Vi viser til henvendelsen fra <personname>{escape(p.name)}</personname>, {escape(p.street)},
  {p.postnr} {escape(p.poststed)}, om målerens avlesning i mars.</para>
  <para>Etter en ny kontroll av målepunkt {p.meter} ser vi at forbruket ble beregnet riktig, og vi
  kan derfor ikke gi medhold i klagen. Du kan klage på vedtaket innen tre uker.</para>
  <para>Med vennlig hilsen<sbr/>Kundeservice</para>
</article>
"""


def svg_logo(seed: int = 20) -> str:
    """A logo: shapes, a font, a style sheet and the company's name."""
    return """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="240" height="60" viewBox="0 0 240 60">
  <title>Fjordkraft Nett</title>
  <style>.t { font: bold 24px sans-serif; fill: #004b87 }</style>
  <path d="M10 50 L30 10 L50 50 Z" fill="#00a3e0" stroke-width="2"/>
  <circle cx="70" cy="30" r="12" fill="#004b87"/>
  <text x="90" y="38" class="t">Fjordkraft <tspan font-weight="normal">Nett</tspan></text>
</svg>
"""


def app_config(seed: int = 20) -> str:
    """An application's configuration: ports, timeouts, pool sizes, host names (nobody's data)."""
    return """<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <appSettings>
    <add key="Environment" value="Production"/>
    <add key="BatchSize" value="5000"/>
    <add key="TimeoutSeconds" value="300"/>
    <add key="RetryCount" value="3"/>
    <add key="MeterImportQueue" value="ams-import-01"/>
  </appSettings>
  <connectionStrings>
    <add name="Main" connectionString="Server=db01.intern.example.no;Database=Maaler;Integrated Security=true"/>
  </connectionStrings>
  <system.web><httpRuntime maxRequestLength="51200" executionTimeout="3600"/><sessionState timeout="20"/></system.web>
</configuration>
"""


def maven_pom(seed: int = 20) -> str:
    """A Maven project: group and artifact ids, versions, plugin settings."""
    deps = "".join(f"""    <dependency>
      <groupId>{group}</groupId>
      <artifactId>{artifact}</artifactId>
      <version>{version}</version>
    </dependency>
""" for group, artifact, version in (("org.springframework.boot", "spring-boot-starter-web", "3.2.5"),
                                    ("com.fasterxml.jackson.core", "jackson-databind", "2.17.1"),
                                    ("org.postgresql", "postgresql", "42.7.3"),
                                    ("org.junit.jupiter", "junit-jupiter", "5.10.2")))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>no.example.maaler</groupId>
  <artifactId>maaler-import</artifactId>
  <version>4.2.1-SNAPSHOT</version>
  <properties><java.version>21</java.version><maven.compiler.release>21</maven.compiler.release></properties>
  <dependencies>
{deps}  </dependencies>
</project>
"""


PAGES = {
    "min_side.html": portal_page,
    "nyhetsbrev.html": newsletter,
    "kunderapport.html": customer_table,
    "brukerdokumentasjon.html": intranet_page,
    "kunderegister.xml": customer_register,
    "maleravlesninger.xml": meter_readings,
    "faktura.xml": invoice,
    "klagesvar.xml": docbook_letter,
    "logo.svg": svg_logo,
    "app.config": app_config,
    "pom.xml": maven_pom,
}
NEGATIVES = ("brukerdokumentasjon.html", "logo.svg", "app.config", "pom.xml")


def write(directory: Path, seed: int = 20) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, make in PAGES.items():
        out[name] = directory / name
        out[name].write_text(make(seed), encoding="utf-8")
    return out


# --- hostile XML ----------------------------------------------------------------------------------

def billion_laughs(levels: int = 10) -> str:
    """Entities of ten references each, `levels` deep: a gigabyte of "lol" from a kilobyte."""
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels))
    return (f'<?xml version="1.0"?>\n<!DOCTYPE kunder [{entities}]>\n'
            f"<kunder><kunde><navn>&lol{levels - 1};</navn></kunde></kunder>\n")


def external_entity(target: str = "/etc/passwd") -> str:
    """XXE: an entity whose text is a local file, and a parameter entity that would fetch one."""
    return (f'<?xml version="1.0"?>\n<!DOCTYPE kunder [<!ENTITY fil SYSTEM "file://{target}">'
            f'<!ENTITY % ekstern SYSTEM "file://{target}">]>\n'
            "<kunder><kunde><navn>Kari Nordmann</navn><notat>&fil;</notat></kunde>"
            "<kunde><navn>Ola Hansen</navn><notat>&fil;</notat></kunde></kunder>\n")


def deep_xml(path: Path, depth: int = 100_000) -> Path:
    """A customer, then an element nested `depth` deep."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("<kunder><kunde><navn>Kari Nordmann</navn><epost>kari@example.no</epost></kunde>")
        fh.write("<a>" * depth + "</a>" * depth + "</kunder>\n")
    return path


def large_xml(path: Path, size: int = 200 << 20, seed: int = 20, grouped: bool = False) -> Path:
    """A customer register export of about `size` bytes, written a record at a time (the same
    thousand people over again: their records cost nothing to make). `grouped` puts each thousand
    in a `<leveranse>` of its own and gives the first customer alone a `<merknad>`, so that no
    container holds more than a sample's records, one field never fills, and a reader goes on
    to its byte budget."""
    batch = "".join(_kunde(p) for p in people(1000, seed)).encode()
    first = batch.replace(b"  </kunde>", b"    <merknad>Flyttet</merknad>\n  </kunde>", 1) if grouped else batch
    with open(path, "wb") as fh:
        fh.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<kunder>\n')
        written = 0
        while written < size:
            fh.write(b"<leveranse>\n" + (batch if written else first) + b"</leveranse>\n" if grouped else batch)
            written += len(batch)
        fh.write(b"</kunder>\n")
    return path


def large_html(path: Path, size: int = 200 << 20, seed: int = 20) -> Path:
    """An HTML customer report of about `size` bytes: paragraphs of text, then one long table."""
    page = customer_table(seed, 1000)
    head, _, tail = page.partition("<tbody>\n")
    rows, _, end = tail.partition("</tbody>")
    text = "".join(f"<p>Avsnitt {i}: kunder som har flyttet i perioden er oppdatert.</p>\n" for i in range(1000))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(head.replace("<h1>", text + "<h1>", 1) + "<tbody>\n")
        written = len(head) + len(text)
        while written < size:
            fh.write(rows)
            written += len(rows.encode())
        fh.write("</tbody>" + end)
    return path
