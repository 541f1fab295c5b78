"""A held-out message that equals or nearly equals a training example measures nothing."""
import pytest

from assistant.heldout_overlap import (HELDOUT_DIR, heldout_texts, overlaps, training_for,
                                       training_texts)
from miss_config.paths import TRIAGE_PHRASINGS_DIR

FILES = sorted(HELDOUT_DIR.glob("*.yml"))


@pytest.fixture(scope="module")
def training():
    return training_texts()


def test_there_are_held_out_files():
    assert len(FILES) >= 3


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_held_out_message_is_a_near_copy_of_a_training_example(path):
    copies = list(overlaps(heldout_texts(path), training_for(path)))
    assert not copies, f"{path.name}: {copies[:5]}"


def test_the_check_finds_copies_that_differ_only_in_case_and_punctuation(training):
    sample = training[0]
    assert list(overlaps([sample.upper() + "?!"], training))
    assert not list(overlaps(["a sentence nobody would ever train an assistant on, zebra"],
                             training))


def test_the_triage_held_out_files_are_checked_against_the_triage_tuning_sets_too():
    triage_file = HELDOUT_DIR / "triage_blind_untouched.yml"
    nlu_examples = set(training_texts())
    tuning_phrasing = next(text for text in heldout_texts(TRIAGE_PHRASINGS_DIR / "tuning_8.yml")
                           if text not in nlu_examples)
    assert tuning_phrasing in training_for(triage_file)
    assert tuning_phrasing not in training_for(HELDOUT_DIR / "realworld_heldout.yml")
