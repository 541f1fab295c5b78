"""The custom NLU components, run the way Rasa runs them."""
import numpy as np
import pytest
import spacy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from miss_nlp import PIPELINE_PACKAGE
from miss_nlp.components import BlendedIntentClassifier, RedFlagDetector, blend
from miss_nlp.linear_intents import LinearIntentModel


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(PIPELINE_PACKAGE)


def message(nlp, text, intent=None, ranking=None):
    msg = Message(data={TEXT: text})
    msg.set(SPACY_DOCS[TEXT], nlp(text.lower()))
    if intent:
        msg.set("intent", intent)
    if ranking is not None:
        msg.set("intent_ranking", ranking)
    return msg


@pytest.fixture
def context():
    return ExecutionContext(GraphSchema({}), "test")


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def test_red_flag_overrides_a_confident_faq_answer(nlp, storage, context):
    detector = RedFlagDetector.create({}, storage, Resource("red"), context)
    msg = message(nlp, "since my op I can't control my bladder, how long is recovery?",
                  intent={"name": "recovery_time", "confidence": 0.99},
                  ranking=[{"name": "recovery_time", "confidence": 0.99}])
    detector.process([msg])
    assert msg.get("intent") == {"name": "emergency", "confidence": 1.0}
    assert msg.get("intent_ranking")[0]["name"] == "emergency"
    assert {"entity": "red_flag", "value": "bladder_bowel"}.items() <= msg.get("entities")[0].items()


def test_emergency_seen_only_by_the_classifier_is_named_unspecified(nlp, storage, context):
    detector = RedFlagDetector.create({}, storage, Resource("red"), context)
    msg = message(nlp, "please help quickly", intent={"name": "emergency", "confidence": 0.8})
    detector.process([msg])
    assert msg.get("entities")[0]["value"] == "unspecified"


def test_red_flag_leaves_ordinary_questions_alone(nlp, storage, context):
    detector = RedFlagDetector.create({}, storage, Resource("red"), context)
    msg = message(nlp, "how long is recovery?", intent={"name": "recovery_time", "confidence": 0.9})
    detector.process([msg])
    assert msg.get("intent")["name"] == "recovery_time"
    assert not msg.get("entities")


def test_blend_averages_two_rankings():
    ranking = blend([{"name": "a", "confidence": 0.8}, {"name": "b", "confidence": 0.2}],
                    {"a": 0.2, "b": 0.6, "c": 0.2}, weight=0.5)
    assert [(e["name"], round(e["confidence"], 2)) for e in ranking] == [
        ("a", 0.5), ("b", 0.4), ("c", 0.1)]


TRAINING = {
    "recovery_time": ["how long is recovery", "when can i walk again", "healing time after",
                      "how soon back to normal"],
    "cost": ["how much does it cost", "is it expensive", "will insurance pay", "price please"],
    "greet": ["hello", "hi there", "good morning", "hey"],
}


def training_data(nlp):
    return TrainingData([message(nlp, text, intent=intent)
                         for intent, texts in TRAINING.items() for text in texts])


def test_blended_classifier_learns_persists_and_loads(nlp, storage, context):
    resource = Resource("blended")
    config = {"weight": 1.0}
    trained = BlendedIntentClassifier.create(config, storage, resource, context)
    trained.train(training_data(nlp))
    loaded = BlendedIntentClassifier.load(config, storage, resource, context)

    for classifier in (trained, loaded):
        msgs = [message(nlp, "how much will it cost me"), message(nlp, "hi!")]
        classifier.process(msgs)
        assert [m.get("intent")["name"] for m in msgs] == ["cost", "greet"]


def test_linear_model_round_trips_without_pickle(nlp, tmp_path):
    texts = [t for ts in TRAINING.values() for t in ts]
    labels = [i for i, ts in TRAINING.items() for _ in ts]
    model = LinearIntentModel.fit(texts, texts, labels)
    model.save(tmp_path)
    again = LinearIntentModel.load(tmp_path)
    probe = ["what is the price", "when will i heal"]
    np.testing.assert_allclose(model.predict_proba(probe, probe), again.predict_proba(probe, probe))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linear_intents.json", "linear_intents.npz"]
