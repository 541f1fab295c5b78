"""Real-world-style questions, as served, on the thirty-five real-world files (README, "How
well it understands"): written blind to the training data; files 1, 3, 5, 7 and 34 never
tuned on, the others used for development (file 2 since round 5, file 4 since round 7,
file 6 since round 8, file 8 since round 9, file 9 since round 10, file 10 since round
11, file 11 since round 12, file 12 since round 13, file 13 since round 14, file 14 since
round 15, file 16 since round 16, file 18 since round 17, file 20 since round 18, file
22 since round 19, file 24 since round 20, file 26 since round 21, file 28 since round
22, file 30 since round 23, file 32 since round 24; files 15, 17, 19, 21, 23, 25, 27, 29,
31, 33 and 35 were written as development files).

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


# Measured on the final model of round 12 (file 13: of round 13; files 14 to 17: of round
# 15; files 16, 18 and 19: of round 16; files 20 and 21: of round 17; file 16's "not
# covered" and files 22 and 23: of round 18; files 24 and 25: of round 19; files 26 and
# 27: of round 20; files 28, 30 and 31: of round 22; file 33: of round 23; files 32, 34 and
# 35: of round 24), less about two messages' worth.
FLOORS = {
    # measured: 93.1% (175/188), 86.7% (39/45), 88.0% (44/50), 90.9% (30/33)
    "realworld_heldout.yml": {"one topic": 0.92, "several topics: all answered": 0.82,
                             "not covered: declined": 0.84, "out of scope: declined": 0.84},
    # used for development since round 5;
    # measured: 93.0% (173/186), 92.6% (50/54), 89.5% (51/57), 89.5% (34/38)
    "realworld_heldout_2.yml": {"one topic": 0.92, "several topics: all answered": 0.88,
                               "not covered: declined": 0.85, "out of scope: declined": 0.84},
    # measured: 94.7% (180/190), 93.5% (58/62), 77.8% (42/54), 100% (31/31)
    "realworld_heldout_3.yml": {"one topic": 0.93, "several topics: all answered": 0.9,
                               "not covered: declined": 0.74, "out of scope: declined": 0.93},
    # used for development since round 7;
    # measured: 96.2% (179/186), 100% (36/36), 93.8% (60/64), 100% (34/34)
    "realworld_heldout_4.yml": {"one topic": 0.94, "several topics: all answered": 0.94,
                               "not covered: declined": 0.9, "out of scope: declined": 0.94},
    # measured: 93.1% (175/188), 80.4% (37/46), 83.3% (60/72), 100% (33/33)
    "realworld_heldout_5.yml": {"one topic": 0.92, "several topics: all answered": 0.76,
                               "not covered: declined": 0.8, "out of scope: declined": 0.93},
    # used for development since round 8;
    # measured: 94.5% (188/199), 73.9% (34/46), 90.0% (63/70), 100% (37/37)
    "realworld_heldout_6.yml": {"one topic": 0.93, "several topics: all answered": 0.69,
                               "not covered: declined": 0.87, "out of scope: declined": 0.94},
    # measured: 93.0% (173/186), 80.4% (37/46), 90.4% (66/73), 97.3% (36/37)
    "realworld_heldout_7.yml": {"one topic": 0.91, "several topics: all answered": 0.76,
                               "not covered: declined": 0.87, "out of scope: declined": 0.91},
    # scored once at the start of round 9, then used for development;
    # measured: 95.3% (184/193), 83.0% (39/47), 93.2% (68/73), 97.0% (32/33)
    "realworld_heldout_8.yml": {"one topic": 0.94, "several topics: all answered": 0.78,
                               "not covered: declined": 0.9, "out of scope: declined": 0.9},
    # scored at the start and end of round 9, then used for development;
    # measured: 93.3% (180/193), 91.1% (41/45), 90.1% (64/71), 89.5% (34/38)
    "realworld_heldout_9.yml": {"one topic": 0.92, "several topics: all answered": 0.86,
                               "not covered: declined": 0.87, "out of scope: declined": 0.84},
    # written blind at the start of round 10, scored on round 9's model and on
    # round 10's, then used for development;
    # measured: 94.7% (179/189), 89.1% (41/46), 93.3% (70/75), 94.4% (34/36)
    "realworld_heldout_10.yml": {"one topic": 0.93, "several topics: all answered": 0.84,
                                "not covered: declined": 0.9, "out of scope: declined": 0.88},
    # written blind at the start of round 11, scored on round 10's model (93.5 / 88.9 /
    # 82.2 / 94.4%) and three times on round 11's, then used for development;
    # measured: 93.5% (172/184), 91.1% (41/45), 95.9% (70/73), 97.2% (35/36)
    "realworld_heldout_11.yml": {"one topic": 0.92, "several topics: all answered": 0.86,
                                "not covered: declined": 0.93, "out of scope: declined": 0.91},
    # written blind at the start of round 12, scored on round 11's model (93.6 / 84.6 /
    # 85.7 / 88.9%) and three times on round 12's (before and after it learned questions
    # the guide does not cover, and on the final code, the same figures);
    # measured: 92.5% (160/173), 82.7% (43/52), 94.0% (79/84), 88.9% (32/36)
    "realworld_heldout_12.yml": {"one topic": 0.91, "several topics: all answered": 0.78,
                                "not covered: declined": 0.91, "out of scope: declined": 0.83},
    # used for development since round 14;
    # written blind at the start of round 13, scored on round 12's model (91.6 / 73.6 /
    # 92.7 / 97.1%) and five times on round 13's (a test run that showed its "not
    # covered" declines equal to the baseline's, after its first pass, 92.1 / 79.2 / 92.7
    # / 97.1%, after its third pass with training 15, not looked at, without it, 91.6 /
    # 81.1 / 96.3 / 97.1%, and twice at the end, the same);
    # measured: 91.6% (175/191), 84.9% (45/53), 95.1% (78/82), 97.1% (33/34)
    "realworld_heldout_13.yml": {"one topic": 0.9, "several topics: all answered": 0.81,
                                "not covered: declined": 0.92, "out of scope: declined": 0.91},
    # written blind at the start of round 14, scored on round 13's model (88.5 / 80.4 /
    # 96.4 / 97.3%), after round 14's first pass (89.6 / 84.3 / 94.0 / 94.6%) and at its
    # end (90.2 / 84.3 / 94.0 / 94.6%), then used for development;
    # measured: 92.3% (169/183), 92.2% (47/51), 95.2% (80/84), 97.3% (36/37)
    "realworld_heldout_14.yml": {"one topic": 0.91, "several topics: all answered": 0.88,
                                "not covered: declined": 0.92, "out of scope: declined": 0.91},
    # written blind in round 14 as a development file in file 14's styles;
    # measured: 88.3% (174/197), 92.2% (47/51), 100% (83/83), 97.2% (35/36)
    "realworld_heldout_15.yml": {"one topic": 0.87, "several topics: all answered": 0.88,
                                "not covered: declined": 0.97, "out of scope: declined": 0.91},
    # written blind at the start of round 15, scored on round 14's model (87.8 / 87.8 /
    # 95.0 / 78.8%) and twice on round 15's final model, then used for development;
    # measured: 89.4% (161/180), 91.8% (45/49), 95.0% (76/80), 81.8% (27/33); "not
    # covered" 91.2% (73/80) after round 18
    "realworld_heldout_16.yml": {"one topic": 0.88, "several topics: all answered": 0.87,
                                "not covered: declined": 0.89, "out of scope: declined": 0.75},
    # written blind in round 15 as a development file to file 16's brief;
    # measured: 91.6% (175/191), 92.3% (48/52), 97.5% (78/80), 100% (38/38)
    "realworld_heldout_17.yml": {"one topic": 0.9, "several topics: all answered": 0.88,
                                "not covered: declined": 0.95, "out of scope: declined": 0.94},
    # written blind at the start of round 16, scored on round 15's model (90.5 / 82.0 /
    # 97.5 / 97.4%) and on round 16's final model;
    # measured: 91.1% (173/190), 82.0% (41/50), 96.2% (77/80), 94.7% (36/38)
    "realworld_heldout_18.yml": {"one topic": 0.9, "several topics: all answered": 0.78,
                                "not covered: declined": 0.93, "out of scope: declined": 0.89},
    # written blind in round 16 as a development file to file 18's brief;
    # measured: 91.3% (157/172), 79.6% (39/49), 96.2% (75/78), 89.3% (25/28)
    "realworld_heldout_19.yml": {"one topic": 0.9, "several topics: all answered": 0.75,
                                "not covered: declined": 0.93, "out of scope: declined": 0.85},
    # written blind at the start of round 17 (held out then), scored on round 16's final
    # model (88.0 / 90.4 / 93.9 / 100%) and on round 17's final model, a development file
    # from round 18;
    # measured: 89.1% (171/192), 92.3% (48/52), 93.9% (77/82), 100% (39/39)
    "realworld_heldout_20.yml": {"one topic": 0.88, "several topics: all answered": 0.88,
                                "not covered: declined": 0.91, "out of scope: declined": 0.95},
    # written blind in round 17 as a development file to file 20's brief;
    # measured: 94.1% (176/187), 85.7% (42/49), 97.5% (78/80), 97.1% (33/34)
    "realworld_heldout_21.yml": {"one topic": 0.93, "several topics: all answered": 0.81,
                                "not covered: declined": 0.95, "out of scope: declined": 0.91},
    # written blind at the start of round 18, scored on round 17's final model (90.3 /
    # 82.7 / 95.1 / 94.6%) and twice on round 18's models, a development file from round 19;
    # measured: 93.8% (165/176), 86.5% (45/52), 95.1% (78/82), 94.6% (35/37)
    "realworld_heldout_22.yml": {"one topic": 0.92, "several topics: all answered": 0.82,
                                "not covered: declined": 0.92, "out of scope: declined": 0.89},
    # written blind at the start of round 19, scored on round 18's final model (93.0 /
    # 82.0 / 97.5 / 97.3%) and on round 19's final model;
    # measured: 93.5% (173/185), 82.0% (41/50), 97.5% (78/80), 97.3% (36/37)
    "realworld_heldout_24.yml": {"one topic": 0.92, "several topics: all answered": 0.78,
                                "not covered: declined": 0.95, "out of scope: declined": 0.91},
    # written blind at the start of round 20, scored on round 19's final model (89.1 /
    # 90.0 / 96.2 / 89.5%) and twice on round 20's (before and after a faster solver);
    # measured: 91.3% (168/184), 90.0% (45/50), 96.2% (77/80), 89.5% (34/38)
    "realworld_heldout_26.yml": {"one topic": 0.9, "several topics: all answered": 0.86,
                                "not covered: declined": 0.93, "out of scope: declined": 0.84},
    # written blind at the start of round 21 and held out then; a development file since
    # round 22 (10 near copies of held-out messages removed);
    # measured: 92.0% (172/187), 76.5% (39/51), 94.9% (75/79), 94.3% (33/35)
    "realworld_heldout_28.yml": {"one topic": 0.91, "several topics: all answered": 0.72,
                                "not covered: declined": 0.92, "out of scope: declined": 0.88},
    # written blind at the start of round 22 and held out then; a development file since
    # round 23 (8 near copies of held-out messages removed);
    # measured (342 messages): 90.4% (161/178), 82.0% (41/50), 94.9% (75/79), 97.1% (34/35)
    "realworld_heldout_30.yml": {"one topic": 0.89, "several topics: all answered": 0.78,
                                "not covered: declined": 0.92, "out of scope: declined": 0.91},
    # written blind at the start of round 23 and held out then; a development file since
    # round 24 (12 near copies of held-out messages removed);
    # measured (324 messages): 95.8% (158/165), 88.2% (45/51), 94.7% (71/75), 93.9% (31/33)
    "realworld_heldout_32.yml": {"one topic": 0.94, "several topics: all answered": 0.84,
                                "not covered: declined": 0.92, "out of scope: declined": 0.87},
    # written blind at the start of round 24, scored on round 23's final model (95.4 /
    # 73.2 / 93.8 / 97.1%) and on round 24's;
    # measured: 95.4% (165/173), 73.2% (41/56), 92.6% (75/81), 97.1% (33/34)
    "realworld_heldout_34.yml": {"one topic": 0.94, "several topics: all answered": 0.69,
                                "not covered: declined": 0.9, "out of scope: declined": 0.91},
    # written blind in round 24 as a development file leaning to several topics;
    # measured: 91.9% (91/99), 89.7% (96/107), 91.3% (63/69), 100% (21/21)
    "realworld_heldout_35.yml": {"one topic": 0.89, "several topics: all answered": 0.87,
                                "not covered: declined": 0.88, "out of scope: declined": 0.9},
    # written blind in round 23 as a development file leaning to several topics joined in
    # every way; measured: 94.9% (111/117), 94.6% (87/92), 98.3% (57/58), 100% (23/23)
    "realworld_heldout_33.yml": {"one topic": 0.93, "several topics: all answered": 0.92,
                                "not covered: declined": 0.94, "out of scope: declined": 0.91},
    # written blind in round 22 as a development file leaning to several topics;
    # measured: 92.5% (136/147), 95.7% (67/70), 94.7% (72/76), 97.3% (36/37)
    "realworld_heldout_31.yml": {"one topic": 0.91, "several topics: all answered": 0.92,
                                "not covered: declined": 0.92, "out of scope: declined": 0.91},
    # written blind in round 20 as a development file to file 26's brief;
    # measured: 94.5% (155/164), 93.9% (46/49), 97.2% (70/72), 96.6% (28/29)
    "realworld_heldout_27.yml": {"one topic": 0.93, "several topics: all answered": 0.89,
                                "not covered: declined": 0.94, "out of scope: declined": 0.89},
    # written blind in round 19 as a development file to file 24's brief;
    # measured: 93.2% (151/162), 95.8% (46/48), 95.0% (76/80), 97.1% (34/35); not
    # covered declined 91.2% (73/80) at the end of round 21 (the new training questions)
    "realworld_heldout_25.yml": {"one topic": 0.92, "several topics: all answered": 0.91,
                                "not covered: declined": 0.88, "out of scope: declined": 0.91},
    # written blind in round 21 as a development file covering every shape;
    # measured: 97.5% (157/161), 96.0% (48/50), 93.2% (69/74), 100% (37/37)
    "realworld_heldout_29.yml": {"one topic": 0.96, "several topics: all answered": 0.92,
                                "not covered: declined": 0.9, "out of scope: declined": 0.94},
    # written blind in round 18 as a development file to file 22's brief;
    # measured: 96.8% (153/158), 79.2% (38/48), 92.1% (70/76), 100% (30/30)
    "realworld_heldout_23.yml": {"one topic": 0.95, "several topics: all answered": 0.75,
                                "not covered: declined": 0.9, "out of scope: declined": 0.93},
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


# (On file 13 the baseline declined as many at the end of round 13, 78 of 82 each; after
# round 14, which read file 13's misses, the assistant declines more.) On file 16, held
# out in round 15, the baseline declines more than the assistant (77 of 80 against 73 at
# the end of round 18), and on file 23, written in round 18, as many (70 of 76 each): a
# strict expected failure says so until it is not true any more. Round 19's training
# questions the guide does not cover taught the baseline more than the assistant: on the
# development files 2, 20 and 22 it now declines as many or more (51 / 51 of 57, 78 / 77
# of 82, 79 / 77 of 82), and on file 23 more (71 / 70 of 76). Round 20's training
# questions taught the baseline more again: at the end of round 20 it declines as many
# or more (baseline / assistant) on held-out file 5 (62 / 62 of 72) and on development
# files 12, 16, 20, 21, 22 and 23 (79 / 79 of 84, 77 / 73 of 80, 78 / 78 of 82, 79 / 79
# of 80, 78 / 77 of 82, 71 / 70 of 76); on file 2 the assistant declines more again
# (49 / 51 of 57), and on file 26, held out in round 20, too (76 / 77 of 80; as many at
# its first scoring). At the end of round 21 (its activity check declines more) the
# assistant declines more on files 5, 20 and 22 (60 / 61 of 72, 76 / 78 of 82, 76 / 79
# of 82); the baseline as many or more on files 12, 16, 21 and 23 (79 / 79 of 84,
# 76 / 74 of 80, 79 / 78 of 80, 71 / 70 of 76) and on development file 29, written this
# round (70 / 69 of 74). At the end of round 22 (more training questions the guide does
# not cover, and a typo no longer read for a common word) the assistant declines more on
# files 12, 21 and 29 (77 / 79 of 84, 77 / 78 of 80, 71 / 72 of 74); the baseline as many
# on file 16 (75 / 75 of 80) and more on file 23 (71 / 70 of 76). At the end of round 23
# (examples on the anaesthetic and the operation's length moved to not covered, which the
# baseline learns too) it declines more on file 16 (76 / 75 of 80) and as many on files
# 21, 23 and 29 (78 / 78 of 80, 71 / 71 of 76, 72 / 72 of 74), and on file 33, written
# this round (57 / 57 of 58). At the end of round 24 (41 questions about one activity
# after surgery moved from recovery time to not covered, which the baseline learns too,
# and more of it) the assistant declines more on file 21 (79 / 78 of 80); the baseline
# as many or more on files 5, 8, 12, 16, 18, 20, 22, 23, 25, 26, 27, 29, 30 and 33.
BASELINE_DECLINES_MORE = {"realworld_heldout_5.yml", "realworld_heldout_8.yml",
                          "realworld_heldout_12.yml", "realworld_heldout_16.yml",
                          "realworld_heldout_18.yml", "realworld_heldout_20.yml",
                          "realworld_heldout_22.yml", "realworld_heldout_23.yml",
                          "realworld_heldout_25.yml", "realworld_heldout_26.yml",
                          "realworld_heldout_27.yml", "realworld_heldout_29.yml",
                          "realworld_heldout_30.yml", "realworld_heldout_33.yml"}


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(
        strict=True, reason="the baseline declines more of this file's uncovered questions"))
    if name in BASELINE_DECLINES_MORE else name for name in FLOORS])
def test_uncovered_subjects_are_declined_more_often_than_by_the_baseline(results, name):
    ours, theirs = results[name]["ours"], results[name]["baseline"]
    measure = "not covered: declined"
    assert share(ours[measure]) > share(theirs[measure])
