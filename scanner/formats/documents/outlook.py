"""Outlook .msg: a message saved from Outlook (a compound file of MAPI properties), read by extract-msg.

The fields are those of an .eml (scanner.formats.documents.mail): the sender and the recipients
as `header.From`, `header.To`, `header.Cc`, `header.Bcc` (one `Name <address>` a recipient), the
other address fields from the transport headers a received message keeps, `header.Subject`, the
`body` (plain text; else the HTML body stripped; else the RTF body as text), and the attachments
through the readers. An attached Outlook message is exported by extract-msg to .msg bytes of its
own and read as `attachment NAME.msg`, so the core caps its depth like any attachment's.

extract-msg logs every oddity of a file at warning level and above: its loggers are quieted here,
and what matters comes back as the document's warnings and skipped parts instead. It is given
the stream, never a path, and nothing is saved: it writes nothing to disk.
"""

from __future__ import annotations

import logging
from email.parser import HeaderParser

import extract_msg
from extract_msg.attachments import EmbeddedMsgAttachment, WebAttachment
from extract_msg.enums import ErrorBehavior, RecipientType
from extract_msg.msg_classes import MessageBase

from scanner.formats.documents.base import Document
from scanner.formats.documents.mail import (
    ADDRESS_FIELDS,
    HTML_CAP,
    addresses,
    header_addresses,
    html_text,
)
from scanner.formats.errors import Corrupt
from scanner.formats.limits import human_size

for _name in ("extract_msg", "RTFDE"):  # olefile is quiet by itself
    logging.getLogger(_name).setLevel(logging.CRITICAL + 1)

_KINDS = {RecipientType.TO: "To", RecipientType.CC: "Cc", RecipientType.BCC: "Bcc"}
# Address fields only a received message's transport headers (PR_TRANSPORT_MESSAGE_HEADERS) hold.
_TRANSPORT_ONLY = ("Sender", "Reply-To", "Delivered-To", "Return-Path")


def read_msg(stream, doc: Document, fmt: str) -> None:
    try:
        # attachments delayed: a broken one must not keep the message from being read;
        # not strict: a class extract-msg does not know (a contact, a task) still opens
        msg = extract_msg.openMsg(stream, delayAttachments=True, strict=False,
                                  errorBehavior=ErrorBehavior.SUPPRESS_ALL)
    except Exception as e:  # noqa: BLE001 - extract-msg's errors on a broken file name no content, but say it our way
        raise Corrupt(f"msg: not a readable Outlook message ({type(e).__name__})") from e
    try:
        if isinstance(msg, MessageBase):
            _message(msg, doc)
        else:
            _properties(msg, doc)
        _attachments(msg, doc)
    finally:
        msg.close()


def _message(msg, doc: Document) -> None:
    sender = _safe(lambda: msg.sender, doc, "sender")
    fields: dict[str, list[str]] = {"From": addresses(sender) if sender else []}
    for r in _safe(lambda: msg.recipients, doc, "recipients") or ():
        kind = _KINDS.get(r.type, "To")
        name, email = (r.name or "").strip(), (r.email or "").strip()
        value = f"{name} <{email}>" if name and email and name != email else (email or name)
        if value:
            fields.setdefault(kind, []).append(value)
    for kind in ("To", "Cc", "Bcc"):
        if kind not in fields:  # no recipient entries: the display line (names, perhaps addresses)
            shown = _safe(lambda k=kind: getattr(msg, k.lower()), doc, kind)
            fields[kind] = addresses(shown) if shown else []
    transport = _safe(lambda: msg.headerText, doc, "transport headers")
    if transport:
        found = header_addresses(HeaderParser().parsestr(transport, headersonly=True))
        for kind in _TRANSPORT_ONLY:
            fields[kind] = found.get(kind, [])
    for kind in ADDRESS_FIELDS:
        doc.values(f"header.{kind}", fields.get(kind, []))
    doc.text("header.Subject", _safe(lambda: msg.subject, doc, "subject"))
    doc.text("body", _body(msg, doc))


def _body(msg, doc: Document) -> str | None:
    """The plain body; else the HTML body's text; else the RTF body's (extract-msg makes the plain
    body of RTF that wraps text or HTML; other RTF is stripped of its control words here)."""
    body = _safe(lambda: msg.body, doc, "body")
    if body and body.strip():
        return body
    html = _safe(lambda: msg.getStream("__substg1.0_10130102"), doc, "HTML body")
    if html:
        html = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
        if len(html) > HTML_CAP:
            doc.unreadable[f"html past {human_size(HTML_CAP)} of a part"] += 1
        return html_text(html[:HTML_CAP])
    rtf = _safe(lambda: msg.rtfBody, doc, "RTF body")
    if rtf:
        from striprtf.striprtf import rtf_to_text

        return _safe(lambda: rtf_to_text(rtf.decode("latin-1"), errors="ignore"), doc, "RTF body")
    return None


def _properties(msg, doc: Document) -> None:
    """A .msg that is not a message (a contact, a task, an unknown class): its subject, body and
    every other top-level text property, as running text."""
    texts = []
    for entry in _safe(lambda: msg.listDir(), doc, "properties") or ():
        if len(entry) == 1 and entry[0].upper().endswith(("001F", "001E")):
            value = _safe(lambda e=entry[0]: msg.getStringStream(e[:-4]), doc, "a property")
            if value and entry[0][12:16] != "001A":  # the message class names no one
                texts.append(value)
    doc.text("properties", "\n\n".join(texts))


def _attachments(msg, doc: Document) -> None:
    limits = doc.limits
    for i, att in enumerate(_safe(lambda: msg.attachments, doc, "attachments") or ()):
        name = _name(att, i)
        place = f"attachment {name}"
        if doc.out_of_time():
            doc.skip(place, f"not read: the document's time ({limits.document_seconds:g} s) ran out")
            continue
        if isinstance(att, WebAttachment):
            doc.skip(place, "a link to a file elsewhere: not read")
        elif isinstance(att, EmbeddedMsgAttachment):
            name = name if name.lower().endswith(".msg") else f"{name}.msg"
            if doc.depth + 1 > limits.max_depth:  # the core says the same, without exporting it first
                doc.skip(f"attachment {name}", f"nested more than {limits.max_depth} deep: not read")
                continue
            data = _export(att.data)
            if data is None:
                doc.skip(f"attachment {name}", "corrupt: the attached message could not be read")
            else:
                doc.attachment(name, data)
        else:
            data = getattr(att, "data", None)
            if isinstance(data, bytes):
                doc.attachment(name, data)
            else:
                doc.skip(place, f"corrupt or unsupported attachment ({type(att).__name__}): not read")


def _export(inner) -> bytes | None:
    for bad_embed in (False, True):  # the second time, extract-msg repairs what it can
        try:
            return inner.exportBytes(allowBadEmbed=bad_embed)
        except Exception:  # noqa: BLE001 - an attached message that does not export: skipped with a reason
            continue
    return None


def _name(att, i: int) -> str:
    for attribute in ("longFilename", "shortFilename", "displayName", "name"):
        try:
            value = getattr(att, attribute, None)
        except Exception:  # noqa: BLE001 - a property that does not decode: the next one
            continue
        if isinstance(value, str) and value.strip(" \0"):
            return value.strip(" \0").replace("\\", "/").rsplit("/", 1)[-1]
    return f"part {i + 1}"


def _safe(get, doc: Document, what: str):
    """A property of the message, or None with a warning when extract-msg cannot read it."""
    try:
        return get()
    except Exception as e:  # noqa: BLE001 - one unreadable property must not lose the rest of the message
        doc.warnings.append(f"msg: the {what} could not be read ({type(e).__name__})")
        return None
