"""A held-out message that equals or nearly equals a training example measures nothing."""
import pytest

from assistant.heldout_overlap import HELDOUT_DIR, heldout_texts, overlaps, training_texts

FILES = sorted(HELDOUT_DIR.glob("*.yml"))


@pytest.fixture(scope="module")
def training():
    return training_texts()


def test_there_are_held_out_files():
    assert len(FILES) >= 3


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_held_out_message_is_a_near_copy_of_a_training_example(path, training):
    copies = list(overlaps(heldout_texts(path), training))
    assert not copies, f"{path.name}: {copies[:5]}"


def test_the_check_finds_copies_that_differ_only_in_case_and_punctuation(training):
    sample = training[0]
    assert list(overlaps([sample.upper() + "?!"], training))
    assert not list(overlaps(["a sentence nobody would ever train an assistant on, zebra"],
                             training))
