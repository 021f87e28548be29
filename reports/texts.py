"""The report's language: `--lang nb|en`, else KARTLEGG_LANG, else the locale (nb, nn or no → bokmål),
else English. Texts live in reports.texts_nb and reports.texts_en; a key missing from one falls back
to English, an entity type missing from both to its raw name."""

from __future__ import annotations

import os

from reports import texts_en, texts_nb

LANGS = ("nb", "en")
_TABLES = {"nb": texts_nb, "en": texts_en}


def default_lang(env=None) -> str:
    env = os.environ if env is None else env
    chosen = (env.get("KARTLEGG_LANG") or "").strip().lower()
    if chosen in LANGS:
        return chosen
    # the first locale variable that is set decides, as for gettext
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = (env.get(var) or "").lower()
        if value:
            return "nb" if value.startswith(("nb", "nn", "no")) else "en"
    return "en"


class Texts:
    def __init__(self, lang: str | None = None):
        self.lang = lang if lang in LANGS else default_lang()
        self._m = _TABLES[self.lang]

    def __call__(self, key: str, **args) -> str:
        text = self._m.TEXT.get(key, texts_en.TEXT[key])
        if isinstance(text, tuple):
            text = text[0]
        return text.format(**args) if args else text

    def n(self, count: int, key: str) -> str:
        """`count` and the word in the form that agrees with it: 1 lokasjon, 2 lokasjoner."""
        one, many = self._m.TEXT.get(key, texts_en.TEXT[key])
        return f"{count} {one if count == 1 else many}"

    def entity(self, entity_type: str | None) -> str:
        if not entity_type:
            return ""
        return self._m.ENTITIES.get(entity_type) or texts_en.ENTITIES.get(entity_type) or entity_type

    def category(self, cat: str) -> str:
        return self._m.CATEGORIES.get(cat, cat)

    def change(self, kind: str) -> str:
        return self._m.CHANGES.get(kind, kind)

    def kind(self, kind: str) -> str:
        return self._m.KINDS.get(kind, kind)

    def status(self, state: str) -> str:
        return self._m.STATUS.get(state, state)

    def exit(self, code) -> str:
        return self._m.EXIT.get(code, self("unknown"))

    def interrupted(self, signal: str) -> str:
        return self._m.INTERRUPTED.format(signal=signal)

    def reason(self, text: str) -> str:
        """A reason the scanner gave, in this language where its beginning is known; what follows
        the known beginning (a format, a file's own message) is kept in brackets."""
        for key in sorted(self._m.REASONS, key=len, reverse=True):
            # a whole beginning only: "empty" is not the start of "empty directory: …", which
            # would read half in one language and half in the other
            if text.startswith(key) and (len(text) == len(key) or text[len(key)] in ":(" or
                                         text[len(key):].startswith(" (")):
                rest = text[len(key):].lstrip(": ").strip()
                if rest.startswith("(") and rest.endswith(")"):
                    rest = rest[1:-1]
                return self._m.REASONS[key] + (f" ({rest})" if rest else "")
        return text

    def meaning(self, text: str) -> str:
        return self._m.MEANINGS.get(text, text)

    def number(self, value: float, digits: int = 2) -> str:
        out = f"{value:.{digits}f}"
        return out.replace(".", ",") if self.lang == "nb" else out


__all__ = ["LANGS", "Texts", "default_lang"]
