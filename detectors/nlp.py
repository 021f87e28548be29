"""The spaCy pipeline behind Presidio, built without any download, and only when needed.

kartlegg's own text path (detectors.text) needs no spaCy at all. A pipeline is loaded where
Presidio's is used: a real Norwegian model, when one is installed (its named entities, PER,
LOC and ORG, are mapped to Presidio's), and the tests that hold the text path to Presidio's.
There, a blank Norwegian Bokmål pipeline is saved to a cache directory and loaded by path (a
path that exists makes Presidio skip spaCy's downloader), with a component that fills lemmas
so Presidio's context words can raise scores.
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path

from detectors.paths import cache_dir, readable
from detectors.tokens import LANGUAGE, spacy_version

NORWEGIAN_MODELS = ("nb_core_news_lg", "nb_core_news_md", "nb_core_news_sm")
LEMMA_COMPONENT = "kartlegg_lemmas"
BLANK = "blank"
MODEL_LABELS = {
    "PER": "PERSON",
    "PERSON": "PERSON",
    "LOC": "LOCATION",
    "GPE_LOC": "LOCATION",
    "GPE": "LOCATION",
    "ORG": "ORGANIZATION",
    "GPE_ORG": "ORGANIZATION",
}


def fill_lemmas(doc):
    # A blank pipeline leaves lemmas empty and Presidio's context enhancer compares lemmas.
    for token in doc:
        if not token.lemma_:
            token.lemma_ = token.lower_
    return doc


def register_lemma_component() -> None:
    """Make the lemma component known to spaCy (before a pipeline that names it is loaded)."""
    from spacy.language import Language

    if not Language.has_factory(LEMMA_COMPONENT):
        Language.component(LEMMA_COMPONENT, func=fill_lemmas)


def _is_package(name: str) -> bool:
    try:
        metadata.distribution(name)
        return True
    except metadata.PackageNotFoundError:
        return False


def installed_model() -> str | None:
    """The name of an installed Norwegian spaCy model, best first, or None."""
    return next((name for name in NORWEGIAN_MODELS if _is_package(name)), None)


def blank_pipeline_path() -> Path:
    """A saved blank `nb` pipeline with the lemma component, created on first use."""
    register_lemma_component()
    own = cache_dir() / f"spacy-{LANGUAGE}-blank-{spacy_version()}"
    path = readable(own)
    if not (path / "config.cfg").exists():
        path = own
        import spacy

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
    """(model: "blank", a package name or a path; has_ner). Imports nothing heavy."""
    model = model or os.environ.get("KARTLEGG_SPACY_MODEL") or installed_model()
    if not model or model == BLANK:
        return BLANK, False
    if not (_is_package(model) or Path(model).exists()):
        raise ValueError(
            f"spaCy model {model!r} is neither an installed package nor a directory; "
            "kartlegg never downloads models"
        )
    return model, True


def model_path(model: str) -> str:
    """What spaCy loads for `model`."""
    if model == BLANK:
        return str(blank_pipeline_path())
    register_lemma_component()
    return model
