"""Triage as served (NLU, rules and NLG in-process) on phrasings written blind to the rules.

The tuning sets were tuned on, so they must stay at their targets (tuning 5, once
reported as "batch 3", was tuned on in round 5; tuning 6, once "batch 4", in round 6).
The untouched set and batches 5 and 6 were never looked at; their figures are printed (README,
"Triage"), and the floors below only catch a regression from what was measured, they
are not targets.
"""
import pytest

from assistant.evaluate_triage import PARTS, TUNING, evaluate

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def scores(trained_model):
    return evaluate(trained_model)


@pytest.mark.parametrize("part", list(TUNING))
def test_tuned_sets_keep_every_target(scores, part):
    score = scores[part]
    share = score.share
    assert share(score.acute) == 1.0, score.misses
    assert share(score.crisis_line) == 1.0, score.misses
    # The target is 95%; the rules and the classifier reach 76-90% (README, "Triage").
    assert share(score.after_surgery) >= 0.74, score.misses
    assert share(score.ordinary_answered) >= 0.98, score.misses


@pytest.mark.parametrize("part", [p for p in PARTS if p not in TUNING])
def test_sets_never_tuned_on_do_not_fall_below_what_was_measured(scores, part):
    score = scores[part]
    floors = FLOORS[part]
    for measure, floor in floors.items():
        assert score.share(getattr(score, measure)) >= floor, (part, measure, score.rows())


# Measured on the final model (README), less about two messages' worth.
FLOORS = {
    # measured: 95.9% (47/49), 100% (17/17), 84.0% (21/25), 94.0% (63/67)
    "untouched": {"acute": 0.91, "crisis_line": 0.88, "after_surgery": 0.76,
                  "ordinary_answered": 0.91},
    # measured: 96.5% (138/143), 96.6% (56/58), 86.7% (65/75), 95.3% (181/190)
    "batch 5": {"acute": 0.95, "crisis_line": 0.93, "after_surgery": 0.84,
                "ordinary_answered": 0.94},
    # measured: 91.7% (133/145), 88.7% (55/62), 78.8% (63/80), 95.7% (176/184)
    "batch 6": {"acute": 0.90, "crisis_line": 0.85, "after_surgery": 0.76,
                "ordinary_answered": 0.94},
}
