"""A small Presidio pipeline for one recognizer, so tests see context words work as in the engine."""

import pytest
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import SpacyNlpEngine

from detectors import nlp, offline
from detectors.recognizers.adapter import presidio_recognizer
from detectors.recognizers.base import LANGUAGE


@pytest.fixture(scope="session")
def in_text():
    """in_text(recognizer, text) -> [(matched text, score)] after context enhancement.

    The enhancer settings are the engine's (+0.35, floor 0.4, 6 tokens before, 2 after),
    repeated here so these tests do not depend on the whole engine.
    """
    offline.install()
    model = {"lang_code": LANGUAGE, "model_name": str(nlp.blank_pipeline_path())}
    nlp_engine = SpacyNlpEngine(models=[model])
    analyzers = {}

    def run(recognizer, text):
        analyzer = analyzers.get(id(recognizer))
        if analyzer is None:
            registry = RecognizerRegistry(supported_languages=[LANGUAGE])
            registry.add_recognizer(presidio_recognizer(recognizer))
            analyzer = analyzers[id(recognizer)] = AnalyzerEngine(
                registry=registry,
                nlp_engine=nlp_engine,
                supported_languages=[LANGUAGE],
                context_aware_enhancer=LemmaContextAwareEnhancer(
                    context_similarity_factor=0.35,
                    min_score_with_context_similarity=0.4,
                    context_prefix_count=6,
                    context_suffix_count=2,
                ),
            )
        results = analyzer.analyze(text, language=LANGUAGE, score_threshold=0)
        return sorted((text[r.start : r.end], round(r.score, 4)) for r in results)

    return run
