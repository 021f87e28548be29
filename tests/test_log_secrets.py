"""The log's secret filter masks as error messages do: a long secret wherever it stands, a short
one only where it stands alone, so a password "p" neither shows nor turns "port" into "***ort"."""

from __future__ import annotations

import pytest

from scanner.system.log_events import SecretFilter


@pytest.mark.parametrize("secret, line, expected", [
    ("p", 'connection to server at "127.0.0.1", port 1 failed', 'connection to server at "127.0.0.1", port 1 failed'),
    ("p", "password=p user=u", "password=*** user=u"),
    ("p", "postgresql://u:p@h/db", "postgresql://u:***@h/db"),
    ("pw1", "accepting TCP/IP on pw1 and pw12", "accepting TCP/IP on *** and pw12"),
    ("hemmelig-passord", "login failed: xhemmelig-passordx", "login failed: x***x"),
    ("s3cr3t passord", "auth s3cr3t%20passord refused", "auth *** refused"),  # %-encoded too
    ("", "nothing to mask", "nothing to mask"),
])
def test_the_log_masks_secrets_as_tokens_or_wherever(secret, line, expected):
    f = SecretFilter()
    f.add(secret)
    assert f.scrub(line) == expected
