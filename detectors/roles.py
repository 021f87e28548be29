"""Role mailboxes: e-mail addresses that name a function (post@, faktura@, support@, noreply@),
not a person. An organisation's role address is contact data of the organisation, not personal
data; a field that holds nothing else is no finding, and a field that mixes them with people's
addresses says how many of its addresses were role mailboxes.

An address counts as a role only when every word of its local part is a function word
(`kundeservice`, `post.mottak`, `no-reply`), or a Norwegian compound of them (`driftssentral`,
`vaktleder`, `kundesenteret`): `kari.support@` or `ola@` are people, and so is a numbered one
(`kunde17@`, `user42@`: one account per customer).
"""

from __future__ import annotations

import re
from functools import lru_cache

from detectors.vocabulary import normalise

# Function words of Norwegian and English organisations' shared mailboxes, as
# vocabulary.normalise spells them (lower case, æ -> ae, ø -> o, å -> a).
ROLE_WORDS = frozenset({
    # general contact
    "post", "postmottak", "mottak", "firmapost", "info", "kontakt", "contact",
    "office", "kontor", "sentralbord", "resepsjon", "reception", "mail", "epost",
    # customers and sales
    "kundeservice", "kundesenter", "kundesupport", "kunde", "kunder", "customerservice",
    "customercare", "customer", "customers", "service", "salg", "sales", "marked", "marketing",
    "ordre", "order", "orders", "bestilling", "bestillinger", "booking", "tilbud", "butikk", "shop",
    "nettbutikk", "webshop", "medlem", "medlemmer", "members", "abonnement",
    # billing and finance
    "faktura", "fakturamottak", "efaktura", "invoice", "invoices", "billing", "regnskap",
    "accounting", "accounts", "okonomi", "finans", "finance", "lonn", "payroll", "innkjop",
    "purchasing", "inkasso", "betaling", "payments", "remittance",
    # support and operations
    "support", "helpdesk", "servicedesk", "brukerstotte", "hjelp", "help", "drift", "ops",
    "operations", "noc", "soc", "it", "itdrift", "itsupport", "teknisk", "tech", "vakt", "oncall",
    "alarm", "alarmer", "alert", "alerts", "varsel", "varsling", "monitoring", "overvaking",
    "status", "backup", "system", "systems", "sysadmin", "admin", "administrator", "root",
    "postmaster", "hostmaster", "webmaster", "abuse", "security", "sikkerhet", "cert", "csirt",
    "dmarc", "bounce", "bounces", "mailerdaemon", "daemon", "devnull",
    # automated senders
    "noreply", "donotreply", "ikkesvar", "reply", "no", "not", "do", "ikke", "svar", "notifications",
    "notification", "varslinger", "nyhetsbrev", "newsletter", "news", "nyheter",
    # people functions, not people
    "hr", "personal", "rekruttering", "recruiting", "jobb", "jobs", "careers", "karriere", "presse",
    "press", "media", "kommunikasjon", "personvern", "privacy", "dpo", "gdpr", "personvernombud",
    "juridisk", "legal", "compliance", "styret", "board", "ledelse", "management", "team",
    "avdeling", "dept", "lager", "logistikk", "levering", "kundeportal", "portal", "web",
    "feedback", "tilbakemelding", "tips", "klage", "klager", "complaints", "apps", "api", "test",
})

# Parts of compounds that name a unit or a duty, not a person: `drifts|sentral`, `vakt|leder`.
COMPOUND_PARTS = frozenset({
    "sentral", "senter", "center", "centre", "leder", "sjef", "ansvarlig", "vakt", "desk", "gruppe",
    "group", "tjeneste", "tjenester", "services", "avdeling", "kontor", "mottak", "melding", "meldinger",
    "varsel", "varsler", "varsling", "alarm", "logg", "rapport", "rapporter", "nett", "nettverk",
    "network", "net", "sms", "app", "stab", "sekretariat", "support", "service", "drift", "kunde",
    "kunder", "faktura", "post", "admin", "system", "portal", "web", "backup", "monitor", "ordre",
    "lager", "salg", "info", "kontakt", "team", "felles", "common", "shared", "generell", "general",
    "mail", "epost", "noc", "ops", "it", "hr", "lonn", "okonomi", "regnskap", "innkjop", "plan",
    "planlegging", "montor", "montasje", "bestilling", "booking", "maler", "maling", "teknisk",
})
_LINKS = ("", "s", "e")  # Norwegian compounds join with nothing, an s or an e: drift-s-sentral
_ENDINGS = ("", "en", "et", "ene", "er")  # definite and plural forms: kundesenteret, vaktlederen
_PARTS = ROLE_WORDS | COMPOUND_PARTS
_LONGEST = max(map(len, _PARTS))
MAX_LOCAL = 64  # RFC 5321's longest local part: anything longer is no mailbox of anyone's
MIN_ENDED = 5  # a part that takes an ending on its own: sentralen, yes; hei-er, no-a, never
_SPLIT = re.compile(r"[.\-_]+")
_DIGIT = re.compile(r"\d")
_DIGITS_IN_PARTS = any(_DIGIT.search(p) for p in _PARTS)
_STARTS = frozenset(p[:2] for p in _PARTS if len(p) >= 2)  # a part is two letters or more (see _parts)


@lru_cache(maxsize=8192)  # a column repeats its mailboxes
def is_role_mailbox(address: str) -> bool:
    """Whether an e-mail address names a function (faktura@, no-reply@, KundeService@), not a person."""
    local = address.rpartition("@")[0].partition("+")[0]
    if len(local) > MAX_LOCAL:
        return False
    words = [w for w in _SPLIT.split(normalise(local)) if w]
    return bool(words) and all(w in ROLE_WORDS or _compound(w) for w in words)


@lru_cache(maxsize=8192)
def _compound(word: str) -> bool:
    """A word made of role words and unit parts, joined as Norwegian joins them."""
    if not _DIGITS_IN_PARTS and _DIGIT.search(word):
        return False  # kunde17, ola.hansen2: no part holds a digit, so no split covers one
    if word[:2] not in _STARTS:
        return False  # every split, and every stem before an ending, starts with a part
    if _parts(word, True) >= 2:
        return True
    # a definite or plural ending on a compound or on a long part: kundesenteret, sentralen
    for ending in _ENDINGS[1:]:
        if word.endswith(ending):
            stem = word[: -len(ending)]
            if _parts(stem, True) >= 2 or (stem in _PARTS and len(stem) >= MIN_ENDED):
                return True
    return False


@lru_cache(maxsize=65536)  # each suffix once: linear in the word, however it backtracks
def _parts(rest: str, first: bool) -> int:
    """How many parts `rest` splits into (0: it does not split)."""
    for n in range(min(len(rest), _LONGEST), 1, -1):
        head = rest[:n]
        # two-letter parts (it, hr, no) only lead a compound: inside one they match too much
        if head not in _PARTS or (n == 2 and not first):
            continue
        after = rest[n:]
        if not after:
            return 1
        for link in _LINKS:
            tail = after[len(link):]
            if after.startswith(link) and tail and (found := _parts(tail, False)):
                return found + 1
    return 0


# An organisation's phone number: presented as its switchboard, customer centre, duty or support
# line, or followed by its organisation number (a letterhead's "Sentralbord 22 12 34 56 · Org.nr.").
_ORG_PHONE = re.compile(
    r"(?i)(?<!\w)(?:sentralbord|kundesenter|kundeservice|servicesenter|servicetelefon|hovednummer|hovedtelefon|"
    r"vakttelefon|døgnvakt|vaktsentral|driftssentral|switchboard|customer service|brukerstøtte|helpdesk|"
    r"support|feilmelding|sentralen|resepsjon)\w*")
# Words that make the nearest number someone's: the customer's, a mobile, a direct line.
_PERSON_PHONE = re.compile(r"(?i)(?<!\w)(?:mobil|privat|hjemme|direkte|kunden|kontaktperson|pårørende|mob\b)\w*")
_ORG_NUMBER_AFTER = re.compile(r"(?i)[\s·•|,;–-]*(?:org\.?\s?nr|organisasjonsnummer|foretaksregisteret)")
_WINDOW = 60
_BREAK = re.compile(r"\d|[,;]|(?<!\w)(?:eller|og|or|and)(?!\w)")
_NAME = re.compile(r"(?<!\w)[A-ZÆØÅ][a-zæøå]+ [A-ZÆØÅ][a-zæøå]+(?!\w)")


def organisation_phone(text: str, start: int, end: int) -> bool:
    """Whether the phone number at text[start:end] is presented as an organisation's: the nearest
    word before it on its line that says whose number it is names a switchboard or service
    (`Ring kundesenteret på …`), or the organisation number follows it. `Kunden ringte
    kundeservice fra mobil …` is the customer's: `mobil` is nearer."""
    line = text.rfind("\n", 0, start) + 1
    before = text[max(line, start - _WINDOW):start]
    # only the words since the last number or list break: "Ring kundesenteret på 22 …, eller Kari på 912 …"
    cut = max((m.end() for m in _BREAK.finditer(before)), default=0)
    before = before[cut:]
    role = [m.end() for m in _ORG_PHONE.finditer(before)]
    if role and _NAME.search(before, role[-1]):
        return False  # "Support: Kari Nordmann 912 34 567": a person at the support desk
    person = [m.end() for m in _PERSON_PHONE.finditer(before)]
    if role and (not person or role[-1] > person[-1]):
        return True
    return not person and _ORG_NUMBER_AFTER.match(text, end) is not None


# An organisation's own bank account: an invoice's "Betales til konto … (Nordlys Energi AS)", a
# letterhead's "Bankkonto … · Org.nr. …". A legal form after a capitalised name on the same line
# says whose it is; a word that makes it someone's (kunden, tilbakebetaling, refusjon) wins.
_LEGAL_FORM = re.compile(r"(?<![\w-])[A-ZÆØÅ][\w&.-]*(?: [\w&.-]+){0,4} (?:AS|ASA|ANS|DA|SA|KF|IKS|HF|BA)(?![\w-])")
_PERSON_ACCOUNT = re.compile(r"(?i)(?<!\w)(?:kunden|tilbakebetal|refusjon|tilgodehavende|utbetal|din konto|"
                             r"ditt kontonummer|lønn|ansatt|arbeidsgiver)\w*")
_NAMED_AFTER = re.compile(r"[ \t(·•|,;:–-]*(?:(?:tilhører|eies av|til|hos|for|i)[ \t]+)?" + _LEGAL_FORM.pattern)


def organisation_account(text: str, start: int, end: int) -> bool:
    """Whether the account number at text[start:end] is presented as an organisation's: its line
    names a company by its legal form (`AS`, `ASA`, `SA` …) or its organisation number, and
    nothing on it makes the account someone's (a refund, the customer's)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    if _PERSON_ACCOUNT.search(line):
        return False
    # the organisation named right after the number ("… (Nordlys Energi AS)", "… tilhører X AS",
    # "· Org.nr. …"), not anywhere in a paragraph that happens to name one
    return _NAMED_AFTER.match(text, end) is not None or _ORG_NUMBER_AFTER.match(text, end) is not None


def network_prefix(text: str, start: int, end: int) -> bool:
    """Whether the IP address at text[start:end] is a network written with its prefix and no host
    (`10.20.0.0/16`): a range of addresses, not anyone's."""
    import ipaddress

    written = text[start:end]
    if "/" not in written:
        return False
    try:
        interface = ipaddress.ip_interface(written)
    except ValueError:
        return False
    return interface.ip == interface.network.network_address and interface.network.num_addresses > 1
