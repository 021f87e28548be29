import spacy

from detectors import nlp


def test_blank_pipeline_fills_lemmas_and_loads_by_path():
    model, has_ner = nlp.resolve_model("blank")
    assert has_ner is False
    pipeline = spacy.load(nlp.model_path(model))
    doc = pipeline("Kontonr: 1234.56.78903")
    assert [t.lemma_ for t in doc][:2] == ["kontonr", ":"]


def test_unknown_model_is_a_clear_error(tmp_path):
    import pytest

    with pytest.raises(ValueError, match="never downloads"):
        nlp.resolve_model("nb_core_news_xx")


def test_a_real_model_by_path_brings_ner(tmp_path):
    """A pipeline with named entities (here a rule-based one, saved to disk) is used for PERSON."""
    from detectors.engine import Engine

    pipeline = spacy.blank("nb")
    ruler = pipeline.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PER", "pattern": [{"LOWER": "zyxwa"}, {"LOWER": "qwertysen"}]}])
    pipeline.add_pipe(nlp.LEMMA_COMPONENT)
    path = tmp_path / "model"
    pipeline.to_disk(path)
    engine = Engine(detectors=["no_fodselsnummer"], model=str(path))
    assert engine.ner_recognizer is not None
    found = engine.analyze_text("Saken gjelder Zyxwa Qwertysen fra Bergen", threshold=0.5)
    assert [(d.entity_type, d.text) for d in found] == [("PERSON", "Zyxwa Qwertysen")]
