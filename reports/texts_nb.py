"""Norwegian bokmål texts of the HTML report (reports.texts picks the language). Plurals are (one, many)."""

from __future__ import annotations

TEXT = {
    "title": "Rapport om personopplysninger",
    "lede": "Hva kartlegg fant, hvor, og hva som ikke ble undersøkt. Verdiene er maskert; ingenting her er en "
            "rå verdi.",
    "made_from": "Laget fra", "scan": ("Skanning", "Skanninger"), "started": "Startet", "finished": "Ferdig",
    "tool": "Verktøy", "inventory": "Register", "none_kept": "ikke ført", "status": "Status", "unknown": "ukjent",
    "no_summary_status": "ukjent (ingen oppsummeringspost)", "exit_code": "avslutningskode {code}: {meaning}",
    "version_unknown": "(ukjent versjon)",
    "sources": "Kilder", "source": "kilde", "type": "type", "uri": "URI (passord maskert)",
    "exec": "Sammendrag", "exec_scanned": "Hva som ble skannet",
    "exec_scanned_text": "{sources}: {read} lest, {skipped} hoppet over, {failed} feilet.",
    "exec_where": "Hvor personopplysningene er", "exec_top": "De mest presserende lokasjonene",
    "exec_not": "Hva som ikke ble skannet", "exec_not_text": "{n} ble ikke skannet. Vanligste årsaker:",
    "exec_not_none": "Alle lokasjonene skanningen møtte, ble lest.",
    "exec_not_more": "Se alle, med årsak, under Dekning",
    "exec_none": "Det ble ikke funnet personopplysninger i det som ble lest.",
    "exec_cat": "{locations} ({types})",
    "loc_with_pd": ("lokasjon med personopplysninger", "lokasjoner med personopplysninger"),
    "n_location": ("lokasjon", "lokasjoner"), "n_source": ("kilde", "kilder"), "n_finding": ("funn", "funn"),
    "n_dataset": ("datasett", "datasett"),
    "why_also": "også {types}", "why_log": "i en logg", "why_free": "i fritekst ({hits} treff)",
    "why_few": "i få av de undersøkte verdiene", "why_most": "i de fleste undersøkte verdiene",
    "toc": "Innhold",
    "coverage": "Dekning", "cov_scanned": ("lokasjon skannet", "lokasjoner skannet"),
    "cov_skipped": ("lokasjon hoppet over", "lokasjoner hoppet over"),
    "cov_failed": ("lokasjon feilet", "lokasjoner feilet"),
    "cov_unchanged": "datasett uendret siden forrige lesing", "cov_sources_failed": "kilder som feilet",
    "not_looked": "Ikke undersøkt, og hvorfor — funn der er ukjente, ikke fraværende:",
    "location": "lokasjon", "reason": "årsak", "outcome": "utfall", "whole_source": "(hele kilden)",
    "all_read": "Alle lokasjonene skanningen møtte, ble lest.",
    "numbers": "Tall per kilde og kategori", "findings_stat": "funn",
    "suppressed_stat": "avvist (falske positive)", "category": "kategori", "findings": "funn",
    "suppressed": "avvist", "locations": "lokasjoner", "personal_locations": "lokasjoner med personopplysninger",
    "categories": "kategorier", "skipped": "hoppet over", "errors": "feil", "by_source": "Per kilde",
    "by_category": "Per kategori (lokasjoner og kilder: avviste funn ikke medregnet)",
    "all_personal": "alle (lokasjoner og kilder: med personopplysninger)", "not_personal": "ikke personopplysning", "no_findings": "Ingen funn.",
    "heatmap": "Varmekart", "heat_none": "Ingen funn å vise.",
    "heat_lede": "Lokasjoner med funn, per kilde og kategori (avviste funn ikke medregnet). Tallet står i hver "
                 "celle; fargen gjentar det.",
    "heat_caption": "Lokasjoner med funn", "shade": "farge:",
    "risk": "Lokasjoner med høyest risiko", "risk_more": "… og {more} til i funnene nedenfor.",
    "risk_none": "Ingen personopplysninger utenom avviste funn.", "how_ranked": "Slik rangeres lokasjonene",
    "score": "poeng",
    "rule": "Poeng = (vekten til den mest følsomme typen × dens belegg + 1 for hver annen type på stedet) × {log} "
            "i en logg × {free} i fritekst med {many} eller flere treff. Vekter: fødselsnummer o.l. {w_id}, "
            "økonomi {w_fin}, identitet {w_ident}, kontakt og måling {w_contact}, nettidentifikatorer og annet "
            "{w_other}. Belegg = treffsikkerhet × (0,5 + 0,5 × treffandel). Avviste falske positive og det som ikke "
            "er personopplysninger, er utelatt.",
    "changes": "Endringer siden forrige skanning",
    "changes_unknown": "Denne skanningen førte ikke register, så det er ukjent hva som er endret siden forrige "
                       "skanning.",
    "changes_none": "Ingen endringer siden forrige skanning.",
    "changes_none_failed": "Ingen endringer i det som ble lest; {n} kilde(r) feilet, så endringer der er ukjente.",
    "first_scan": "Første skanning: alt er nytt ({n} funn)",
    "first_sources": "Ingen tidligere skanning av {sources} i registeret: det som ble funnet, er ført som nytt.",
    "change": "endring", "entity_type": "type", "detail": "detalj", "compared": "sammenlignet med skanning",
    "first_read": "første lesing", "detail_found": "{hits}, treffsikkerhet {confidence}",
    "findings_h": "Funn", "filter": "Filter", "filter_ph": "lokasjon, type, …",
    "all_sources": "alle kilder", "all_categories": "alle kategorier", "confidence": "treffsikkerhet", "hits": "treff",
    "examples": "eksempler (maskert)", "reasons": "begrunnelse", "name_shape": "navn og form",
    "findings_caption": "{n} funn; avviste falske positive i grått, sist", "log": "logg",
    "shown_of": "{shown} av {total} funn vist", "show_all": "vis alle",
    "false_positive": "falsk positiv", "by": "av {who}",
    "footer": "Laget {when} av kartlegg fra {origin}. Eksemplene er maskert av skanneren; fingeravtrykk er utelatt.",
    "about": "Om skanningen",
    "note_unchanged": "{n} datasett var uendret siden forrige lesing (inkrementell skanning) og ble ikke lest på "
                      "nytt: innholdet deres står i registeret (kartlegg report --inventory …), ikke i denne "
                      "rapporten.",
    "note_counts": "Oppsummeringsposten teller andre antall lokasjoner enn postene viser: {counts} (er filen "
                   "avkortet eller redigert?)",
    "note_no_summary": "Rapporten har ingen oppsummeringspost: skanningen ble ikke ferdig, eller filen er "
                       "avkortet. Det som følger, er det postene viser.",
    "note_no_header": "Rapporten har ingen innledende skanningspost.",
    "note_old": "{n} funn kommer fra en rapport eldre enn skjema 1.6, som ikke sier om et funn står i en logg "
                "eller i fritekst: rangeringen tar ikke hensyn til noen av delene for dem.",
    "note_inventory": "Funn: det registeret har nå (til stede, fra skanningen som sist så hvert av dem). Dekning "
                      "og endringer: skanning {scan}.",
    "the_inventory": "registeret", "jsonl_report": "JSONL-rapporten",
    "no_reason": "ikke lagret i dette registeret (eldre skanning): se skanningens JSONL-rapport",
}

CATEGORIES = {"identity": "identitet", "contact": "kontaktopplysninger", "financial": "økonomi",
              "metering": "måledata", "online_identifier": "nettidentifikator", "organisation": "virksomhet",
              "other": "annet"}

ENTITIES = {
    "NO_FODSELSNUMMER": "fødselsnummer", "PERSON": "navn", "NO_PHONE_NUMBER": "telefonnummer",
    "EMAIL_ADDRESS": "e-postadresse", "NO_ADDRESS": "postadresse", "NO_BANK_ACCOUNT": "kontonummer", "IBAN_CODE": "IBAN",
    "CREDIT_CARD": "betalingskortnummer", "NO_METER_ID": "målepunkt-ID", "NO_METER_SERIAL": "målerserienummer",
    "METER_READING": "strømforbruk (måleravlesninger)", "IP_ADDRESS": "IP-adresse",
    "NO_ORGANIZATION_NUMBER": "organisasjonsnummer", "LOCATION": "stedsnavn", "ORGANIZATION": "virksomhetsnavn",
}

CHANGES = {"new": "ny", "gone": "borte", "category_added": "kategori lagt til", "category_removed": "kategori fjernet",
           "confidence_changed": "treffsikkerhet endret"}

KINDS = {"error": "kunne ikke leses", "skipped": "hoppet over", "field skipped": "felt hoppet over"}

STATUS = {"completed": "fullført", "incomplete": "ufullstendig", "failed": "feilet", "running": "pågår",
          "interrupted": "avbrutt", "abandoned": "forlatt",
          "suppressed": "avvist", "reopened": "gjenåpnet", "confirmed": "bekreftet"}

EXIT = {0: "fullført", 1: "fullført; --fail-on-findings slo til", 2: "feil bruk eller konfigurasjon",
        3: "ufullstendig: noen kilder eller lokasjoner kunne ikke skannes",
        4: "en lås ble ikke ledig innen --lock-wait", 5: "rapporten eller registeret kunne ikke skrives",
        6: "ingenting kunne leses: ingen av kildene svarte",
        129: "stoppet av SIGHUP", 130: "stoppet av SIGINT", 143: "stoppet av SIGTERM"}

INTERRUPTED = "avbrutt av {signal}: det som ble funnet til da"

# The scanner's reasons for not reading something, by how they begin; the rest is kept as it is.
REASONS = {
    "symlink to a directory already scanned": "symbolsk lenke til en mappe som allerede er skannet",
    "symlink leads outside the root: not followed": "symbolsk lenke som peker ut av roten: ikke fulgt",
    "symlink to a file in the root": "symbolsk lenke til en fil i roten: lest under sin egen sti",
    "not a regular file": "ikke en vanlig fil",
    "unsupported": "formatet støttes ikke",
    "ocr not available": "tekstgjenkjenning (OCR) er ikke tilgjengelig",
    "binary column": "binær kolonne",
    "binary": "binær fil",
    "empty": "tom",
    "empty: no journal files found": "tom: ingen journalfiler funnet",
    "empty: no objects under this prefix": "tom: ingen objekter under dette prefikset",
    "empty: no objects (an empty bucket or prefix)": "tom: ingen objekter (en tom bøtte eller et tomt prefiks)",
    "empty: no log groups or streams": "tom: ingen logggrupper eller -strømmer",
    "empty: nothing to read": "tom: ingenting å lese",
    "empty: nothing matched --include/--exclude": "tom: ingenting passet til --include/--exclude",
    "empty database: no tables or views": "tom database: ingen tabeller eller visninger",
    "empty database: nothing matched --include/--exclude": "tom database: ingenting passet til --include/--exclude",
    "no files: nothing to scan": "ingen filer: ingenting å skanne",
    "no files match the pattern: nothing to scan": "ingen filer passer til mønsteret: ingenting å skanne",
    "encrypted": "kryptert",
    "too large": "for stor",
    "corrupt": "skadet",
    "ole: not a Word, Excel, PowerPoint or Outlook file": "OLE-fil som ikke er Word, Excel, PowerPoint eller Outlook",
    "ReadFailed": "lesingen feilet",
    "ReadError": "lesefeil",
    "not read": "ikke lest",
}

EXTRA = {
    "links": "Felles identifikatorer",
    "links_none": "Ingen identifikator ble sett i mer enn ett datasett (hvert funn har en nøkkelbasert skisse av "
                  "identifikatorene; to datasett som deler én, har opplysninger om samme person).",
    "links_lede": "{n} par av datasett har de samme identifikatorene ({across} på tvers av systemer, {logs} med en "
                  "logg). Kopier, eksporter og identifikatorer skrevet i logger er der personopplysninger forlater "
                  "formålet de ble samlet inn for. Felles: identifikatorer sett i begge (minst, siden hver skanning "
                  "tar utvalg); andel: anslått del av det minste datasettets identifikatorer som finnes i det "
                  "største. Verdiene sammenlignes bare som nøklede fingeravtrykk.",
    "links_caption": "{n} koblede par, de mest talende først", "links_first": "; de {n} første vist",
    "links_from": "fra", "links_to": "til", "links_ids": "identifikatorer", "links_shared": "felles",
    "links_containment": "andel", "links_meaning": "hva det betyr",
    "links_legend": "— en rød linje har en logg i én ende, en mørk går på tvers av systemer",
    "kind_database": "database", "kind_object": "objektlager", "kind_file": "filområde", "kind_log": "logg",
    "retention": "Eldre enn oppgitt lagringstid",
    "retention_none": "Ingen datasett med personopplysninger er eldre enn kildens oppgitte lagringstid (en kilde "
                      "uten oppgitt lagringstid blir ikke sjekket: se hullene i Art. 30-visningen).",
    "retention_lede": "{n} datasett har personopplysninger eldre enn kildens oppgitte lagringstid: {over} over, "
                      "{check} å sjekke (fristen løper fra en hendelse, som slutten på et kundeforhold, som dataenes "
                      "alder ikke viser). Alder: tabellens eldste dato (fødsels- og utløpsdatoer utelatt), eller "
                      "den eldste filens endringstid.",
    "ret_over": "over", "ret_check": "sjekk", "status_l": "status", "ret_system": "system", "ret_dataset": "datasett",
    "ret_oldest": "eldste data", "ret_declared": "oppgitt lagringstid", "ret_days": "over med (dager)",
}
TEXT.update(EXTRA)

# what a link between two datasets means (scanner.inventory.links.meaning), said in bokmål
MEANINGS = {
    "identifiers written into a log: kept as long as the log, outside the system's purpose":
        "identifikatorer skrevet i en logg: lagret like lenge som loggen, utenfor systemets formål",
    "within one database: a copy, a history or a duplicate of the data":
        "innenfor én database: en kopi, en historikk eller et duplikat av dataene",
    "copies of the same data in several files or objects": "kopier av de samme dataene i flere filer eller objekter",
    "an export or copy out of a database onto a file share or object store":
        "en eksport eller kopi fra en database til et filområde eller objektlager",
    "the same people in two databases: an integration or a copy between systems":
        "de samme personene i to databaser: en integrasjon eller en kopi mellom systemer",
}
