"""Triage as served (NLU, rules and NLG in-process) on phrasings written blind to the rules.

The tuning sets were tuned on, so they must stay at their targets (tuning 5, once
reported as "batch 3", was tuned on from round 5). The untouched set and batch 4 were
never looked at; their figures are printed (README, "Triage"), and the floors below only catch a
regression from what was measured, they are not targets.
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
    # measured: 95.9% (47/49), 100% (17/17), 80.0% (20/25), 92.5% (62/67)
    "untouched": {"acute": 0.91, "crisis_line": 0.88, "after_surgery": 0.72,
                  "ordinary_answered": 0.89},
    # measured: 89.0% (130/146), 88.9% (64/72), 80.2% (65/81), 89.8% (177/197)
    "batch 4": {"acute": 0.87, "crisis_line": 0.86, "after_surgery": 0.77,
                "ordinary_answered": 0.88},
}
