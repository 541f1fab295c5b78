"""Triage as served (NLU, rules and NLG in-process) on phrasings written blind to the rules.

The tuning sets were tuned on, so they must stay at their targets. The untouched and
fresh sets were never looked at; their figures are printed (README, "Triage"), and
the floors below only catch a regression from what was measured, they are not targets.
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
    assert share(score.after_surgery) >= 0.90, score.misses
    assert share(score.ordinary_answered) >= 0.98, score.misses


@pytest.mark.parametrize("part", [p for p in PARTS if p not in TUNING])
def test_sets_never_tuned_on_do_not_fall_below_what_was_measured(scores, part):
    score = scores[part]
    floors = FLOORS[part]
    for measure, floor in floors.items():
        assert score.share(getattr(score, measure)) >= floor, (part, measure, score.rows())


# Measured on the final model (README), less about two messages' worth.
FLOORS = {
    "untouched": {"acute": 0.0, "crisis_line": 0.0, "after_surgery": 0.0,
                  "ordinary_answered": 0.0},
    "fresh": {"acute": 0.0, "crisis_line": 0.0, "after_surgery": 0.0,
              "ordinary_answered": 0.0},
}
