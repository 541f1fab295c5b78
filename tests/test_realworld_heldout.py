"""Real-world-style questions, as served, on the seven real-world files (README, "How well
it understands"): written blind to the training data; files 1, 3, 5 and 7 never tuned on,
files 2, 4 and 6 used for development (file 2 since round 5, file 4 since round 7, file 6
since round 8).

The floors catch a regression from what was measured on the final model; they are not
the issue's targets, which are not reached (README says by how much).
"""
import pytest

from assistant.evaluate_realworld import HELDOUT_FILES, evaluate

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def results(trained_model):
    return evaluate(trained_model, HELDOUT_FILES)


def share(pair):
    return pair[0] / pair[1]


# Measured on the final model of round 9, less about two messages' worth.
FLOORS = {
    # measured: 93.6% (176/188), 82.2% (37/45), 70.0% (35/50), 90.9% (30/33)
    "realworld_heldout.yml": {"one topic": 0.92, "several topics: all answered": 0.77,
                              "not covered: declined": 0.66, "out of scope: declined": 0.84},
    # used for development; measured: 94.6% (176/186), 88.9% (48/54), 75.4% (43/57),
    # 92.1% (35/38)
    "realworld_heldout_2.yml": {"one topic": 0.93, "several topics: all answered": 0.85,
                                "not covered: declined": 0.71, "out of scope: declined": 0.86},
    # measured: 94.2% (179/190), 88.7% (55/62), 68.5% (37/54), 96.8% (30/31)
    "realworld_heldout_3.yml": {"one topic": 0.93, "several topics: all answered": 0.85,
                                "not covered: declined": 0.64, "out of scope: declined": 0.90},
    # used for development since round 7; measured: 94.6% (176/186), 97.2% (35/36),
    # 82.8% (53/64), 100% (34/34)
    "realworld_heldout_4.yml": {"one topic": 0.93, "several topics: all answered": 0.91,
                                "not covered: declined": 0.79, "out of scope: declined": 0.94},
    # measured: 89.9% (169/188), 76.1% (35/46), 68.1% (49/72), 100% (33/33)
    "realworld_heldout_5.yml": {"one topic": 0.88, "several topics: all answered": 0.71,
                                "not covered: declined": 0.65, "out of scope: declined": 0.93},
    # used for development since round 8; measured: 94.5% (188/199), 67.4% (31/46),
    # 80.0% (56/70), 97.3% (36/37)
    "realworld_heldout_6.yml": {"one topic": 0.93, "several topics: all answered": 0.63,
                                "not covered: declined": 0.77, "out of scope: declined": 0.91},
    # measured: 90.9% (169/186), 71.7% (33/46), 82.2% (60/73), 100% (37/37)
    "realworld_heldout_7.yml": {"one topic": 0.89, "several topics: all answered": 0.67,
                                "not covered: declined": 0.79, "out of scope: declined": 0.94},
    # scored once at the start of round 9, then used for development; measured:
    # 92.2% (178/193), 72.3% (34/47), 71.2% (52/73), 97.0% (32/33)
    "realworld_heldout_8.yml": {"one topic": 0.91, "several topics: all answered": 0.68,
                                "not covered: declined": 0.68, "out of scope: declined": 0.90},
    # written blind at the end of round 8, scored at the start of round 9 and on its final
    # model; measured: 89.6% (173/193), 84.4% (38/45), 84.5% (60/71), 89.5% (34/38)
    "realworld_heldout_9.yml": {"one topic": 0.88, "several topics: all answered": 0.80,
                                "not covered: declined": 0.81, "out of scope: declined": 0.84},
}


@pytest.mark.parametrize("name", list(FLOORS))
def test_real_world_questions_do_not_fall_below_what_was_measured(results, name):
    ours = results[name]["ours"]
    for measure, floor in FLOORS[name].items():
        assert share(ours[measure]) >= floor, (name, measure, ours)


@pytest.mark.parametrize("name", list(FLOORS))
def test_several_topics_are_answered_far_more_often_than_by_the_baseline(results, name):
    ours, theirs = results[name]["ours"], results[name]["baseline"]
    measure = "several topics: all answered"
    assert share(ours[measure]) >= share(theirs[measure]) + 0.5


@pytest.mark.parametrize("name", list(FLOORS))
def test_uncovered_subjects_are_declined_more_often_than_by_the_baseline(results, name):
    ours, theirs = results[name]["ours"], results[name]["baseline"]
    measure = "not covered: declined"
    assert share(ours[measure]) > share(theirs[measure])
