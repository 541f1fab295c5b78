"""SMS formatting: what a patient's phone shows, and how it reads what they text back."""
import pytest

from channels.sms.numbers import mask_number
from channels.sms.text import (
    is_gsm7,
    keyword,
    menu_lines,
    numbered_choice,
    pack_messages,
    segment_count,
    split_sentences,
    to_sms_text,
)

SENTENCES = [
    "Minimally invasive spine surgery treats spinal conditions through smaller incisions.",
    "Our patient guide describes it as a less traumatic alternative to open surgery.",
    "It combines advanced technology with skilled surgical technique.",
    "That leads to faster recovery and less pain for many patients.",
    "Please discuss with your healthcare provider whether it fits your situation.",
]


# --- Plain GSM-7 text ---------------------------------------------------------

@pytest.mark.parametrize("marked_up, plain", [
    ("**Call 911** now", "Call 911 now"),
    ("Read _our guide_ first", "Read our guide first"),
    ("See [our website](https://spine-clinic.example)",
     "See our website (https://spine-clinic.example)"),
    ("<b>Important:</b> rest", "Important: rest"),
    ("## Recovery\n* walk daily", "Recovery\n- walk daily"),
    ("`code` words", "'code' words"),
])
def test_markup_is_removed(marked_up, plain):
    assert to_sms_text(marked_up) == plain


def test_snake_case_and_maths_are_not_mistaken_for_markup():
    assert to_sms_text("utter_faq and 2 * 3 * 4") == "utter_faq and 2 * 3 * 4"


def test_typographic_characters_become_gsm7():
    text = to_sms_text("It\u2019s \u201cquick\u201d \u2013 home in a day\u2026 na\u00efve 38\u00b0C")
    assert text == "It's \"quick\" - home in a day... naive 38 degreesC"
    assert is_gsm7(text)


@pytest.mark.parametrize("with_emoji", [
    "Get well soon \U0001F600", "Thumbs up \U0001F44D\U0001F3FD", "\u2764\ufe0f Take care",
    "Family \U0001F468\u200d\U0001F469\u200d\U0001F467 visit",
])
def test_emoji_are_dropped_so_the_message_stays_gsm7(with_emoji):
    text = to_sms_text(with_emoji)
    assert is_gsm7(text), text
    assert "  " not in text


def test_accented_letters_in_gsm7_are_kept_and_other_scripts_survive():
    assert to_sms_text("Caf\u00e9 \u00d1and\u00fa") == "Caf\u00e9 \u00d1andu"
    assert to_sms_text("\u8133\u795e\u7d4c") == "\u8133\u795e\u7d4c"   # sent as UCS-2, not dropped


def test_whitespace_is_tidied_but_lines_are_kept():
    assert to_sms_text("  one \t two \n\n\n\nthree  ") == "one two\n\nthree"
    assert to_sms_text(None) == ""


# --- Segments ---------------------------------------------------------------

@pytest.mark.parametrize("text, segments", [
    ("", 0),
    ("a" * 160, 1),
    ("a" * 161, 2),
    ("a" * 306, 2),
    ("a" * 307, 3),
    ("[" * 80, 1),         # extension characters cost two septets
    ("[" * 81, 2),
    ("\u00e9" * 160, 1),   # é is in the GSM-7 alphabet
    ("\u00e1" * 70, 1),    # á is not: UCS-2
    ("\u00e1" * 71, 2),
    ("\U0001F600" * 35, 1),  # one emoji is two UTF-16 units
])
def test_segment_count(text, segments):
    assert segment_count(text) == segments


# --- Splitting long replies ---------------------------------------------------

def test_sentences_split_at_full_stops_but_not_abbreviations():
    assert split_sentences("Ask Dr. Lee, e.g. by phone. Then rest! Done? \"Yes.\" Go") == [
        "Ask Dr. Lee, e.g. by phone.", "Then rest!", "Done?", "\"Yes.\"", "Go"]


def test_a_short_reply_is_one_message():
    assert pack_messages(["Hello.", "How can I help?"]) == ["Hello.\n\nHow can I help?"]


def test_a_long_reply_is_split_at_sentence_boundaries():
    long_part = " ".join(SENTENCES * 2)
    messages = pack_messages([long_part], max_segments_per_message=2, max_segments_per_reply=10)
    assert len(messages) > 1
    assert all(segment_count(m) <= 2 for m in messages)
    assert " ".join(messages) == long_part
    assert all(m.endswith(".") for m in messages)


def test_a_part_that_fits_a_message_is_not_split_across_two():
    first = " ".join(SENTENCES[:3])            # 1-2 segments
    second = " ".join(SENTENCES)               # 3 segments: does not fit after `first`
    messages = pack_messages([first, second], max_segments_per_message=3)
    assert messages == [first, second]


def test_menu_lines_stay_whole():
    part = "Topics I can help with:\n" + "\n".join(f"Reply {n} for Topic number {n}" for n in range(1, 13))
    messages = pack_messages([part], max_segments_per_message=1, max_segments_per_reply=20)
    lines = [line for m in messages for line in m.split("\n")]
    assert lines == part.split("\n")


def test_a_reply_never_goes_over_its_segment_budget():
    messages = pack_messages([" ".join(SENTENCES * 10)], max_segments_per_message=3,
                             max_segments_per_reply=4)
    assert sum(segment_count(m) for m in messages) <= 4
    assert all(m.endswith(".") for m in messages)   # cut at a sentence, not mid-word


def test_one_enormous_sentence_is_split_between_words():
    sentence = "word " * 400
    messages = pack_messages([sentence], max_segments_per_message=1, max_segments_per_reply=50)
    assert all(segment_count(m) == 1 for m in messages)
    assert " ".join(messages).split() == sentence.split()


def test_an_unbroken_string_is_still_cut_to_size():
    messages = pack_messages(["x" * 1000], max_segments_per_message=1, max_segments_per_reply=50)
    assert "".join(messages) == "x" * 1000
    assert all(segment_count(m) == 1 for m in messages)


def test_empty_parts_are_skipped():
    assert pack_messages(["", "  ", "Hi."]) == ["Hi."]
    assert pack_messages([]) == []


# --- Numbered buttons -------------------------------------------------------

def test_buttons_become_numbered_lines():
    buttons = [{"title": "What is MISS?", "payload": "/what_is_miss"},
               {"title": "**Recovery** time", "payload": "/recovery_time"}]
    assert menu_lines(buttons, "Reply {number} for {title}") == [
        "Reply 1 for What is MISS?", "Reply 2 for Recovery time"]
    assert menu_lines(buttons, "{number}: {title}", start=3) == [
        "3: What is MISS?", "4: Recovery time"]


@pytest.mark.parametrize("reply, number", [
    ("1", 1), (" 2 ", 2), ("3.", 3), ("#4", 4), ("5)", 5), ("12", 12),
    ("0", None), ("1 and 2", None), ("one", None), ("123", None), ("", None), (None, None),
    ("2 weeks?", None),
])
def test_numbered_choice(reply, number):
    assert numbered_choice(reply) == number


# --- Keywords and log-safe numbers --------------------------------------------

@pytest.mark.parametrize("text, word", [
    ("STOP", "STOP"), (" stop. ", "STOP"), ("Stop!", "STOP"), ("help?", "HELP"),
    ("stop   all", "STOP ALL"), ("please stop texting me", "PLEASE STOP TEXTING ME"),
    (None, ""),
])
def test_keyword(text, word):
    assert keyword(text) == word


@pytest.mark.parametrize("number, masked", [
    ("+15551234567", "+*********67"),
    ("whatsapp:+447700900123", "whatsapp:+**********23"),
    ("1234", "****"),
    ("", "(none)"),
])
def test_numbers_are_masked_for_logs(number, masked):
    assert mask_number(number) == masked
