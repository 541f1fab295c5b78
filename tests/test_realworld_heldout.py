"""Real-world-style questions, as served, on the twelve real-world files (README, "How well
it understands"): written blind to the training data; files 1, 3, 5, 7 and 12 never tuned on,
files 2, 4, 6, 8, 9, 10 and 11 used for development (file 2 since round 5, file 4 since
round 7, file 6 since round 8, file 8 since round 9, file 9 since round 10, file 10 since
round 11, file 11 since round 12).

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


# Measured on the final model of round 12, less about two messages' worth.
FLOORS = {
    # measured: 93.6% (176/188), 86.7% (39/45), 72.0% (36/50), 90.9% (30/33)
    "realworld_heldout.yml": {"one topic": 0.92, "several topics: all answered": 0.82,
                            "not covered: declined": 0.68, "out of scope: declined": 0.84},
    # used for development since round 5;
    # measured: 94.1% (175/186), 94.4% (51/54), 70.2% (40/57), 89.5% (34/38)
    "realworld_heldout_2.yml": {"one topic": 0.93, "several topics: all answered": 0.9,
                              "not covered: declined": 0.66, "out of scope: declined": 0.84},
    # measured: 94.7% (180/190), 93.5% (58/62), 63.0% (34/54), 100% (31/31)
    "realworld_heldout_3.yml": {"one topic": 0.93, "several topics: all answered": 0.9,
                              "not covered: declined": 0.59, "out of scope: declined": 0.93},
    # used for development since round 7;
    # measured: 96.2% (179/186), 100% (36/36), 84.4% (54/64), 100% (34/34)
    "realworld_heldout_4.yml": {"one topic": 0.94, "several topics: all answered": 0.94,
                              "not covered: declined": 0.81, "out of scope: declined": 0.94},
    # measured: 93.6% (176/188), 80.4% (37/46), 72.2% (52/72), 100% (33/33)
    "realworld_heldout_5.yml": {"one topic": 0.92, "several topics: all answered": 0.76,
                              "not covered: declined": 0.69, "out of scope: declined": 0.93},
    # used for development since round 8;
    # measured: 94.5% (188/199), 71.7% (33/46), 80.0% (56/70), 100% (37/37)
    "realworld_heldout_6.yml": {"one topic": 0.93, "several topics: all answered": 0.67,
                              "not covered: declined": 0.77, "out of scope: declined": 0.94},
    # measured: 92.5% (172/186), 82.6% (38/46), 82.2% (60/73), 100% (37/37)
    "realworld_heldout_7.yml": {"one topic": 0.91, "several topics: all answered": 0.78,
                              "not covered: declined": 0.8, "out of scope: declined": 0.94},
    # scored once at the start of round 9, then used for development;
    # measured: 95.9% (185/193), 80.9% (38/47), 74.0% (54/73), 97.0% (32/33)
    "realworld_heldout_8.yml": {"one topic": 0.94, "several topics: all answered": 0.74,
                              "not covered: declined": 0.69, "out of scope: declined": 0.9},
    # scored at the start and end of round 9, then used for development;
    # measured: 94.3% (182/193), 88.9% (40/45), 83.1% (59/71), 92.1% (35/38)
    "realworld_heldout_9.yml": {"one topic": 0.93, "several topics: all answered": 0.84,
                              "not covered: declined": 0.8, "out of scope: declined": 0.86},
    # written blind at the start of round 10, scored on round 9's model and on
    # round 10's, then used for development;
    # measured: 95.8% (181/189), 91.3% (42/46), 88.0% (66/75), 94.4% (34/36)
    "realworld_heldout_10.yml": {"one topic": 0.94, "several topics: all answered": 0.86,
                               "not covered: declined": 0.85, "out of scope: declined": 0.88},
    # written blind at the start of round 11, scored on round 10's model (93.5 / 88.9 /
    # 82.2 / 94.4%) and three times on round 11's, then used for development;
    # measured: 94.0% (173/184), 91.1% (41/45), 82.2% (60/73), 97.2% (35/36)
    "realworld_heldout_11.yml": {"one topic": 0.92, "several topics: all answered": 0.86,
                               "not covered: declined": 0.79, "out of scope: declined": 0.91},
    # written blind at the start of round 12, scored on round 11's model (93.6 / 84.6 /
    # 85.7 / 88.9%) and on round 12's;
    # measured: 93.1% (161/173), 84.6% (44/52), 85.7% (72/84), 88.9% (32/36)
    "realworld_heldout_12.yml": {"one topic": 0.92, "several topics: all answered": 0.8,
                               "not covered: declined": 0.83, "out of scope: declined": 0.83},
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
