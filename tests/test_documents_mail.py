"""E-mail (issue 20): .eml messages, mbox mailboxes and Outlook .msg files of synthetic people.

One `kartlegg scan` of a mailbox export written on the spot (demo.documents.mail) checks what the
report says field by field: senders and recipients as PERSON and EMAIL_ADDRESS columns, the
body's fødselsnummer and phone number, attachments (`attachment beboere.csv#epost`), a zip in a
message, a forwarded message, an mbox's senders judged as one column, an .msg with attachments;
and that newsletters, no-reply notices and tickets give no person. The readers are then checked
on broken MIME, mbox boundaries and limits, address fields, HTML bodies and the .msg writer, and
hostile files are read in a process of their own (tests/documents_util.read_apart) to bound
their memory and time.
"""

from __future__ import annotations

import io
import logging
import random
import time

import pytest
from documents_util import read_apart
from reporting import findings, of, scan_cli

from demo.documents import mail as gen
from demo.documents import msgfile
from demo.documents.msgfile import Message, msg_bytes
from scanner.formats import Limits, read
from scanner.formats.detect import detect
from scanner.formats.documents.mail import addresses, html_text

R = random.Random(20)
H = (b"From: Kari Nordmann <kari@example.no>\nTo: kundeservice@example.com\nSubject: Hei\n"
     b"Date: Mon, 04 Mar 2024 09:30:00 +0100\nMIME-Version: 1.0\n")


def sample(data: bytes, name: str, **limits):
    return read(io.BytesIO(data), name, Limits(**limits))


def fields(s) -> dict[str, list]:
    return {f.name: f.values for f in s.fields}


def text_of(s) -> str:
    return "\n".join(str(v) for f in s.fields for v in f.values)


# --- One scan of a mailbox export ---------------------------------------------------------------


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    base = tmp_path_factory.mktemp("post")
    gen.write_mail(base / "eksport", seed=20)
    code, lines, _ = scan_cli(str(base / "eksport"), "--inventory", str(base / "inventory.sqlite"))
    assert code == 0
    return lines


FOUND = [
    ("klage.eml", "header.From", "PERSON"),
    ("klage.eml", "header.From", "EMAIL_ADDRESS"),
    ("klage.eml", "header.Cc", "PERSON"),
    ("klage.eml", "body", "NO_FODSELSNUMMER"),
    ("klage.eml", "body", "NO_PHONE_NUMBER"),
    ("klage.eml", "body", "NO_ADDRESS"),
    ("klage.eml", "body", "PERSON"),
    ("svar.eml", "header.To", "PERSON"),
    ("svar.eml", "header.To", "EMAIL_ADDRESS"),
    ("flytting.eml", "header.Reply-To", "PERSON"),  # an HTML-only message: the person in table cells
    ("flytting.eml", "body", "NO_FODSELSNUMMER"),
    ("flytting.eml", "body", "PERSON"),
    ("beboerliste.eml", "attachment beboere.csv#epost", "EMAIL_ADDRESS"),
    ("beboerliste.eml", "attachment beboere.csv#navn", "PERSON"),
    ("beboerliste.eml", "attachment beboere.csv#adresse", "NO_ADDRESS"),
    ("beboerliste-zip.eml", "attachment beboere.zip#beboere.csv:epost", "EMAIL_ADDRESS"),
    ("videresendt.eml", "attachment message.eml#header.From", "PERSON"),
    ("videresendt.eml", "attachment message.eml#body", "NO_FODSELSNUMMER"),
    ("kundeservice.mbox", "header.From", "PERSON"),
    ("kundeservice.mbox", "header.From", "EMAIL_ADDRESS"),
    ("kundeservice.mbox", "body", "NO_FODSELSNUMMER"),
    ("klage.msg", "header.From", "PERSON"),
    ("klage.msg", "header.From", "EMAIL_ADDRESS"),
    ("klage.msg", "header.Cc", "PERSON"),
    ("klage.msg", "body", "NO_FODSELSNUMMER"),
    ("klage.msg", "attachment beboere.csv#epost", "EMAIL_ADDRESS"),
    ("klage.msg", "attachment Videresendt.msg#body", "NO_FODSELSNUMMER"),
]


@pytest.mark.parametrize(("dataset", "field", "entity"), FOUND)
def test_what_a_mailbox_export_holds_is_found(scanned, dataset, field, entity):
    assert (dataset, field, entity) in findings(scanned)


# Near misses and hard negatives: (dataset, field or None for any field, entity type).
NOT_FOUND = [
    ("klage.eml", "header.To", "PERSON"),  # "Kundeservice Nordlys Energi <kundeservice@…>"
    ("flytting.eml", "header.From", "PERSON"),  # "Nettskjema <skjema@…>"
    ("svar.eml", "header.From", "PERSON"),
    ("nyhetsbrev.eml", None, "PERSON"),  # a switchboard number, an org. number, a postbox
    ("nyhetsbrev.eml", None, "NO_FODSELSNUMMER"),
    ("faktura-klar.eml", None, "PERSON"),  # noreply@
    ("faktura-klar.eml", None, "NO_FODSELSNUMMER"),
    ("INC0012345.eml", None, "PERSON"),  # ticket and change ids, versions, a build number
    ("INC0012345.eml", None, "NO_FODSELSNUMMER"),
    ("varsler.mbox", None, "PERSON"),  # 20 of them in one mailbox: the senders' column is no person
    ("varsler.mbox", None, "NO_FODSELSNUMMER"),
]


@pytest.mark.parametrize(("dataset", "field", "entity"), NOT_FOUND)
def test_near_misses_and_hard_negatives_give_nothing(scanned, dataset, field, entity):
    assert dataset in {r["location"]["dataset"] for r in of(scanned, "dataset")}  # read, not lost
    got = {(d, f, e) for d, f, e in findings(scanned) if d == dataset and e == entity and field in (None, f)}
    assert not got


def test_an_mbox_is_read_message_by_message_and_its_senders_judged_as_a_column(scanned):
    dataset = next(r for r in of(scanned, "dataset") if r["location"]["dataset"] == "kundeservice.mbox")
    assert dataset["format"] == "mbox" and dataset["document"]["documents"] == 20
    person = next(r for r in of(scanned, "finding") if r["location"]["dataset"] == "kundeservice.mbox"
                  and r["location"]["field"] == "header.From" and r["entity_type"] == "PERSON")
    assert person["free_text"] is False and person["sampled"] == 20 and person["hits"] == 20


def test_messages_and_attachments_are_counted_and_nothing_is_skipped(scanned):
    datasets = {r["location"]["dataset"]: r for r in of(scanned, "dataset")}
    assert datasets["klage.msg"]["format"] == "msg" and datasets["klage.msg"]["document"]["attachments"] == 2
    assert datasets["beboerliste-zip.eml"]["document"]["attachments"] == 1
    assert not of(scanned, "skipped") and not of(scanned, "error")


# --- Broken MIME: read as far as it goes, with a warning ----------------------------------------

MIME = [
    ("no closing boundary",
     H + b'Content-Type: multipart/mixed; boundary="B"\n\n--B\nContent-Type: text/plain\n\nHei fra Kari\n--B\n'
         b'Content-Type: text/csv\nContent-Disposition: attachment; filename="a.csv"\n\n'
         b"navn,epost\nKari,k@example.no\n",
     {"body": ["Hei fra Kari"], "attachment a.csv#epost": ["k@example.no"]}, "ends inside a multipart"),
    ("bad base64",
     H + b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nSGVpIGZy!!YSBLYXJp\nTm9y=X\n",
     {"body": ["Hei fra KariNor"]}, "base64 is damaged"),
    ("latin-1 declared utf-8",
     H + b"Content-Type: text/plain; charset=utf-8\n\nHilsen Ingrid Br\xe5ten, Sj\xf8veien 3\n",
     {"body": ["Hilsen Ingrid Bråten, Sjøveien 3"]}, "is not in its charset 'utf-8'"),
    ("unknown charset",
     H + b"Content-Type: text/plain; charset=x-ukjent\n\nHilsen Ingrid Br\xe5ten\n",
     {"body": ["Hilsen Ingrid Bråten"]}, "unknown charset 'x-ukjent'"),
    ("multipart without a boundary",
     H + b"Content-Type: multipart/mixed\n\nHei fra Kari\n", {"body": ["Hei fra Kari"]}, "without a boundary"),
    ("inner multipart not closed",
     H + b'Content-Type: multipart/mixed; boundary="A"\n\n--A\nContent-Type: multipart/alternative; boundary="B"\n\n'
         b"--B\nContent-Type: text/plain\n\nInner\n--A\nContent-Type: text/plain\n\nSecond\n--A--\n",
     {"body": ["Inner", "Second"]}, "closing boundary is missing"),
    # valid shapes, no warning: near misses of the broken ones
    ("quoted-printable latin-1",
     H + b"Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
         b"Hilsen Ingrid Br=E5ten, en lang linje som=\n fortsetter\n",
     {"body": ["Hilsen Ingrid Bråten, en lang linje som fortsetter"]}, None),
    ("raw UTF-8 in the headers",
     "From: Ingrid Bråten <ingrid@example.no>\nTo: a@example.no\nSubject: Flytting til Sjøveien\nDate: x\n\nhei\n"
     .encode(), {"header.From": ["Ingrid Bråten <ingrid@example.no>"], "header.Subject": ["Flytting til Sjøveien"]},
     None),
    ("CRLF and HTML only",
     (H + b'Content-Type: multipart/alternative; boundary="B"\n\n--B\nContent-Type: text/html\n\n'
          b"<p>Kari <b>Nordmann</b></p>\n--B--\n").replace(b"\n", b"\r\n"), {"body": ["Kari Nordmann"]}, None),
    ("plain and HTML alternatives: the plain one",
     H + b'Content-Type: multipart/alternative; boundary="B"\n\n--B\nContent-Type: text/plain\n\nPlain Kari\n'
         b"--B\nContent-Type: text/html\n\n<p>HTML Kari</p>\n--B--\n", {"body": ["Plain Kari"]}, None),
    ("a digest of messages",
     H + b'Content-Type: multipart/digest; boundary="D"\n\n--D\n\nFrom: Ola Hansen <ola@example.no>\nTo: x@example.no\n'
         b"Subject: En\nDate: x\n\nInni\n--D--\n",
     {"attachment message.eml#header.From": ["Ola Hansen <ola@example.no>"]}, None),
    ("a signature is no attachment",
     H + b'Content-Type: multipart/signed; boundary="S"\n\n--S\nContent-Type: text/plain\n\nSignert\n--S\n'
         b"Content-Type: application/pgp-signature\n\n-----BEGIN PGP SIGNATURE-----\nabc\n--S--\n",
     {"body": ["Signert"]}, None),
]


@pytest.mark.parametrize(("data", "expected", "warning"), [c[1:] for c in MIME], ids=[c[0] for c in MIME])
def test_broken_mime_is_read_as_far_as_it_goes(data, expected, warning):
    s = sample(data, "melding.eml")
    assert s.format == "eml"
    got = fields(s)
    for name, values in expected.items():
        assert got[name] == values
    if warning:
        assert any(warning in w for w in s.warnings), s.warnings
    else:
        assert not s.warnings and not s.skipped
    assert all("Kari" not in w and "Bråten" not in w for w in s.warnings)  # reasons, never content


@pytest.mark.parametrize(("raw", "expected"), [
    ("Kari Nordmann <kari@example.no>", ["Kari Nordmann <kari@example.no>"]),
    ("kari@example.no", ["kari@example.no"]),
    ('"Nordmann, Kari" <kari@example.no>, Ola Hansen <ola@example.no>',
     ["Nordmann, Kari <kari@example.no>", "Ola Hansen <ola@example.no>"]),
    ("=?utf-8?q?Ingrid_Br=C3=A5ten?= <ingrid@example.no>", ["Ingrid Bråten <ingrid@example.no>"]),
    ("undisclosed-recipients:;", []),
    ("Kari Nordmann kari@example.no", ["Kari Nordmann kari@example.no"]),  # no brackets: the text as written
    ("<bounce@example.no>", ["bounce@example.no"]),
    ("Kari Nordmann; Ola Hansen", ["Kari Nordmann", "Ola Hansen"]),  # Outlook's display line: names alone
    ("kari@example.no (Kari Nordmann)", ["Kari Nordmann <kari@example.no>"]),
])
def test_one_value_per_address(raw, expected):
    assert addresses(raw) == expected


@pytest.mark.parametrize(("html", "expected"), [
    ("<p>Hei <b>Kari</b></p><script>var s = 'Ola Hansen';</script><style>p {color: red}</style>", "Hei Kari"),
    ("<table><tr><td>Navn:</td><td>Kari Nordmann</td></tr><tr><td>Tlf:</td><td>412</td></tr></table>",
     "Navn: Kari Nordmann\nTlf: 412"),
    ("Linje en<br>linje to &amp; tre<!-- Ola Hansen -->", "Linje en\nlinje to & tre"),
    ('<?xml version="1.0" encoding="utf-8"?>\n<html><body><p>Kari Nordmann</p></body></html>', "Kari Nordmann"),
    ("", ""),
])
def test_html_bodies_are_read_as_text(html, expected):
    assert html_text(html) == expected


# --- mbox: messages, envelopes, limits ----------------------------------------------------------


def test_mbox_envelopes_split_messages_and_quoted_from_lines_do_not():
    body = (b"From kari@example.no Mon Mar  4 09:30:00 2024\n" + H + b"\nHei\n>From her til dit\nFrom sju til ni\n\n"
            b"From ola@example.no Tue Mar  5 09:30:00 2024\nFrom: Ola Hansen <ola@example.no>\nTo: a@example.no\n"
            b"Subject: To\nDate: x\n\nHallo\n")
    s = sample(body, "innboks.mbox")
    assert s.format == "mbox" and s.document.documents == 2
    assert fields(s)["header.From"] == ["Kari Nordmann <kari@example.no>", "Ola Hansen <ola@example.no>"]
    assert "From her til dit\nFrom sju til ni" in text_of(s)  # unquoted; not an envelope: no blank line before


@pytest.mark.parametrize(("limits", "documents", "reason"), [
    ({}, 20, None),
    ({"max_rows": 5}, 5, "not read: the sample is 5 messages"),
    ({"max_bytes": 2000}, 3, "not read: the sample is 2.0 KiB of the mailbox"),
])
def test_an_mbox_is_sampled_within_the_limits(limits, documents, reason):
    s = sample(gen.mbox_bytes(gen.complaints(random.Random(1))), "innboks.mbox", **limits)
    assert s.document.documents == documents
    assert s.skipped == ([(f"messages after the first {documents}", reason)] if reason else [])


@pytest.mark.parametrize(("name", "data", "skipped"), [
    ("melding.eml", H + b"\nHei fra Kari\n", [("rest of the message", "not read: the document's time (0 s) ran out")]),
    ("innboks.mbox", b"From kari@example.no Mon Mar  4 09:30:00 2024\n" + H + b"\nHei\n",
     [("messages from message 1 on", "not read: the document's time (0 s) ran out")]),
])
def test_a_message_out_of_time_is_a_skipped_part(name, data, skipped):
    s = sample(data, name, document_seconds=0)
    assert s.skipped == skipped and not fields(s)


# --- Outlook .msg -------------------------------------------------------------------------------

KARI, OLA = ("Kari Nordmann", "kari@example.no"), ("Ola Hansen", "ola@example.no")
PER = ("Per Olav Tveit", "per@example.no")
MSGS = [
    ("plain, all recipient kinds",
     Message(subject="Klage", body="Fnr 15076500565", sender=KARI, to=[OLA], cc=[PER], bcc=[KARI]),
     {"header.From": ["Kari Nordmann <kari@example.no>"], "header.To": ["Ola Hansen <ola@example.no>"],
      "header.Cc": ["Per Olav Tveit <per@example.no>"], "header.Bcc": ["Kari Nordmann <kari@example.no>"],
      "header.Subject": ["Klage"], "body": ["Fnr 15076500565"]}),
    ("HTML body only",
     Message(subject="H", html="<p>Hei, jeg er <b>Kari</b></p><script>x='Ola'</script>", sender=KARI),
     {"body": ["Hei, jeg er Kari"]}),
    ("RTF body only",
     Message(subject="R", rtf=rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}Hei fra Kari Nordmann.\par}", sender=KARI),
     {"header.From": ["Kari Nordmann <kari@example.no>"]}),
    ("a large attachment (past the mini stream)",
     Message(subject="V", body="x", sender=KARI,
             attachments=[("kunder.csv", gen.residents_csv(random.Random(2), 200))]),
     {"header.Subject": ["V"]}),
    ("an embedded message",
     Message(subject="VS", body="x", sender=OLA, attachments=[("Klage", Message(subject="Inni", body="Fnr 15076500565",
                                                                                sender=KARI))]),
     {"attachment Klage.msg#header.From": ["Kari Nordmann <kari@example.no>"],
      "attachment Klage.msg#body": ["Fnr 15076500565"]}),
    ("not a message: its text properties",
     Message(subject="Kari Nordmann", body="Mobil 41234567", message_class="IPM.Ukjent"),
     {"properties": ["Kari Nordmann", "Mobil 41234567"]}),
]


@pytest.mark.parametrize(("message", "expected"), [c[1:] for c in MSGS], ids=[c[0] for c in MSGS])
def test_msg_files_are_read_like_eml(message, expected):
    s = sample(msg_bytes(message), "melding.msg")
    assert s.format == "msg" and not s.skipped and not s.warnings
    got = fields(s)
    for name, values in expected.items():
        assert got[name] == values
    if message.rtf:
        assert "Hei fra Kari Nordmann." in got["body"][0]
    if message.attachments and isinstance(message.attachments[0][1], bytes):
        assert len(got["attachment kunder.csv#epost"]) == 200 and s.document.attachments == 1


@pytest.mark.parametrize("message", [c[1] for c in MSGS if c[1].message_class == "IPM.Note"],
                         ids=[c[0] for c in MSGS if c[1].message_class == "IPM.Note"])
def test_the_msg_writer_writes_what_extract_msg_reads_back(message):
    import extract_msg

    msg = extract_msg.openMsg(msg_bytes(message), strict=False)
    try:
        assert msg.subject == message.subject
        if message.sender:
            assert msg.sender == f"{message.sender[0]} <{message.sender[1]}>"
        kinds = {1: "to", 2: "cc", 3: "bcc"}
        assert sorted((kinds[int(r.type)], r.name, r.email) for r in msg.recipients) == sorted(
            (k, n, a) for k in ("to", "cc", "bcc") for n, a in getattr(message, k))
        got = [(a.longFilename, a.data if isinstance(a.data, bytes) else a.data.subject) for a in msg.attachments]
        assert got == [(n, d if isinstance(d, bytes) else d.subject) for n, d in message.attachments]
    finally:
        msg.close()


def test_the_msg_writer_keeps_streams_under_4096_bytes_in_the_mini_stream():
    import olefile

    data = msg_bytes(Message(subject="S", body="b" * 100, attachments=[("stor.bin", bytes(5000)), ("liten.bin", b"x")]))
    ole = olefile.OleFileIO(data)
    try:
        sizes = {"/".join(p): ole.get_size("/".join(p)) for p in ole.listdir()}
        assert sizes["__attach_version1.0_#00000000/__substg1.0_37010102"] == 5000
        assert sizes["__attach_version1.0_#00000001/__substg1.0_37010102"] == 1
        assert ole.openstream("__substg1.0_1000001F").read() == ("b" * 100).encode("utf-16-le")  # no padding
    finally:
        ole.close()


def _without_attach_method() -> bytes:
    """An .msg whose attachment lacks its attach method (PR_ATTACH_METHOD): extract-msg guesses
    it, and logs a warning about it."""
    e = msgfile._Entry
    att = [msgfile._string(0x3707, "a.csv"), msgfile._binary(0x3701, b"navn,epost\nKari Nordmann,kari@example.no\n")]
    top = [msgfile._string(0x001A, "IPM.Note"), msgfile._string(0x0037, "Uten metode")]
    children = msgfile._with_properties(top, [msgfile._prop(0x340D, msgfile.INT32, 0x40000)], bytes(32))
    children.append(e("__attach_version1.0_#00000000", msgfile.STORAGE,
                      children=msgfile._with_properties(att, [], bytes(8))))
    children.append(e("__nameid_version1.0", msgfile.STORAGE,
                      children=[e(f"__substg1.0_{p:04X}0102", msgfile.STREAM) for p in (2, 3, 4)]))
    return msgfile._cfb(e("Root Entry", msgfile.ROOT, children=children))


def test_extract_msg_logs_nothing_into_the_scan_log(caplog):
    caplog.set_level(logging.DEBUG)
    s = sample(_without_attach_method(), "uten-metode.msg")
    assert fields(s)["attachment a.csv#epost"] == ["kari@example.no"]
    assert [r.name for r in caplog.records if r.name.startswith(("extract_msg", "RTFDE"))] == []


# --- Detection of real-world shapes ---------------------------------------------------------------

TAIL = (b"From: Kari Nordmann <kari@example.no>\nTo: kundeservice@example.com\nSubject: Hei\n"
        b"Date: Mon, 04 Mar 2024 09:30:00 +0100\nMessage-ID: <1@example.no>\nMIME-Version: 1.0\n\nHei\n")


@pytest.mark.parametrize(("head", "expected"), [
    (b"Received: from mx.example.no (mx.example.no [192.0.2.1])\n\tby mail.example.com; Mon, 4 Mar 2024\n" + TAIL,
     "eml"),
    (b"Return-Path: <kari@example.no>\nDelivered-To: kundeservice@example.com\n" + TAIL, "eml"),
    (b"X-Mozilla-Status: 0001\nX-Mozilla-Keys:\n" + TAIL, "eml"),
    (b"MIME-Version: 1.0\n" + TAIL, "eml"),
    ((b"Received: from x\n" + TAIL).replace(b"\n", b"\r\n"), "eml"),
    (b"\xef\xbb\xbf" + TAIL, "eml"),
    (b"From - Mon Mar 04 09:30:00 2024\n" + TAIL, "mbox"),
    (b"From 1790023476293574826@xxx Mon Mar 04 09:30:00 +0000 2024\nX-GM-THRID: 17900\n" + TAIL, "mbox"),
    (b"from: a\nsubject: b\nnote: c\n\n", "text"),  # near miss: no To, Date or other field of mail
    pytest.param(b"Received: from x\n" + b"".join(b"X-MS-Exchange-Foo%d: v\n" % i for i in range(70)) + TAIL, "eml",
                 id="70 header lines (Office 365)"),
    pytest.param(b"ARC-Seal: i=1; a=rsa-sha256; d=example.com;\n"
                 + b"".join(b"        b=abcdef%02d\n" % i for i in range(60)) + TAIL, "eml",
                 id="a long folded ARC-Seal"),
    pytest.param(b"Return-Path:<kari@example.no>\n" + TAIL, "eml", id="no space after a colon"),
])
def test_real_world_message_heads_are_detected(head, expected):
    assert detect(head, None, True).format == expected


# --- Hostile messages: bounded, and a reason for what is not read ---------------------------------


def test_messages_forwarded_50_deep_are_read_to_the_depth_cap(tmp_path):
    path = tmp_path / "videresendt.eml"
    path.write_bytes(gen.nested(random.Random(3), 50).as_bytes())
    got = read_apart(path)
    deepest = "#".join(["attachment message.eml"] * 3)
    assert f"{deepest}#body" in got["fields"]
    assert got["skipped"] == [["#".join(["attachment message.eml"] * 4), "nested more than 3 deep: not read"]]
    assert got["peak_mib"] < 400


def test_multiparts_nested_100_deep_in_one_message_are_cut(tmp_path):
    opens = b"".join(b'--b%d\nContent-Type: multipart/mixed; boundary="b%d"\n\n' % (i, i + 1) for i in range(100))
    data = H + b'Content-Type: multipart/mixed; boundary="b0"\n\n' + opens + b"--b100\n\nInnerst\n"
    path = tmp_path / "dyp.eml"
    path.write_bytes(data)
    got = read_apart(path)
    assert any("multiparts nested more than 32 deep" in reason for _, reason in got["skipped"])
    assert got["peak_mib"] < 400


def test_a_50_mb_body_line_without_a_newline_is_read_in_pieces(tmp_path):
    path = tmp_path / "lang.eml"
    with open(path, "wb") as fh:
        fh.write(H + b"\n")
        for _ in range(50):
            fh.write(b"Kari Nordmann 15076500565 " * 40_330)  # 1 MB a write, never a newline
    started = time.monotonic()
    got = read_apart(path)
    assert got["fields"] == ["header.From", "header.To", "header.Subject", "body"]
    assert got["document"]["characters"] == 16 << 20  # the text budget: the rest is left out
    assert got["peak_mib"] < 400 and time.monotonic() - started < 60


def test_a_25_mb_html_body_is_read_in_part(tmp_path):
    path = tmp_path / "nyhetsbrev.eml"
    with open(path, "wb") as fh:
        fh.write(H + b"Content-Type: text/html; charset=utf-8\n\n<html><body>")
        for _ in range(400_000):
            fh.write(b"<p>Kari Nordmann, Storgata 1, 0150 Oslo</p><div>tlf 41234567</div>\n")
    started = time.monotonic()
    got = read_apart(path)
    assert "body" in got["fields"] and 0 < got["document"]["characters"] < 4 << 20  # the first 4 MiB of HTML
    assert got["peak_mib"] < 400 and time.monotonic() - started < 60


def test_a_300_mb_attachment_is_read_in_bounded_memory(tmp_path):
    path = gen.big_attachment(tmp_path / "stort.eml", 300 << 20)
    started = time.monotonic()
    got = read_apart(path, timeout=300)
    assert "attachment stor.csv#epost" in got["fields"] and got["document"]["attachments"] == 1
    assert got["peak_mib"] < 400 and time.monotonic() - started < 120
    capped = read_apart(path, timeout=300, max_decompressed=64 << 20)
    assert capped["skipped"] == [["attachment stor.csv", "too large: attachment stor.csv exceeds 64 MiB"]]
    assert capped["peak_mib"] < 400


@pytest.mark.parametrize(("cut", "warning"), [(0.5, "ends inside a multipart"), (0.97, "ends inside a multipart")])
def test_a_truncated_message_gives_what_it_has(tmp_path, cut, warning):
    data = gen.with_zip(random.Random(4), rows=300).as_bytes()
    path = tmp_path / "kuttet.eml"
    path.write_bytes(data[: int(len(data) * cut)])
    got = read_apart(path)
    assert "header.From" in got["fields"] and "body" in got["fields"]
    assert any(warning in w for w in got["warnings"])
    assert [part for part, _ in got["skipped"]] == ["attachment beboere.zip"]  # a cut zip: corrupt, with its reason
    assert got["peak_mib"] < 400


def _broken_properties() -> bytes:
    """A compound file with an Outlook message's streams but a property stream of three bytes."""
    e = msgfile._Entry
    return msgfile._cfb(e("Root Entry", msgfile.ROOT, children=[
        e("__substg1.0_0037001F", msgfile.STREAM, "Klage fra Kari Nordmann".encode("utf-16-le")),
        e("__substg1.0_001A001F", msgfile.STREAM, "IPM.Note".encode("utf-16-le")),
        e("__properties_version1.0", msgfile.STREAM, b"\x01\x02\x03")]))


@pytest.mark.parametrize(("make", "reason"), [
    (lambda: gen.complaint_msg(random.Random(5))[:3000], "corrupt"),  # cut short: not even its directory
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(6).randbytes(6000), "corrupt"),
    (_broken_properties, "corrupt: msg: not a readable Outlook message"),
], ids=["truncated", "OLE magic then noise", "broken property stream"])
def test_a_corrupt_msg_gives_a_reason(tmp_path, make, reason):
    path = tmp_path / "klage.msg"
    path.write_bytes(make())
    got = read_apart(path)
    assert got.get("error") in ("Corrupt", "Declined", "Unsupported") and got["reason"].startswith(reason)
    assert "Kari" not in got["reason"]
    assert got["peak_mib"] < 400
