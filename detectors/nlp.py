"""The spaCy pipeline behind Presidio, built without any download.

Default: a blank Norwegian Bokmål pipeline saved to a cache directory and loaded by path (a path
that exists makes Presidio skip spaCy's downloader), with a component that fills lemmas so
Presidio's context words can raise scores. If a real Norwegian model is installed, it is used,
and its named entities (PER, LOC, ORG) are mapped to Presidio's.
"""

from __future__ import annotations

import os
from pathlib import Path

import spacy
from spacy.language import Language

from detectors.recognizers.base import LANGUAGE

NORWEGIAN_MODELS = ("nb_core_news_lg", "nb_core_news_md", "nb_core_news_sm")
LEMMA_COMPONENT = "kartlegg_lemmas"
MODEL_LABELS = {
    "PER": "PERSON",
    "PERSON": "PERSON",
    "LOC": "LOCATION",
    "GPE_LOC": "LOCATION",
    "GPE": "LOCATION",
    "ORG": "ORGANIZATION",
    "GPE_ORG": "ORGANIZATION",
}


@Language.component(LEMMA_COMPONENT)
def fill_lemmas(doc):
    # A blank pipeline leaves lemmas empty and Presidio's context enhancer compares lemmas.
    for token in doc:
        if not token.lemma_:
            token.lemma_ = token.lower_
    return doc


def installed_model() -> str | None:
    """The name of an installed Norwegian spaCy model, best first, or None."""
    for name in NORWEGIAN_MODELS:
        if spacy.util.is_package(name):
            return name
    return None


def cache_dir() -> Path:
    base = os.environ.get("KARTLEGG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kartlegg"
    )
    return Path(base)


def blank_pipeline_path() -> Path:
    """A saved blank `nb` pipeline with the lemma component, created on first use."""
    path = cache_dir() / f"spacy-{LANGUAGE}-blank-{spacy.__version__}"
    if not (path / "config.cfg").exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        nlp = spacy.blank(LANGUAGE)
        nlp.add_pipe(LEMMA_COMPONENT)
        tmp = path.with_name(path.name + f".tmp{os.getpid()}")
        nlp.to_disk(tmp)
        try:
            tmp.rename(path)
        except OSError:  # another process won the race; its copy is identical
            pass
    return path


def resolve_model(model: str | None = None) -> tuple[str, bool]:
    """(model name or path, has_ner). `model` may be "blank", a package name or a path."""
    model = model or os.environ.get("KARTLEGG_SPACY_MODEL") or installed_model()
    if not model or model == "blank":
        return str(blank_pipeline_path()), False
    if not (spacy.util.is_package(model) or Path(model).exists()):
        raise ValueError(
            f"spaCy model {model!r} is neither an installed package nor a directory; "
            "kartlegg never downloads models"
        )
    return model, True
