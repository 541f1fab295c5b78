"""The custom NLU components, run the way Rasa runs them."""
import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from miss_nlp import triage
from miss_nlp.components import Triage, decide
from miss_nlp.topic_classifier import BlendedIntentClassifier, blend
from miss_nlp.linear_intents import LinearIntentModel


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


def triage_component(storage, context):
    return Triage.create({"max_message_chars": 1000}, storage, Resource("triage"), context)


def test_red_flag_overrides_a_confident_faq_answer(nlp, storage, context):
    msg = message(nlp, "since my op I can't control my bladder, how long is recovery?",
                  intent={"name": "recovery_time", "confidence": 0.99},
                  ranking=[{"name": "recovery_time", "confidence": 0.99}])
    triage_component(storage, context).process([msg])
    assert msg.get("intent") == {"name": "emergency", "confidence": 1.0}
    assert msg.get("intent_ranking")[0]["name"] == "emergency"
    assert {"entity": "red_flag", "value": "bladder_bowel"}.items() <= msg.get("entities")[0].items()


def test_every_red_flag_is_an_entity_most_urgent_first(nlp, storage, context):
    msg = message(nlp, "I have a fever and my wound is oozing pus and I want to kill myself",
                  intent={"name": "emergency", "confidence": 0.9})
    triage_component(storage, context).process([msg])
    assert [e["value"] for e in msg.get("entities") if e["entity"] == "red_flag"] == [
        "crisis", "fever", "wound"]


def test_a_sure_emergency_seen_only_by_the_classifier_is_named_unspecified(nlp, storage, context):
    msg = message(nlp, "please help quickly", intent={"name": "emergency", "confidence": 0.95})
    triage_component(storage, context).process([msg])
    assert msg.get("intent")["name"] == "emergency"
    assert msg.get("entities")[0]["value"] == "unspecified"


@pytest.mark.parametrize("text", ["and", "and so on", "this one"])
def test_a_message_with_no_word_of_content_is_no_emergency_however_sure_the_classifier(
        nlp, storage, context, text):
    ranking = [{"name": "emergency", "confidence": 0.99}, {"name": "out_of_scope",
                                                           "confidence": 0.01}]
    msg = message(nlp, text, intent=ranking[0], ranking=ranking)
    triage_component(storage, context).process([msg])
    assert msg.get("intent")["name"] == "out_of_scope"


def test_an_unsure_classifier_emergency_gives_way_to_the_next_intent(nlp, storage, context):
    ranking = [{"name": "emergency", "confidence": 0.4}, {"name": "risks_complications",
                                                          "confidence": 0.35}]
    msg = message(nlp, "'; DROP TABLE events; --", intent=ranking[0], ranking=ranking)
    triage_component(storage, context).process([msg])
    assert msg.get("intent")["name"] == "risks_complications"


def test_a_red_flag_named_in_a_question_keeps_the_topic_and_is_noted(nlp, storage, context):
    ranking = [{"name": "conditions_treated", "confidence": 0.7}]
    msg = message(nlp, "Can MISS help with leg weakness from a herniated disc?",
                  intent=ranking[0], ranking=ranking)
    triage_component(storage, context).process([msg])
    assert msg.get("intent")["name"] == "conditions_treated"
    assert [(e["entity"], e["value"]) for e in msg.get("entities")] == [
        ("red_flag_mention", "leg_weakness")]


def test_own_recovery_goes_to_the_surgeons_team(nlp, storage, context):
    ranking = [{"name": "pain", "confidence": 0.9}]
    msg = message(nlp, "I still feel numbness in my foot since the operation, is that normal?",
                  intent=ranking[0], ranking=ranking)
    triage_component(storage, context).process([msg])
    assert msg.get("intent")["name"] == "after_surgery_concern"


SURE_IT_IS_A_RECOVERY = {"acute": 0.02, "after_surgery": 0.9, "ordinary": 0.08}
CONFIG = {**Triage.get_default_config(), "max_message_chars": 1000}


def decided_with_a_sure_recovery(nlp, text, topic="recovery_time", confidence=0.6):
    """The triage decision on ``text``, the classifier ``confidence`` sure of ``topic`` and
    the triage model sure it is a recovery report."""
    ranking = [{"name": topic, "confidence": confidence}]
    msg = message(nlp, text, intent=ranking[0], ranking=ranking)
    decide(msg, triage.tokens_of(msg.get(SPACY_DOCS[TEXT])), CONFIG, SURE_IT_IS_A_RECOVERY)
    return msg


@pytest.mark.parametrize("text", [
    "I'm 67 and just retired, and my microdiscectomy is in January. How long is recovery "
    "in general, and how much pain am I going to be in those first weeks?",
    "I'm having the minimally invasive operation next month. How soon will I be back to "
    "my normal activities?",
    "My dad is booked for a minimally invasive fusion in March, how long will he be in hospital?",
    "A surgeon has mentioned an operation but I'm not ready to go there yet. What else can I try?",
])
def test_an_operation_still_ahead_gets_its_answer_whatever_the_model_thinks(nlp, text):
    msg = decided_with_a_sure_recovery(nlp, text)
    assert msg.get("intent")["name"] == "recovery_time"


def test_a_recovery_under_way_stays_with_the_surgeon_although_another_op_is_ahead(nlp):
    text = "3 weeks post op from my fusion and my second op is in March. Is this numbness normal?"
    msg = decided_with_a_sure_recovery(nlp, text)
    assert msg.get("intent")["name"] == "after_surgery_concern"


def test_a_long_message_is_checked_before_it_is_called_too_long(nlp, storage, context):
    story = "My back has been sore for years and I have tried many things. " * 20
    ranking = [{"name": "pain", "confidence": 0.9}]
    urgent = message(nlp, story + "And now I can't control my bladder.", ranking[0], ranking)
    plain = message(nlp, story + "What is MISS?", ranking[0], ranking)
    triage_component(storage, context).process([urgent, plain])
    assert urgent.get("intent")["name"] == "emergency"
    assert plain.get("intent")["name"] == "message_too_long"


def test_red_flag_leaves_ordinary_questions_alone(nlp, storage, context):
    msg = message(nlp, "how long is recovery?", intent={"name": "recovery_time", "confidence": 0.9})
    triage_component(storage, context).process([msg])
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


def general_topics_of(msg):
    return [e["value"] for e in msg.get("entities") or [] if e["entity"] == "general_topic"]


def test_a_recovery_question_about_how_it_goes_in_general_keeps_its_topic_for_the_answer(nlp):
    text = "Nine days since my MIS fusion. How long does recovery normally take for most people?"
    msg = decided_with_a_sure_recovery(nlp, text, confidence=0.8)
    assert msg.get("intent")["name"] == "after_surgery_concern"
    assert general_topics_of(msg) == ["recovery_time"]


@pytest.mark.parametrize("text,confidence", [
    # about a symptom of their own, however general the words
    ("Ten days since my discectomy. How long does the numbness in my toes usually last?", 0.8),
    ("Two weeks after my fusion the scar itches a lot. Is that normal?", 0.8),
    ("I had my decompression a month ago. Does that usually go away?", 0.8),
    # the general words in the story, not in the question
    ("Three weeks post op and walking normally, like most people. When can I lift my toddler?",
     0.8),
    # the classifier unsure of the topic
    ("Nine days since my MIS fusion. How long does recovery normally take for most people?",
     0.3),
])
def test_a_recovery_question_about_the_patient_alone_gets_the_advice_alone(nlp, text,
                                                                            confidence):
    msg = decided_with_a_sure_recovery(nlp, text, confidence=confidence)
    assert msg.get("intent")["name"] == "after_surgery_concern"
    assert general_topics_of(msg) == []
