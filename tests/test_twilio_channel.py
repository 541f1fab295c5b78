"""Clinic SMS through Twilio: patients text the clinic number and get answers back.

The server tests use the shared assistant (tests/conftest.py: the real action
server and Rasa server, the Twilio channel on) and play Twilio: each text is POSTed to the webhook signed exactly
as Twilio signs it (``RequestValidator``), for the public URL the clinic gave
Twilio (the server itself sits behind a "proxy" on loopback). Replies come back
as TwiML in the webhook's response.
"""
import sqlite3

import pytest
import yaml

from miss_config.knowledge import load_clinic
from miss_config.paths import PROJECT_ROOT
from channels.sms.channel import TwilioSmsInput
from channels.sms.numbers import conversation_key, hash_key
from channels.sms.optouts import OptOutStore
from channels.sms.replies import SmsConfig, render_reply
from channels.sms.text import is_gsm7, segment_count
from tests.http_helpers import (ACCOUNT_SID, AUTH_TOKEN, CLINIC_NUMBER, HASH_KEY, PUBLIC_URL,
                                Phone, SmsServer, said)

CLINIC = load_clinic()
CONFIG = SmsConfig.load()
NOTICE = "automated assistant"          # what the first-message notice says


@pytest.fixture(scope="module")
def sms_server(assistant) -> SmsServer:
    """The shared assistant's SMS channel (tests/conftest.py turns it on)."""
    return SmsServer(assistant.url, assistant.data)


@pytest.fixture
def phone(sms_server) -> Phone:
    return Phone(sms_server)


# --- Conversations --------------------------------------------------------------

@pytest.mark.server
def test_first_text_says_what_this_is_then_answers(phone):
    first = phone.text("What is minimally invasive spine surgery?")
    assert NOTICE in first[0]
    assert "not for emergencies" in first[0] and "health details" in first[0]
    assert "smaller incisions" in said(first[1:])
    assert "provider" in said(first)

    second = phone.text("How long does recovery take?")
    assert NOTICE not in said(second)
    assert "normal activities" in said(second)
    assert "provider" in said(second)


@pytest.mark.server
def test_emergency_text_gets_emergency_advice_before_anything_else(phone):
    from miss_nlp.triage import advice_for

    messages = phone.text("I lost control of my bladder this morning and my back pain is awful")
    text = said(messages)
    first_sentence = advice_for(["bladder_bowel"]).split(".")[0]
    assert text.startswith(first_sentence)                  # the very first sentence
    assert CLINIC["emergency_number"] in messages[0]
    assert text.index(CLINIC["emergency_number"]) < text.index(NOTICE)   # notice after the advice


@pytest.mark.server
def test_every_reply_is_plain_short_gsm7_text(phone):
    for question in ("Hello", "What are the risks?", "Can you tell me the weather?"):
        messages = phone.text(question)
        assert "provider" in said(messages)
        assert sum(segment_count(m) for m in messages) <= CONFIG.segments_per_reply
        for message in messages:
            assert is_gsm7(message), message
            assert not any(mark in message for mark in ("**", "<", "/what_is", "/recovery"))


@pytest.mark.server
def test_a_text_asking_three_things_gets_three_short_answers_within_the_budget(phone):
    import yaml

    from channels.sms.text import split_sentences

    responses = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))["responses"]
    messages = phone.text("scar size, recovery time and cost please")
    text = " ".join(said(messages).split())
    for topic in ("incisions_scarring", "recovery_time", "cost"):
        first = split_sentences(" ".join(responses[f"utter_{topic}"][0]["text"].split()))[0]
        assert first in text, topic                      # each answer, at least its start
    assert "provider" in text
    assert sum(segment_count(m) for m in messages) <= CONFIG.segments_per_reply


@pytest.mark.server
def test_a_text_about_something_the_guide_does_not_cover_says_so(phone):
    text = said(phone.text("Can I take ibuprofen after spine surgery?"))
    assert "ibuprofen" in text and "doesn't cover" in text
    assert CLINIC["clinic_phone"] in text


@pytest.mark.server
def test_patient_picks_a_button_by_replying_with_its_number(phone):
    menu = said(phone.text("Hello"))
    assert "Reply 1 for What is MISS?" in menu
    assert "Reply 2 for Recovery time" in menu

    answer = said(phone.text("2"))
    assert "normal activities" in answer            # the recovery time answer

    # That answer offered no buttons, so a "2" now is just a "2".
    assert "normal activities" not in said(phone.text("2"))


@pytest.mark.server
def test_numbers_pick_from_this_patients_own_menu(sms_server):
    alice, bob = Phone(sms_server), Phone(sms_server)
    alice.text("Hi")
    bob.text("How long will I stay in hospital?")
    assert "candidate" in said(alice.text("4"))      # Alice's menu: 4 = Am I a candidate?
    assert "candidate" not in said(bob.text("4"))    # Bob was offered no menu


@pytest.mark.server
def test_stop_ends_all_messages_until_start(phone, sms_server):
    phone.text("What is MISS?")

    stopped = phone.text("STOP")
    assert len(stopped) == 1 and "unsubscribed" in stopped[0] and "START" in stopped[0]
    assert phone.text("stop") == []                  # confirmed once only
    assert phone.text("What are the risks?") == []   # no answer...
    assert not any("risks" in e.get("text", "").lower()
                   for e in sms_server.events(phone.number))   # ...and nothing recorded

    helped = said(phone.text("HELP"))                # HELP is answered even when opted out
    assert CLINIC["clinic_name"] in helped and CLINIC["clinic_phone"] in helped
    assert "Reply STOP to opt out" in helped and "provider" in helped

    restarted = said(phone.text("Start"))
    assert "subscribed again" in restarted and "provider" in restarted
    assert "lower risk of complications" in said(phone.text("What are the risks?"))


@pytest.mark.server
def test_opt_out_is_stored_without_the_phone_number(phone, sms_server):
    phone.text("UNSUBSCRIBE")
    # In the conversation database (table sms_optouts), not in a file of its own.
    database = sms_server.data_dir / "conversations.sqlite3"
    assert not (sms_server.data_dir / "sms_optouts.sqlite3").exists()
    assert OptOutStore(f"sqlite:///{database}").is_opted_out(
        conversation_key(phone.number, HASH_KEY.encode()))
    digits = phone.number.lstrip("+")
    with sqlite3.connect(database) as db:
        assert digits not in repr(db.execute("SELECT * FROM sms_optouts").fetchall())
        assert digits not in repr(db.execute("SELECT * FROM events").fetchall())


def test_credentials_yml_turns_the_channel_on_from_the_environment():
    credentials = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text("utf-8"))
    entry = credentials["channels.sms.channel.TwilioSmsInput"]
    assert set(entry.values()) == {"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER",
                                   "TWILIO_WEBHOOK_URL"}


def test_opt_outs_survive_a_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 'conversations.sqlite3'}"
    OptOutStore(url).opt_out("sms-abc")
    reopened = OptOutStore(url)
    assert reopened.is_opted_out("sms-abc") and not reopened.is_opted_out("sms-def")
    assert not reopened.opt_out("sms-abc")
    assert reopened.opt_in("sms-abc") and not reopened.is_opted_out("sms-abc")


def test_opt_outs_of_the_old_local_file_are_moved_into_the_conversation_database(tmp_path):
    legacy = tmp_path / "sms_optouts.sqlite3"
    with sqlite3.connect(legacy) as db:
        db.execute("CREATE TABLE optouts (conversation_key TEXT PRIMARY KEY,"
                   " opted_out_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)")
        db.execute("INSERT INTO optouts (conversation_key) VALUES ('sms-old')")
    store = OptOutStore.shared({"MISS_DATA_DIR": str(tmp_path)})
    assert store.is_opted_out("sms-old") and not legacy.exists()
    with sqlite3.connect(tmp_path / "conversations.sqlite3") as db:
        assert db.execute("SELECT conversation_key FROM sms_optouts").fetchall() == [("sms-old",)]


def test_with_postgresql_and_sms_the_server_refuses_to_start_without_a_hash_key(monkeypatch):
    from assistant import launcher
    from miss_config.settings import load_settings

    env = {"MISS_DB_HOST": "db.clinic.internal", "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
           "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_NUMBER": CLINIC_NUMBER}
    with pytest.raises(ValueError, match="MISS_SMS_HASH_KEY must be set"):
        load_settings(env)
    load_settings({**env, "MISS_SMS_HASH_KEY": HASH_KEY})   # with it: fine
    load_settings({k: v for k, v in env.items() if k != "MISS_DB_HOST"})  # SQLite
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MISS_SMS_HASH_KEY", raising=False)
    assert launcher.main(["run", "--no-widget"]) == 2     # `make run`: a clear message
    with pytest.raises(ValueError, match="MISS_SMS_HASH_KEY"):  # `rasa run` by hand
        TwilioSmsInput.from_credentials(None)


def test_the_number_hash_key_is_made_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("MISS_SMS_HASH_KEY", raising=False)
    key = hash_key(tmp_path / "data")
    assert hash_key(tmp_path / "data") == key and len(key) == 64
    assert (tmp_path / "data" / "sms_hash_key").stat().st_mode & 0o077 == 0


def test_the_conversation_key_hides_the_number_but_is_stable():
    key = conversation_key("+15550100123", b"k")
    assert key == conversation_key("+1 (555) 010-0123", b"k")
    assert key != conversation_key("+15550100123", b"other key")
    assert "5550100123" not in key and key.startswith("sms-")


def test_every_channel_text_names_the_provider_except_the_stop_confirmation():
    for name, text in CONFIG.texts.items():
        # media_ignored is only ever added to an answer, which names the provider.
        assert ("provider" in text) == (name not in ("stop_confirmation", "media_ignored")), name
        assert is_gsm7(text) and "{" not in text, name
    assert segment_count(CONFIG.texts["stop_confirmation"]) == 1


def _domain_replies():
    """Every response as the NLG fills it, with the longest variants triage can make:
    each red flag's advice, all of them named at once, and the longest urgent-care
    sentence added to an answer."""
    from assistant.nlg import _project_responses
    from miss_nlp.triage import vocabulary

    nlg = _project_responses()
    kinds = vocabulary().kinds
    longest_note = max(kinds, key=lambda k: len(kinds[k].when_mentioned))
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))
    for name in domain["responses"]:
        variants = [("", {})]
        if name == "utter_emergency":
            variants = [(kind, {"red_flags": [kind]}) for kind in kinds]
            variants.append(("all", {"red_flags": list(kinds)}))
        elif name != "utter_after_surgery":
            variants.append(("noted", {"red_flags_mentioned": [longest_note]}))
        for label, extra in variants:
            reply = nlg.generate_from_slots(name, {}, "twilio", **extra)
            yield f"{name}{'-' + label if label else ''}", {
                "text": reply["text"], "buttons": reply.get("buttons"), "utter_action": name}


@pytest.mark.parametrize("had_media", [False, True], ids=["text", "text+attachment"])
@pytest.mark.parametrize("name, message", list(_domain_replies()))
def test_every_answer_fits_the_sms_budget_with_the_first_message_notice(name, message, had_media):
    messages = render_reply([message], CONFIG, first_in_conversation=True, had_media=had_media)
    assert sum(segment_count(m) for m in messages) <= CONFIG.segments_per_reply
    assert all(segment_count(m) <= CONFIG.segments_per_message for m in messages)
    text = said(messages)
    answer = text.replace(CONFIG.texts["first_message"], "").replace(CONFIG.texts["media_ignored"], "")
    assert NOTICE in text and "provider" in answer
    assert message["text"].split()[-1] in answer                 # nothing was cut off
    assert answer.count("\nReply ") == len(message.get("buttons") or [])

def test_emergency_advice_comes_before_the_notice_and_buttons_are_numbered_across_messages():
    messages = render_reply([
        {"text": "Call 911 now.", "utter_action": "utter_emergency"},
        {"text": "Pick one.", "buttons": [{"title": "A", "payload": "/a"}]},
        {"text": "Or another.", "buttons": [{"title": "B", "payload": "/b"},
                                            {"title": "C", "payload": "/c"}]},
    ], CONFIG, first_in_conversation=True)
    text = said(messages)
    assert text.startswith("Call 911 now.")
    assert text.index("Call 911") < text.index(NOTICE) < text.index("Pick one.")
    assert "Reply 1 for A" in text and "Reply 2 for B" in text and "Reply 3 for C" in text


class _FakeRequest:
    def __init__(self, url: str, query_string: str = "") -> None:
        self.url, self.query_string = url, query_string


def test_behind_a_proxy_the_signature_is_checked_against_the_public_url():
    direct = TwilioSmsInput(None, None, None)
    assert direct.signed_url(_FakeRequest("http://127.0.0.1:5005/w?a=1", "a=1")) == \
        "http://127.0.0.1:5005/w?a=1"
    proxied = TwilioSmsInput(None, None, None, webhook_url=PUBLIC_URL)
    assert proxied.signed_url(_FakeRequest("http://127.0.0.1:5005/w")) == PUBLIC_URL
    assert proxied.signed_url(_FakeRequest("http://127.0.0.1:5005/w?c=2", "c=2")) == \
        PUBLIC_URL + "?c=2"
