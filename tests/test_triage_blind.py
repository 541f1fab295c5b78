"""Triage as served (NLU, rules and NLG in-process) on phrasings written blind to the rules.

The tuning sets were tuned on (tuning 5, once reported as "batch 3", in round 5;
tuning 6, once "batch 4", in round 6; tunings 7 and 8, once batches 5 and 6, in round 7;
tunings 9-11, once batches 7-9, in round 8; tuning 12, once batch 11, in round 9;
tuning 13, once batch 12, in round 10; tuning 14, once batch 13, in round 11; tuning 15,
once batch 14, in round 12; tuning 16, once batch 15, in round 13; tuning 17, batch 17,
written blind in round 13 as a development set; tuning 18, once batch 16, in round 14;
tuning 19, batch 19, written blind in round 14 as a development set; tuning 20, once batch
18, in round 15; tuning 21, batch 21, written blind in round 15 as a development set;
tuning 22, once batch 20, in round 16; tuning 23, batch 23, written blind in round 16 as a
development set; tuning 24, once batch 22, in round 17; tuning 25, batch 25, written blind
in round 17 as a development set; tuning 26, once batch 24, in round 18; tuning 27, batch
27, written blind in round 18 as a development set; tuning 28, batch 28, written blind in
round 18 as a second development set, mostly crises; tuning 29, once batch 26, in round
19; tuning 30, batch 30, written blind in round 19 as a development set of long
messages; tuning 31, batch 31, a second one leaning to crises and other languages;
tuning 32, once batch 29, in round 20; tuning 33, batch 33, written blind in round 20 as
a development set; tuning 34, once batch 32, in round 21; tunings 35 and 36, batches 36
and 37, written blind in round 21 as development sets, 37 leaning to recoveries; tuning
37, once batch 35, in round 22; tuning 38, batch 39, written blind in round 22 as a
development set; tuning 39, once batch 38, in round 23; tunings 40 and 41, batches 41
and 42, written blind in round 23 as development sets; tuning 42, once batch 40, in round
24; tuning 43, batch 44, written blind in round 24 as a development set) and train the
triage model, so they must stay at their targets. The untouched set and batches 10 and 43
were never looked at; their figures are printed (README, "Triage"), and the floors below
only catch a regression from what was measured, they are not targets.
"""
import pytest

from assistant.evaluate_triage import PARTS, TUNING, evaluate

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def scores(trained_model):
    return evaluate(trained_model)


# Emergencies of a tuning set that neither the rules nor the model catch, each named
# (strict: one that is caught again must leave this list). Round 13 named one of tuning
# 17 ("is it common to lose feeling in your bits and not be able to go? 3 days out"); the
# triage model has caught it since round 14's training.
KNOWN_MISSED: dict = {}


@pytest.mark.parametrize("part", list(TUNING))
def test_tuned_sets_keep_every_target(scores, part):
    score = scores[part]
    share = score.share
    missed = [m["text"] for m in score.misses if m["category"] == "acute"]
    known = KNOWN_MISSED.get(part, [])
    assert [t for t in missed if not any(t.startswith(k) for k in known)] == [], score.misses
    assert all(any(t.startswith(k) for t in missed) for k in known), "caught again: " + str(known)
    assert score.acute[0] == score.acute[1] - len(known), score.misses
    assert share(score.crisis_line) == 1.0, score.misses
    # The target is 95%; with the triage model, trained on these sets, they reach 95-100%.
    assert share(score.after_surgery) >= 0.93, score.misses
    assert share(score.ordinary_answered) >= 0.98, score.misses


@pytest.mark.parametrize("part", [p for p in PARTS if p not in TUNING])
def test_sets_never_tuned_on_do_not_fall_below_what_was_measured(scores, part):
    score = scores[part]
    floors = FLOORS[part]
    for measure, floor in floors.items():
        assert score.share(getattr(score, measure)) >= floor, (part, measure, score.rows())


# Measured on the final model (README), less about two messages' worth.
FLOORS = {
    # measured: 100% (49/49), 100% (17/17), 100% (25/25), 96.8% (60/62)
    "untouched": {"acute": 0.95, "crisis_line": 0.88, "after_surgery": 0.88,
                  "ordinary_answered": 0.91},
    # written blind at the start of round 8, scored twice then and on the final models of
    # rounds 9-23;
    # measured: 100% (158/158), 100% (72/72), 95.5% (85/89), 99.4% (174/175)
    "batch 10": {"acute": 0.98, "crisis_line": 0.97, "after_surgery": 0.93,
                 "ordinary_answered": 0.97},
    # written blind at the start of round 24, scored on round 23's final model and on
    # round 24's (the same both times);
    # measured: 98.7% (225/228), 97.8% (89/91), 94.0% (94/100), 99.2% (131/132)
    "batch 43": {"acute": 0.97, "crisis_line": 0.95, "after_surgery": 0.92,
                 "ordinary_answered": 0.97},
}
