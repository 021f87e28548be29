"""The block-at-a-time line reader gives the lines a line-at-a-time reader with a limit gives:
same cuts of long lines, same endings, same budget, same decoding (BOMs, cp1252, broken UTF-8)."""

from __future__ import annotations

import io
import random
from dataclasses import replace

import pytest

from scanner.formats import text as text_mod
from scanner.formats.limits import Limits
from scanner.formats.streams import CHUNK, Chain, read_upto
from scanner.formats.text import choose_encoding, iter_lines


def reference(stream, limits):
    """The reader before: BufferedReader.readline with the line limit, the rest skipped."""
    head = read_upto(stream, CHUNK)
    encoding = choose_encoding(head, complete=len(head) < CHUNK)
    buf = io.BufferedReader(Chain(head, stream), CHUNK)
    budget = limits.max_bytes
    while budget > 0:
        line = buf.readline(min(limits.max_line_bytes, budget))
        if not line:
            return
        budget -= len(line)
        if not line.endswith(b"\n"):
            while budget > 0 and (rest := buf.readline(min(CHUNK, budget))):
                budget -= len(rest)
                if rest.endswith(b"\n"):
                    line += b"\n"
                    break
        yield line.decode(encoding, errors="replace")


PIECES = [b"kunde 15076500565 ", "æøå ".encode(), "æøå ".encode("cp1252"), b"\xc3", b"\xef\xbb\xbf", b"\r\n", b"\n",
          b"\n\n", b"x" * 50, b"a=b ", b"\t", b"\x00", "€".encode()]


def _data(rnd: random.Random) -> bytes:
    out = bytearray()
    for _ in range(rnd.randint(0, 400)):
        piece = rnd.choice(PIECES)
        out += piece * (rnd.randint(20, 200) if rnd.random() < 0.03 else 1)
    return bytes(out)


@pytest.mark.parametrize("seed", range(120))
def test_block_reader_equals_line_reader(seed, monkeypatch):
    rnd = random.Random(seed)
    monkeypatch.setattr(text_mod, "LINE_BLOCK", rnd.choice([7, 64, 1000, 1 << 20]))
    data = _data(rnd)
    limits = replace(Limits(), max_line_bytes=rnd.choice([5, 40, 300, 1 << 20]),
                     max_bytes=rnd.choice([len(data) // 2 + 1, len(data) + 10, 1 << 40]))
    assert list(iter_lines(io.BytesIO(data), limits)) == list(reference(io.BytesIO(data), limits))


@pytest.mark.parametrize("data", [b"", b"\n", b"a", b"a\n", b"a\nb", b"\xef\xbb\xbfa\n\xef\xbb\xbfb\n",
                                  "søk æøå\n".encode("cp1252") * 3, b"x" * 5000 + b"\ny\n", b"\r\n\r\n"])
def test_edges(data):
    limits = replace(Limits(), max_line_bytes=100)
    assert list(iter_lines(io.BytesIO(data), limits)) == list(reference(io.BytesIO(data), limits))
