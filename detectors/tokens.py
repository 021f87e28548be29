"""spaCy's tokenizer, without importing spaCy: the words around a match, for context words.

Presidio finds context words among the lemmas of the tokens near a match (a blank pipeline's
lemma is the lower-cased token). Importing spaCy costs more than a second, so the engine
tokenizes the way spaCy's tokenizer does (the algorithm of `Tokenizer.explain`, plus spaCy's
whitespace tokens) with the installed spaCy's own rules: its prefix, suffix and infix
expressions, URL match, special cases and the language's stop words. The rules are read out of
spaCy once per installation and kept in the cache directory; tests hold the tokens and the
context windows to spaCy's on the quality corpora.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

from detectors import pattern_ends
from detectors.paths import cache_dir, readable, write_cached

LANGUAGE = "nb"
RULES_VERSION = 2  # of the file's layout (2: with the suffix and infix bounds)


class Token(NamedTuple):  # a tuple: one is made per word of every line with a match
    text: str
    idx: int


def _export(path: Path) -> dict:
    """The tokenizer rules of the installed spaCy's blank pipeline (imports spaCy: ~1 s, once)."""
    import spacy

    nlp = spacy.blank(LANGUAGE)
    tok = nlp.tokenizer
    rules = {
        "version": RULES_VERSION,
        "spacy": spacy.__version__,
        "prefix": tok.prefix_search.__self__.pattern if tok.prefix_search else None,
        "suffix": tok.suffix_search.__self__.pattern if tok.suffix_search else None,
        "infix": tok.infix_finditer.__self__.pattern if tok.infix_finditer else None,
        "token_match": tok.token_match.__self__.pattern if tok.token_match else None,
        "url_match": tok.url_match.__self__.pattern if tok.url_match else None,
        "special": {orth: [piece[65] for piece in pieces] for orth, pieces in tok.rules.items()},
        "stop_words": sorted(nlp.Defaults.stop_words),
    }
    rules["bounds"] = pattern_ends.bounds(rules["suffix"], rules["infix"])
    write_cached(path, json.dumps(rules, ensure_ascii=False).encode("utf-8"))  # read-only home: exported again
    return rules


def spacy_version() -> str:
    try:
        return metadata.version("spacy")
    except metadata.PackageNotFoundError:
        return "none"


@lru_cache(maxsize=1)
def rules() -> dict:
    path = cache_dir() / f"tokenizer-{LANGUAGE}-spacy-{spacy_version()}-v{RULES_VERSION}.json"
    try:
        data = json.loads(readable(path).read_text(encoding="utf-8"))
        if data.get("version") == RULES_VERSION:
            known = pattern_ends.kept(data.get("bounds"), data["suffix"], data["infix"])
            if known is not data.get("bounds"):  # kept by an earlier reading: kept again as read now
                data["bounds"] = known
                write_cached(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
            return data
    except (OSError, ValueError, KeyError):
        pass
    return _export(path)


_NEVER = re.compile("a^")
_RUNS = re.compile(r"\s+|\S+")
MAX_CACHED = 100_000  # chunks whose tokens are kept (words repeat: log vocabularies, column values)


def _compiled(pattern: str | None) -> re.Pattern:
    return re.compile(pattern) if pattern else _NEVER


class Tokenizer:
    """Tokens as spaCy's `nlp.tokenizer(text)` makes them (text and offset), whitespace
    tokens included (they count in Presidio's context window)."""

    def __init__(self, data: dict | None = None):
        data = data or rules()
        self.prefix = _compiled(data["prefix"]).search
        known = pattern_ends.kept(data.get("bounds"), data["suffix"], data["infix"])
        # most words end with no character a suffix ends with: those are not searched at all
        self.suffix = pattern_ends.searcher(data["suffix"], ends=known["suffix_ends"]) if data["suffix"] \
            else _NEVER.search
        # nor is a word without a character an infix starts with
        self.infix = pattern_ends.finder(data["infix"], starts=known["infix_starts"]) if data["infix"] \
            else _NEVER.finditer
        self.token_match = _compiled(data["token_match"]).match
        self.url_match = _compiled(data["url_match"]).match
        self.special: dict[str, list[str]] = data["special"]
        self.stop_words = frozenset(data["stop_words"])
        self._cache: dict[str, tuple[str, ...]] = {}
        self._keywords: dict[str, bool] = {}

    def __call__(self, text: str) -> list[Token]:
        out: list[Token] = []
        pieces = self._cache
        for m in _RUNS.finditer(text):
            i, chunk = m.start(), m.group()
            if chunk[0].isspace():
                # spaCy: one space after a token belongs to it; any other whitespace is a token.
                start = 1 if (i > 0 and chunk[0] == " ") else 0
                if start < len(chunk):
                    out.append(Token(chunk[start:], i + start))
                continue
            found = pieces.get(chunk)
            if found is None:
                if len(pieces) >= MAX_CACHED:
                    pieces.clear()
                found = pieces[chunk] = self._pieces(chunk)
            for piece in found:
                out.append(Token(piece, i))
                i += len(piece)
        return out

    def _pieces(self, substring: str) -> tuple[str, ...]:
        """One whitespace-free chunk's tokens (spaCy caches them per chunk too)."""
        pieces: list[str] = []
        suffixes: list[str] = []
        special = self.special
        asked = [None, None]  # the last text the suffix expression was searched in, and the answer

        def suffix(text: str):  # asked again for the same text by the loop below: searched once
            if asked[0] != text:
                asked[0], asked[1] = text, self.suffix(text)
            return asked[1]

        while substring:
            if substring in special:
                pieces.extend(special[substring])
                substring = ""
                continue
            while self.prefix(substring) or suffix(substring):
                if self.token_match(substring):
                    pieces.append(substring)
                    substring = ""
                    break
                if substring in special:
                    pieces.extend(special[substring])
                    substring = ""
                    break
                m = self.prefix(substring)
                if m:
                    split = m.end()
                    if split == 0:
                        break
                    pieces.append(substring[:split])
                    substring = substring[split:]
                    if substring in special:
                        continue
                m = suffix(substring)
                if m:
                    split = m.start()
                    if split == len(substring):
                        break
                    suffixes.append(substring[split:])
                    substring = substring[:split]
            if not substring:
                continue
            if self.token_match(substring) or self.url_match(substring):
                pieces.append(substring)
            elif substring in special:
                pieces.extend(special[substring])
            else:
                infixes = list(self.infix(substring))
                if infixes:
                    at = 0
                    for m in infixes:
                        if at == 0 and m.start() == 0:
                            continue
                        if substring[at : m.start()]:
                            pieces.append(substring[at : m.start()])
                        if substring[m.start() : m.end()]:
                            pieces.append(substring[m.start() : m.end()])
                        at = m.end()
                    if substring[at:]:
                        pieces.append(substring[at:])
                else:
                    pieces.append(substring)
            substring = ""
        pieces.extend(reversed(suffixes))
        if len(pieces) > 1:
            pieces = self._merge_special(pieces)
        return tuple(pieces)

    def _merge_special(self, pieces: list[str]) -> list[str]:
        """spaCy matches special cases again across the pieces affixes split ("ms):" is "ms",
        "):", the emoticon, not "ms", ")", ":"): the longest run of pieces that spells one wins."""
        out: list[str] = []
        i, n = 0, len(pieces)
        while i < n:
            for j in range(n, i + 1, -1):
                joined = "".join(pieces[i:j])
                if joined in self.special:
                    out.extend(self.special[joined])
                    i = j
                    break
            else:
                out.append(pieces[i])
                i += 1
        return out

    # -- Presidio's context window -----------------------------------------------------------
    def is_keyword(self, lemma: str) -> bool:
        known = self._keywords.get(lemma)
        if known is None:
            if len(self._keywords) >= MAX_CACHED:
                self._keywords.clear()
            known = self._keywords[lemma] = not (
                lemma in self.stop_words or _is_punct(lemma) or lemma in ("-PRON-", "be"))
        return known


def _is_punct(text: str) -> bool:
    return all(unicodedata.category(c).startswith("P") for c in text)


class Window:
    """The words Presidio's `LemmaContextAwareEnhancer` looks at around a match: `prefix`
    keywords before the token where the match starts (that token included) and `suffix` after."""

    def __init__(self, tokenizer: Tokenizer, text: str, prefix: int, suffix: int):
        self.tokens = tokenizer(text)
        self.lemmas = [t.text.lower() for t in self.tokens]
        keywords: set[str] = set()
        for lemma in self.lemmas:
            if tokenizer.is_keyword(lemma):
                keywords.update(lemma.split(":"))
        self.keywords = keywords
        self.prefix = prefix
        self.suffix = suffix

    def around(self, start: int) -> list[str]:
        tokens = self.tokens
        if not tokens:
            return [""]
        index = None
        for i, token in enumerate(tokens):
            if token.idx == start or start < token.idx + len(token.text):
                index = i
                break
        if index is None:
            raise ValueError(f"no token at offset {start}")
        words = self._collect(index, self.prefix, -1) + self._collect(index, self.suffix, 1)
        return list(dict.fromkeys(words))

    def _collect(self, index: int, n: int, step: int) -> list[str]:
        out: list[str] = []
        remaining = n + 1  # the match's own token counts too (Presidio: "attached" words)
        i = index
        lemmas, keywords = self.lemmas, self.keywords
        while 0 <= i < len(lemmas) and remaining > 0:
            if lemmas[i] in keywords:
                out.append(lemmas[i])
                remaining -= 1
            i += step
        return out
