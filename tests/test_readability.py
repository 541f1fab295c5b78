"""Plain language: every patient-facing text at or below an 8th-grade reading level.

The texts are what a patient reads (placeholders filled from knowledge/clinic.yml):
every domain response, the SMS channel's own texts, the triage advice in
knowledge/red_flags.yml when it exists, the website widget's texts (knowledge/widget.yml)
and any sentence left in its scripts.
Grade: Flesch-Kincaid (textstat). The table of every grade is printed by
``test_grade_table`` and by ``python -m assistant.readability``.
"""
import shutil

import pytest
import yaml

from assistant.patient_texts import (
    PROJECT_ROOT,
    is_filled_elsewhere,
    load_clinic,
    patient_texts,
    widget_sentences,
    word_count,
)
from assistant.readability import MAX_GRADE, MAX_WORDS, grade, measure, table
from channels.sms.text import pack_messages, segment_count, to_sms_text

TEXTS = patient_texts()
CLINIC = yaml.safe_load((PROJECT_ROOT / "knowledge" / "clinic.yml").read_text("utf-8"))
DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))
SMS = yaml.safe_load((PROJECT_ROOT / "knowledge" / "sms.yml").read_text("utf-8"))
WIDGET = yaml.safe_load((PROJECT_ROOT / "knowledge" / "widget.yml").read_text("utf-8"))


def by_source(source):
    return [t for t in TEXTS if t.source == source]


@pytest.mark.parametrize("text", TEXTS, ids=lambda t: t.key)
def test_every_patient_facing_text_is_at_or_below_grade_8(text):
    level = grade(text.text)
    assert level <= MAX_GRADE, f"{text.key}: grade {level:.1f} > {MAX_GRADE:g}: {text.text}"


@pytest.mark.parametrize("text", TEXTS, ids=lambda t: t.key)
def test_every_patient_facing_text_can_be_read_at_a_glance(text):
    words = word_count(text.text)
    assert words <= MAX_WORDS, f"{text.key}: {words} words > {MAX_WORDS}: {text.text}"


def test_grade_table(capsys):
    rows = measure(TEXTS)
    report = table(rows)
    with capsys.disabled():
        print(f"\n\nReading grade (Flesch-Kincaid) and words of every patient-facing text:\n"
              f"{report}\n")
    over = [r for r in rows if r["grade"] > MAX_GRADE or r["words"] > MAX_WORDS]
    assert not over, report


# --- Every patient-facing text is measured, as the patient reads it ---------------------

def _own_words(name):
    """Variations with words of their own, not only a placeholder filled from another file."""
    return [v for v in DOMAIN["responses"][name] if not is_filled_elsewhere(v.get("text"))]


def test_every_response_variation_is_measured():
    variations = sum(len(_own_words(name)) for name in DOMAIN["responses"])
    assert len(by_source("domain.yml")) == variations
    names = {t.name.split(" (")[0] for t in by_source("domain.yml")}
    assert names == {name for name in DOMAIN["responses"] if _own_words(name)}
    assert is_filled_elsewhere("{triage_advice}") and not is_filled_elsewhere("Call {x}.")


def test_every_sms_text_is_measured():
    assert {t.name for t in by_source("sms.yml")} == set(SMS["texts"])


def test_texts_are_measured_with_the_clinic_details_filled_in():
    for text in TEXTS:
        assert "{" not in text.text and "}" not in text.text, text.key
    contact = next(t.text for t in TEXTS if t.name == "utter_contact_clinic")
    assert str(CLINIC["clinic_phone"]) in contact and str(CLINIC["clinic_name"]) in contact
    assert load_clinic()["clinic_phone"] == str(CLINIC["clinic_phone"])


def test_the_widget_texts_are_measured_as_the_patient_sees_them_and_its_code_is_not():
    widget = {t.name: t.text for t in by_source("widget.yml")}
    sentences = {name for name, text in WIDGET["texts"].items() if len(text.split()) >= 5}
    assert set(widget) == sentences and "title" not in widget   # a heading is not graded
    assert {"greeting_who", "greeting_what", "greeting_emergency", "privacy", "error",
            "too_fast", "feedback_thanks"} <= set(widget)
    assert widget["greeting_who"].startswith(f"Hello! I'm {CLINIC['clinic_name']}'s automated")
    assert str(CLINIC["emergency_number"]) in widget["greeting_emergency"]
    scripts = [t for t in TEXTS if t.source.endswith(".js")]
    # What the scripts still say is only the names of controls, and it is measured too.
    assert "link" in {t.name for t in scripts}
    for text in [*widget.values(), *(t.text for t in scripts)]:
        assert not any(mark in text for mark in ("{", "}", "--", "px;", "rgb(", "#")), text


def test_widget_sentences_ignore_css_comments_and_short_labels():
    source = '''
      /* A comment "with five or more words in it" */
      var S = { send: "Send", note: "You can ask " + "us anything you like here.",
                css: ".mw-x { color: red; font: 16px/1.5 Arial, sans-serif; }",
                font: "  'Helvetica Neue', Arial, sans-serif; color: var(--mw-text); }",
                who: "Hello from {clinic} assistant today." };
    '''
    assert widget_sentences(source, {"clinic": "Our Clinic's"}) == [
        ("note", "You can ask us anything you like here."),
        ("who", "Hello from Our Clinic's assistant today."),
    ]


def _copy_project(tmp_path, red_flags=None):
    (tmp_path / "knowledge").mkdir()
    for name in ("domain.yml", "knowledge/clinic.yml", "knowledge/sms.yml",
                 "knowledge/widget.yml"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    shutil.copytree(PROJECT_ROOT / "widget", tmp_path / "widget",
                    ignore=shutil.ignore_patterns("node_modules"))
    if red_flags is not None:
        (tmp_path / "knowledge" / "red_flags.yml").write_text(red_flags, encoding="utf-8")
    return tmp_path


def test_triage_texts_are_measured_when_the_red_flag_file_exists(tmp_path):
    root = _copy_project(tmp_path, red_flags="""
kinds:
  fever:
    label: fever after surgery
    phrases: [fever, high temperature]
    advice: A fever after surgery can mean an infection. Call {clinic_phone} today.
    clinician_note: Ask about the wound.
after_surgery:
  reply: Please call your surgeon's office on {clinic_phone}.
messages:
  - text: Call {emergency_number} now.
""")
    found = {t.name: t.text for t in patient_texts(root) if t.source == "red_flags.yml"}
    phone = str(CLINIC["clinic_phone"])
    assert found == {
        "kinds.fever.advice": f"A fever after surgery can mean an infection. Call {phone} today.",
        "kinds.fever.clinician_note": "Ask about the wound.",
        "after_surgery.reply": f"Please call your surgeon's office on {phone}.",
        "messages[0].text": f"Call {CLINIC['emergency_number']} now.",
    }


def test_without_a_red_flag_file_the_other_texts_are_still_measured(tmp_path):
    texts = patient_texts(_copy_project(tmp_path))
    assert not [t for t in texts if t.source == "red_flags.yml"]
    sources = {t.source for t in texts}
    assert {"domain.yml", "sms.yml", "widget.yml"} <= sources
    assert all(source.endswith(".js") for source in sources - {"domain.yml", "sms.yml",
                                                               "widget.yml"}), sources


def test_the_grade_is_textstats_flesch_kincaid():
    import textstat

    sample = "Minimally invasive spine surgery treats spinal conditions through smaller incisions."
    assert grade(sample) == textstat.flesch_kincaid_grade(sample) > 12
    assert grade("Surgery is not the only choice. Ask your healthcare provider.") < 8


# --- Still the same promises ------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(DOMAIN["responses"]))
def test_every_response_names_the_healthcare_provider_in_plain_words(name):
    for variation in _own_words(name):
        assert "healthcare provider" in variation["text"], name


def test_every_answer_still_fits_the_sms_limits_after_the_first_message_notice():
    limits = SMS["limits"]
    notice = SMS["texts"]["first_message"].format(**{k: str(v) for k, v in CLINIC.items()})
    for text in by_source("domain.yml"):
        messages = pack_messages([to_sms_text(notice), to_sms_text(text.text)],
                                 limits["segments_per_message"], limits["segments_per_reply"])
        assert sum(segment_count(m) for m in messages) <= limits["segments_per_reply"], text.key
        assert to_sms_text(text.text).split()[-1] in messages[-1], f"{text.key} was cut off"
