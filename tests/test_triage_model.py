"""The triage model (miss_nlp/triage/model.py): its training pairs, its view of a long
message, and how its say is combined with the rules'."""
import pytest

from miss_config.paths import TRIAGE_PHRASINGS_DIR
from miss_nlp.triage import model as triage_model
from miss_nlp.triage.model import ACUTE, AFTER_SURGERY, CRISIS, ORDINARY, decision

THRESHOLDS = dict(acute_threshold=0.65, after_surgery_threshold=0.7, ordinary_threshold=0.7)


def sure(**probabilities):
    return {ACUTE: 0.0, AFTER_SURGERY: 0.0, ORDINARY: 0.0, **probabilities}


@pytest.mark.parametrize("p", [sure(ordinary=1.0), sure(after_surgery=1.0), {}])
def test_the_model_never_talks_anyone_out_of_an_emergency_the_rules_found(p):
    assert decision(ACUTE, p, **THRESHOLDS) == ACUTE


@pytest.mark.parametrize("rules", [None, AFTER_SURGERY])
def test_the_model_sure_of_an_emergency_makes_one(rules):
    assert decision(rules, sure(acute=0.85, ordinary=0.15), **THRESHOLDS) == ACUTE
    assert decision(rules, sure(acute=0.6, ordinary=0.4), **THRESHOLDS) != ACUTE


def test_a_recovery_report_the_model_is_sure_is_a_general_question_is_answered_as_one():
    assert decision(AFTER_SURGERY, sure(ordinary=0.75, after_surgery=0.25), **THRESHOLDS) is None
    assert decision(AFTER_SURGERY, sure(ordinary=0.6, after_surgery=0.4),
                    **THRESHOLDS) == AFTER_SURGERY


def test_a_patient_asking_what_to_do_or_why_about_their_own_report_stays_with_the_surgeon():
    assert decision(AFTER_SURGERY, sure(ordinary=0.75, after_surgery=0.25), **THRESHOLDS,
                    asks_about_own_symptoms=True) == AFTER_SURGERY


def test_the_model_sure_of_a_recovery_report_sends_it_to_the_surgeons_team():
    assert decision(None, sure(after_surgery=0.72, ordinary=0.28), **THRESHOLDS) == AFTER_SURGERY
    assert decision(None, sure(after_surgery=0.6, ordinary=0.4), **THRESHOLDS) is None


def test_without_the_model_the_rules_decide_alone():
    assert decision(None, {}, **THRESHOLDS) is None
    assert decision(AFTER_SURGERY, {}, **THRESHOLDS) == AFTER_SURGERY


def test_nlu_examples_become_the_three_classes_and_greetings_are_ordinary():
    # Left out, greetings were unknown to the model, and "hi i have a question" read as
    # an emergency (0.66 against the 0.65 threshold).
    pairs = triage_model.from_intents([("cant feel my legs", "emergency"),
                                       ("wound itchy since the op", "after_surgery_concern"),
                                       ("how much does it cost", "cost"),
                                       ("hello", "greet"), ("thanks", "thank"),
                                       ("/message_too_long", "message_too_long")])
    assert pairs == [("cant feel my legs", ACUTE), ("wound itchy since the op", AFTER_SURGERY),
                     ("how much does it cost", ORDINARY), ("hello", ORDINARY),
                     ("thanks", ORDINARY)]


def test_every_tuning_phrasing_trains_the_model_under_its_section_and_crises_apart():
    pairs = triage_model.phrasings(TRIAGE_PHRASINGS_DIR)
    classes = {label for _, label in pairs}
    assert classes == {ACUTE, CRISIS, AFTER_SURGERY, ORDINARY}
    assert len(pairs) > 2500


def test_a_crisis_is_learned_apart_and_read_back_as_an_emergency(tmp_path):
    (tmp_path / "tuning_1.yml").write_text(
        "acute:\n"
        "  - text: i have a fever of 39\n    kinds: [fever]\n"
        "  - text: no point going on\n    kinds: [crisis, severe_pain]\n"
        "ordinary:\n  - text: how much does it cost\n    topic: cost\n", "utf-8")
    pairs = triage_model.phrasings(tmp_path)
    assert pairs == [("i have a fever of 39", ACUTE), ("no point going on", CRISIS),
                     ("how much does it cost", ORDINARY)]
    model = triage_model.fit(pairs * 3)
    p = triage_model.probabilities(model, "there is no point going on")
    assert set(p) == {ACUTE, ORDINARY}
    assert max(p, key=p.get) == ACUTE
    assert abs(sum(p.values()) - 1.0) < 1e-9


def test_crises_weigh_as_the_rest_of_the_acute_section_and_each_section_as_much_in_all():
    labels = [ACUTE] * 10 + [CRISIS] * 10 + [AFTER_SURGERY] * 20 + [ORDINARY] * 60
    weights = triage_model.class_weights(labels)
    assert weights[CRISIS] == weights[ACUTE]
    total = {section: sum(weights[label] for label in labels
                          if label == section or (section == ACUTE and label == CRISIS))
             for section in (ACUTE, AFTER_SURGERY, ORDINARY)}
    assert len({round(weight, 9) for weight in total.values()}) == 1, total


def test_a_long_message_is_read_by_its_opening_and_its_end():
    short = "My wound is leaking"
    assert triage_model.model_view(short) == short.lower()
    story = "a" * 5000 + " AND NOW I CANNOT FEEL MY LEGS"
    view = triage_model.model_view("My back op was in May. " + story)
    assert len(view) < 3100
    assert view.startswith("my back op was in may") and view.endswith("cannot feel my legs")


def test_a_changed_phrasing_file_changes_the_fingerprint_so_rasa_trains_again(tmp_path):
    (tmp_path / "tuning_1.yml").write_text("acute:\n  - text: help\n", "utf-8")
    before = triage_model.fingerprint(tmp_path)
    assert before == triage_model.fingerprint(tmp_path)
    (tmp_path / "tuning_1.yml").write_text("acute:\n  - text: help me\n", "utf-8")
    assert triage_model.fingerprint(tmp_path) != before


def test_the_fitted_model_reads_new_wording_by_what_it_learned():
    pairs = ([(f"my {w} is swollen and red since this morning", ACUTE)
              for w in ("calf", "leg", "ankle", "shin", "knee")]
             + [(f"is {w} swelling normal after surgery in general", ORDINARY)
                for w in ("calf", "leg", "ankle", "shin", "knee")]
             + [(f"my {w} itches a bit since the op", AFTER_SURGERY)
                for w in ("scar", "wound", "cut", "incision", "dressing")])
    model = triage_model.fit(pairs)
    p = triage_model.probabilities(model, "My foot is swollen and red since this morning")
    assert max(p, key=p.get) == ACUTE
    assert abs(sum(p.values()) - 1.0) < 1e-9
