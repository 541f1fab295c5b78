"""The clinic's report (assistant/report) end to end, and the widget's "Was this helpful?".

A real assistant (the Rasa server with the REST and Twilio SMS channels, the
widget's demo page) fills its own conversation store: patients on the widget
(one in headless Chromium, clicking "No" with the keyboard), by SMS (signed as
Twilio signs), on the REST API and in the shell; red flags, an
after-surgery concern, questions the guide cannot answer asked in different
words, personal details typed in, feedback. Then the README's command writes the
report, and its CSV files are checked against what was sent, counted here from
the replies the patients got and from the model's own reading of each message
(Rasa's /model/parse). The same again on PostgreSQL (tests/services.py).
"""
import base64
import csv
import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape as html_escape
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import pytest
import yaml

from assistant.processes import base_env
from miss_config.paths import PROJECT_ROOT
from channels.door import SHELL_TOKEN_HEADER, shell_token
from tests.http_helpers import (HASH_KEY, Phone, SmsServer, bearer, post_json, sms_env,
                                tracker_events)
from tests.services import INSTALL_HINT, postgres_bin, running_postgres, served_assistant

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM = os.environ.get("MISS_CHROMIUM", "/usr/bin/chromium")
JWT_SECRET = "report-test-secret-" + uuid.uuid4().hex
DAY = 24 * 60 * 60
LOW_CONFIDENCE = 0.5
DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))
TOPICS = [name[len("utter_"):] for name in yaml.safe_load(
    (PROJECT_ROOT / "knowledge" / "sources.yml").read_text("utf-8"))]
NOT_QUESTIONS = {"greet", "goodbye", "thank", "bot_challenge", "contact_clinic",
                 "empty_message", "message_too_long", "emergency", "after_surgery_concern"}
# The first sentence of utter_cannot_answer ("Sorry, I can't answer that").
DECLINE = DOMAIN["responses"]["utter_cannot_answer"][0]["text"].split(".")[0]

# What patients type that must never reach the report.
EMAIL, BIRTH_DATE, PHONE_NUMBER = "john.doe@example.com", "04/07/1961", "07700 900123"

# Questions the guide cannot answer, asked in different words (the model declines
# them, or answers them unsure): (conversation, text, subject).
# ibuprofen: 4 conversations (examples shown); smoking: 3 (shown); knee: 2 (count
# only; 3 with the conversation 40 days back); taxi: 3 times in one conversation.
SCRIPT: List[Tuple[str, str, Optional[str]]] = [
    ("W2", "hello", None),
    ("W2", "/recovery_time", None),
    ("W2", f"my email is {EMAIL}, is ibuprofen safe after surgery?", "ibuprofen"),
    ("W2", "what are the risks", None),
    ("W3", "does smoking slow down healing after spine surgery", "smoking"),
    ("W3", "how much does it cost", None),
    ("W3", "I had my operation 5 days ago and my back is sore", None),
    ("S1", "can ibuprofen be taken after the operation", "ibuprofen"),
    ("S1", "do you do knee replacements", "knee"),
    ("S1", "I have chest pain and can't breathe", None),
    ("S1", "can I smoke after the operation", "smoking"),
    ("S2", "how long will I stay in hospital", None),
    ("S2", "I have a fever and the wound is leaking", None),
    ("S2", f"call me on {PHONE_NUMBER} please", None),
    ("R1", f"I was born {BIRTH_DATE}, can I take ibuprofen after the operation?", "ibuprofen"),
    ("R1", "what about knee replacement", "knee"),
    ("R1", "is it bad to smoke after back surgery", "smoking"),
    ("R1", "is the laser thing any good", None),  # answered unsure: "low confidence"
    ("R1", "what if I get a fever after surgery?", None),
    ("Sh1", "can you book me a taxi", "taxi"),
    ("Sh1", "does it leave a scar", None),
    ("Sh1", "can you book a taxi for me", "taxi"),
    ("Sh1", "my leg suddenly went weak and I can't stand", None),
    ("Sh1", "could you book a taxi for me", "taxi"),
    ("R2", "is knee surgery the same", "knee"),      # 40 days ago
    ("R2", "I want to end my life", None),           # 40 days ago
]
# The widget conversation in the browser (W1), or over REST where there is no browser.
BROWSER_SCRIPT = [("W1", "how long is recovery", None),
                  ("W1", "since this morning I can't control my bladder", None),
                  ("W1", "can I take ibuprofen after spine surgery?", "ibuprofen")]
CHANNEL = {"W": "Widget", "S": "SMS", "R": "REST API", "Sh": "Shell"}
PREFIX = {"Widget": "web-", "REST API": "patient-", "Shell": "shell-"}
BACK_DATED = "R2"
# (conversation, the question whose answer is rated, helpful)
FEEDBACK = [("W1", "how long is recovery", False), ("W2", "/recovery_time", True),
            ("W2", "what are the risks", True), ("W3", "how much does it cost", False)]


def channel_of(conversation: str) -> str:
    return CHANNEL[re.match(r"[A-Z][a-z]?", conversation).group(0)]


# --- the served assistant -------------------------------------------------------------

@dataclass
class Served:
    url: str
    rest: str
    sms: SmsServer
    widget: object
    env: Dict[str, str]

    def parse(self, text: str) -> dict:
        status, parsed = post_json(self.url + "/model/parse", {"text": text}, bearer(JWT_SECRET))
        assert status == 200, (text, status, parsed)
        return parsed

    def tracker(self, sender: str) -> List[dict]:
        return tracker_events(self.url, sender, bearer(JWT_SECRET), all_events=True, timeout=60)


def feedback_url(served: Served) -> str:
    return served.rest.rsplit("/", 1)[0] + "/feedback"


@contextmanager
def serve(tmp: Path, logs: str, extra_env: Optional[Dict[str, str]] = None) -> Iterator[Served]:
    """The assistant with the widget's demo page, SMS on, and the HTTP API behind a JWT
    (for /model/parse), its conversations in ``tmp``/data or the database of ``extra_env``;
    logs in test-artifacts/``logs``."""
    data = tmp / "data"
    env = {"MISS_DATA_DIR": str(data), **sms_env(), "MISS_JWT_SECRET": JWT_SECRET,
           **(extra_env or {})}
    with served_assistant(logs, env, widget=True) as assistant:
        yield Served(assistant.url, assistant.rest_webhook, SmsServer(assistant.url, data),
                     assistant.widget, env)


# --- filling the store ------------------------------------------------------------------

@dataclass
class Sent:
    conversation: str
    channel: str
    sender: str
    text: str
    replies: List[str]
    subject: Optional[str]
    day: str


@dataclass
class Filled:
    sent: List[Sent] = field(default_factory=list)
    senders: Dict[str, str] = field(default_factory=dict)
    phones: Dict[str, Phone] = field(default_factory=dict)

    def message(self, conversation: str, text: str) -> Sent:
        return next(s for s in self.sent if s.conversation == conversation and s.text == text)


def today() -> str:
    return datetime.now().date().isoformat()


def widget_in_browser(served: Served, filled: Filled) -> None:
    """W1 in headless Chromium: ask, rate an answer "No" with the keyboard, an
    emergency and a decline (neither asks for feedback), reload."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make widget-deps`")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             chromium_sandbox=False,
                                             args=["--disable-gpu", "--no-first-run"])
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            errors: List[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(served.widget.demo_url)
            page.get_by_role("button", name="Ask our assistant").click()
            question = page.get_by_label("Your question")
            bots = page.locator(".mw-msg--bot[data-id]")

            def ask(text: str, count: int):
                question.fill(text)
                question.press("Enter")
                expect(bots).to_have_count(count, timeout=60_000)
                return bots.nth(count - 1)

            def active_label() -> str:
                return page.evaluate("""() => {
                    const host = document.activeElement;
                    const el = host && host.shadowRoot ? host.shadowRoot.activeElement : host;
                    return el ? (el.getAttribute('aria-label') || el.id || '') : '';
                }""")

            answer = ask("how long is recovery", 1)
            expect(answer).to_contain_text(
                DOMAIN["responses"]["utter_recovery_time"][0]["text"].split(".")[0])
            rating = answer.get_by_role("group", name="Was this helpful?")
            expect(rating.get_by_role("button")).to_have_count(2)
            yes = rating.get_by_role("button", name="Yes, this answer helped")
            expect(yes).to_have_text("Yes")
            # Keyboard only: Tab from "Yes" reaches "No"; Enter chooses it.
            yes.focus()
            page.keyboard.press("Tab")
            assert active_label() == "No, this answer did not help"
            page.keyboard.press("Enter")
            expect(page.get_by_role("status")).to_have_text("Thank you for telling us.")
            expect(answer.get_by_role("group", name="Was this helpful?")).to_have_count(0)
            expect(answer).to_contain_text("Thank you for telling us.")
            expect(question).to_be_focused()

            advice = ask("since this morning I can't control my bladder", 2)
            expect(advice.get_by_role("group", name="Was this helpful?")).to_have_count(0)
            declined = ask("can I take ibuprofen after spine surgery?", 3)
            expect(declined).to_contain_text('doesn\'t cover that ("ibuprofen")')
            expect(declined.get_by_role("group", name="Was this helpful?")).to_have_count(0)

            page.reload()   # the choice is remembered, and not asked again
            expect(bots).to_have_count(3)
            expect(bots.first).to_contain_text("Thank you for telling us.")
            expect(page.get_by_role("group", name="Was this helpful?")).to_have_count(0)
            state = page.evaluate("""() => {
                const key = Object.keys(sessionStorage).find(k => k.startsWith('miss-widget:'));
                return JSON.parse(sessionStorage.getItem(key));
            }""")
            assert not errors, errors
        finally:
            browser.close()
    sender = state["sender"]
    assert sender.startswith("web-")
    filled.senders["W1"] = sender
    subjects = {text: subject for _, text, subject in BROWSER_SCRIPT}
    for message in state["messages"]:
        if message["from"] == "user":
            filled.sent.append(Sent("W1", "Widget", sender, message["text"], [],
                                    subjects[message["text"]], today()))
        else:
            filled.sent[-1].replies.append(message["text"])
    assert state["messages"][1]["feedback"] == "no"
    assert state["messages"][3]["triage"] == "acute"   # emergency advice: never asked
    assert [s.text for s in filled.sent] == [text for _, text, _ in BROWSER_SCRIPT]


def say(served: Served, filled: Filled, conversation: str, text: str) -> Sent:
    channel = channel_of(conversation)
    if conversation not in filled.senders:
        if channel == "SMS":
            from channels.sms.numbers import conversation_key

            filled.phones[conversation] = Phone(served.sms)
            filled.senders[conversation] = conversation_key(
                filled.phones[conversation].number, HASH_KEY.encode())
        else:
            filled.senders[conversation] = PREFIX[channel] + uuid.uuid4().hex[:16]
    sender = filled.senders[conversation]
    if channel == "SMS":
        replies = filled.phones[conversation].text(text)
    else:
        # The terminal chat proves itself with the server's shell token (channels/door.py).
        headers = ({SHELL_TOKEN_HEADER: shell_token(Path(served.env["MISS_DATA_DIR"]))}
                   if channel == "Shell" else {})
        status, body = post_json(served.rest, {"sender": sender, "message": text}, headers=headers)
        assert status == 200, (text, status, body)
        replies = [m["text"] for m in body if m.get("text")]
    assert replies, text
    return Sent(conversation, channel, sender, text, replies, None, today())


def fill(served: Served, browser: bool) -> Filled:
    filled = Filled()
    script = list(SCRIPT)
    if browser:
        widget_in_browser(served, filled)
    else:
        script = BROWSER_SCRIPT + script
    for conversation, text, subject in script:
        sent = say(served, filled, conversation, text)
        sent.subject = subject
        filled.sent.append(sent)
    url = feedback_url(served)
    for conversation, question, helpful in FEEDBACK:
        if conversation == "W1" and browser:
            continue
        asked = filled.message(conversation, question)
        if conversation == "W3":   # first "Yes", then "No" by the response's name: the last counts
            assert post_json(url, {"sender": asked.sender, "answer": asked.replies[0],
                              "helpful": not helpful}) == (200, {"status": "stored"})
            body = {"sender": asked.sender, "utter_action": "utter_cost", "helpful": helpful}
        else:
            body = {"sender": asked.sender, "answer": asked.replies[0], "helpful": helpful}
        assert post_json(url, body) == (200, {"status": "stored"}), body
    check_feedback_is_validated(url, filled)
    # Feedback changes nothing in the dialogue: the conversation goes on as before.
    after = say(served, filled, "W2", "how long will I stay in hospital")
    assert after.replies == [DOMAIN["responses"]["utter_hospital_stay"][0]["text"]]
    filled.sent.append(after)
    events = [e["event"] for e in served.tracker(filled.senders["W2"])
              if e["event"] in ("user", "bot", "agent")]
    assert events.count("agent") == 2 and events[-4:] == ["agent", "agent", "user", "bot"]
    assert [e for e in events if e != "agent"] == ["user", "bot"] * 5
    return filled


def check_feedback_is_validated(url: str, filled: Filled) -> None:
    """Anything but a well-formed choice about an answer the conversation got is refused."""
    asked = filled.message("W2", "what are the risks")
    good = {"sender": asked.sender, "answer": asked.replies[0], "helpful": True}
    urgent = filled.message("W1", "since this morning I can't control my bladder")
    for bad in [None, [], "yes", {}, {**good, "helpful": "yes"}, {**good, "helpful": 1},
                {**good, "helpful": None}, {k: v for k, v in good.items() if k != "helpful"},
                {k: v for k, v in good.items() if k != "sender"}, {**good, "sender": ""},
                {**good, "sender": 42}, {**good, "sender": "x" * 129},
                {**good, "answer": ""}, {**good, "answer": 5}, {**good, "answer": "x" * 5001},
                {**good, "utter_action": "utter_cost"}, {**good, "extra": 1},
                {"sender": asked.sender, "utter_action": "cost; DROP TABLE", "helpful": True},
                {**good, "answer": "an answer this conversation never got"},
                # Emergency advice asks for no feedback.
                {"sender": urgent.sender, "answer": urgent.replies[0], "helpful": True}]:
        assert post_json(url, bad)[0] == 400, bad
    assert post_json(url, b"{not json")[0] == 400
    assert post_json(url, {**good, "sender": "web-nobody-" + uuid.uuid4().hex})[0] == 404


def back_date(env: Dict[str, str], filled: Filled, conversation: str, days: float) -> None:
    """Moves a whole conversation ``days`` into the past."""
    import sqlalchemy as sa

    from assistant.retention import database_url
    from miss_config.settings import load_settings

    engine = sa.create_engine(database_url(load_settings(env)))
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE events SET timestamp = timestamp - :s "
                                       "WHERE sender_id = :sender"),
                               {"s": days * DAY, "sender": filled.senders[conversation]})
    finally:
        engine.dispose()
    for sent in filled.sent:
        if sent.conversation == conversation:
            sent.day = (datetime.now() - timedelta(days=days)).date().isoformat()


# --- what the report must say -----------------------------------------------------------

@dataclass
class Expected:
    channels: Dict[str, Tuple[int, int, int]]
    by_day: Counter        # (day, channel) -> [conversations, messages] as two counters
    messages_by_day: Counter
    topics: Counter
    flags: Counter
    mentions: Counter
    after_surgery: int
    reasons: Counter
    subjects: Dict[str, Tuple[int, int]]           # subject -> (messages, conversations)
    subject_texts: Dict[str, List[str]]
    feedback: Counter
    unhelpful: int


def expected_reason(sent: Sent, parsed: dict) -> Optional[str]:
    intent = parsed["intent"]["name"]
    flags = [e for e in parsed["entities"] if e["entity"] == "red_flag"]
    if sent.text.startswith("/") or intent in NOT_QUESTIONS or flags:
        return None
    if any(DECLINE in reply for reply in sent.replies):
        return "not covered" if intent == "nlu_fallback" else "declined"
    if intent == "not_covered":          # "our patient guide doesn't cover that"
        return "not covered"
    if intent == "out_of_scope":
        return "declined"
    if intent == "nlu_fallback":
        return "fell back"
    if intent in TOPICS and parsed["intent"]["confidence"] < LOW_CONFIDENCE:
        return "low confidence"
    return None


def expect_report(served: Served, filled: Filled, with_back_dated: bool) -> Expected:
    parsed = {s.text: served.parse(s.text) for s in filled.sent}
    sent = [s for s in filled.sent if with_back_dated or s.conversation != BACK_DATED]
    channels: Dict[str, Tuple[int, int, int]] = {}
    for channel in {s.channel for s in sent}:
        mine = [s for s in sent if s.channel == channel]
        conversations = len({s.conversation for s in mine})
        channels[channel] = (conversations, conversations, len(mine))
    conversations_by_day: Counter = Counter()
    for conversation in {s.conversation for s in sent}:
        first = next(s for s in sent if s.conversation == conversation)
        conversations_by_day[(first.day, first.channel)] += 1
    messages_by_day = Counter((s.day, s.channel) for s in sent)
    topics, flags, mentions, reasons = Counter(), Counter(), Counter(), Counter()
    after_surgery = 0
    subjects: Dict[str, List[Sent]] = {}
    for s in sent:
        p = parsed[s.text]
        intent = p["intent"]["name"]
        if intent in TOPICS:
            topics[intent] += 1
        kinds = list(dict.fromkeys(e["value"] for e in p["entities"]
                                   if e["entity"] == "red_flag"))
        if intent == "emergency" and not kinds:
            kinds = ["unspecified"]
        flags.update(kinds)
        mentions.update(list(dict.fromkeys(e["value"] for e in p["entities"]
                                           if e["entity"] == "red_flag_mention")))
        after_surgery += intent == "after_surgery_concern" and not kinds
        reason = expected_reason(s, p)
        if reason:
            reasons[reason] += 1
            if s.subject:
                subjects.setdefault(s.subject, []).append(s)
        elif s.subject:
            pytest.fail(f"the model now answers {s.text!r} ({intent} "
                        f"{p['intent']['confidence']:.2f}): pick another phrasing for the "
                        f"{s.subject!r} questions")
    feedback = Counter()
    for conversation, question, helpful in FEEDBACK:
        feedback[(f"utter_{parsed[question]['intent']['name']}", helpful)] += 1
    unhelpful = sum(1 for c, q, h in FEEDBACK if not h and not q.startswith("/"))
    return Expected(
        channels, conversations_by_day, messages_by_day, topics, flags, mentions,
        after_surgery, reasons,
        {k: (len(v), len({s.conversation for s in v})) for k, v in subjects.items()},
        {k: [s.text for s in v] for k, v in subjects.items()}, feedback, unhelpful)


# --- running the README's command, and reading what it wrote ------------------------------

def run_report(env: Dict[str, str], *args: str, make: bool = False
               ) -> subprocess.CompletedProcess:
    full = {**base_env(), **env}
    if "MISS_DB_HOST" not in env:
        full.pop("MISS_DB_HOST", None)
    if make:   # `make report ...`, without re-installing anything an engineer is editing
        command = ["make", "--no-print-directory", "-o", ".venv/.stamps/spacy",
                   "-o", ".venv/.stamps/venv", "report", *args]
    else:
        command = [sys.executable, "-m", "assistant.report", *args]
    started = time.monotonic()
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=full, capture_output=True, text=True,
                            timeout=600)
    print(f"{' '.join(command)}: {time.monotonic() - started:.1f} s\n{result.stdout}")
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def read_csv(out: Path, name: str) -> List[Dict[str, str]]:
    with (out / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def without_pictures(html: str) -> str:
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,", html)


def check_report(out: Path, expected: Expected, filled: Filled, served: Served) -> str:
    from assistant.report.phrases import shown_text

    # Who used it, and where.
    channels = {r["channel"]: (int(r["patients"]), int(r["conversations"]), int(r["messages"]))
                for r in read_csv(out, "channels")}
    assert channels == expected.channels
    by_day = {(r["day"], r["channel"]): (int(r["conversations"]), int(r["messages"]))
              for r in read_csv(out, "activity_by_day")
              if int(r["conversations"]) or int(r["messages"])}
    assert by_day == {key: (expected.by_day.get(key, 0), n)
                      for key, n in expected.messages_by_day.items()}

    # Topics, and each topic question got its topic's answer.
    topics = {r["topic"]: r for r in read_csv(out, "topics")}
    assert set(topics) == set(TOPICS)
    assert {t: int(r["questions"]) for t, r in topics.items() if int(r["questions"])} \
        == dict(expected.topics)
    for topic, row in topics.items():
        assert int(row["answers_given"]) == int(row["questions"]), topic
    assert int(topics["recovery_time"]["buttons"]) == 1

    # Red flags by kind, after-surgery concerns: all advised at once, as the first reply.
    flags = {r["kind"]: r for r in read_csv(out, "red_flags")}
    assert {k: int(r["messages"]) for k, r in flags.items() if int(r["messages"])} == {
        **expected.flags, **({"after_surgery": expected.after_surgery}
                             if expected.after_surgery else {})}
    for kind, row in flags.items():
        assert row["immediate"] == row["advice_first"] == row["messages"], row
        assert row["no_advice"] == "0"
        if int(row["messages"]):
            assert 0 <= float(row["max_ms"]) < 2000, row
    assert {k: int(r["mentioned_only"]) for k, r in flags.items()
            if int(r["mentioned_only"])} == dict(expected.mentions)
    events = read_csv(out, "red_flag_events")
    assert len(events) == sum(expected.flags.values()) + expected.after_surgery
    assert all(e["immediate"] == "1" for e in events)

    # The questions it could not answer: counted by why, grouped by meaning.
    summary = {r["measure"]: r["value"] for r in read_csv(out, "summary")}
    assert int(summary["unanswered messages"]) == sum(expected.reasons.values())
    for reason in ("declined", "not covered", "fell back", "low confidence"):
        assert int(summary[f"unanswered: {reason}"]) == expected.reasons.get(reason, 0), reason
    assert expected.reasons["declined"] and expected.reasons["low confidence"]
    groups = read_csv(out, "unanswered_groups")
    assert sum(int(g["messages"]) for g in groups) == sum(expected.reasons.values())
    assert [int(g["messages"]) for g in groups] == sorted(
        (int(g["messages"]) for g in groups), reverse=True), "largest group first"
    for group in groups:
        examples = [group[f"example_{i}"] for i in (1, 2, 3) if group[f"example_{i}"]]
        if int(group["conversations"]) >= 3:
            assert 1 <= len(examples) <= 3, group
        else:
            assert not examples, f"phrasings shown for fewer than 3 conversations: {group}"
        assert group["nearest_topic"] in TOPICS, group
    for subject, (messages, conversations) in expected.subjects.items():
        # A group shown is known by its words; one hidden by its numbers only.
        matching = [g for g in groups if int(g["messages"]) == messages
                    and int(g["conversations"]) == conversations
                    and (conversations < 3 or subject[:4] in g["example_1"].lower())]
        assert len(matching) == 1, (subject, messages, conversations, groups)
        group = matching[0]
        examples = [group[f"example_{i}"] for i in (1, 2, 3) if group[f"example_{i}"]]
        if conversations >= 3:
            assert len(examples) == min(3, len(set(expected.subject_texts[subject])))
            allowed = {shown_text(t) for t in expected.subject_texts[subject]}
            assert set(examples) <= allowed, (examples, allowed)
            assert all(subject[:4] in e.lower() for e in examples), examples
    assert expected.subjects["ibuprofen"][1] >= 3 and expected.subjects["taxi"] == (3, 1)

    # Was this helpful?
    feedback = {(r["response"], True): int(r["helpful"]) for r in read_csv(out, "feedback")}
    feedback.update({(r["response"], False): int(r["not_helpful"])
                     for r in read_csv(out, "feedback")})
    assert {k: v for k, v in feedback.items() if v} == dict(expected.feedback)
    unhelpful = read_csv(out, "unhelpful_groups")
    assert sum(int(g["messages"]) for g in unhelpful) == expected.unhelpful
    assert not any(g["example_1"] for g in unhelpful)   # each asked in one conversation only

    # The HTML: self-contained, with its pictures, and nothing personal.
    html = (out / "report.html").read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    pictures = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)"',
                          html)
    assert len(pictures) == 6
    for data, alt in pictures:
        assert base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n") and alt
    text = without_pictures(html)
    for outside in ("<script", "<link", "@import", "src=\"http", "url(", "<iframe"):
        assert outside not in text, outside
    for heading in ("Conversations and channels", "Topics asked about",
                    "Red flags and after-surgery concerns", "could not answer",
                    "Was this helpful?"):
        assert heading in text
    personal = [EMAIL, "john.doe", BIRTH_DATE, "1961", PHONE_NUMBER, "900123",
                *filled.senders.values()]
    personal += [phone.number for phone in filled.phones.values()]
    personal += [phone.number.lstrip("+") for phone in filled.phones.values()]
    files = {"report.html": text}
    files.update({p.name: p.read_text("utf-8") for p in out.glob("*.csv")})
    for name, content in files.items():
        for detail in personal:
            assert detail not in content, f"{detail!r} in {name}"
    # The largest group is shown as patients asked it, with the e-mail address redacted.
    assert html_escape(shown_text(f"my email is {EMAIL}, is ibuprofen safe after surgery?")) \
        in text
    return html


# --- the tests --------------------------------------------------------------------------

def screenshot(html: Path, png: Path) -> None:
    """The top of the report as a picture (README), with Debian's Chromium."""
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1100,5600", f"--screenshot={png}", html.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert png.stat().st_size > 10_000


@pytest.mark.server
def test_report_on_sqlite(trained_model, tmp_path):
    with serve(tmp_path, "report-server-logs") as served:
        filled = fill(served, browser=True)
        # The widget's "No" is in the conversation, as an event beside the turns.
        events = served.tracker(filled.senders["W1"])
        ratings = [e["data"]["feedback"] for e in events if e["event"] == "agent"]
        assert [(r["helpful"], r["utter_action"]) for r in ratings] == [
            (False, "utter_recovery_time")]
        back_date(served.env, filled, BACK_DATED, 40)
        expected_30 = expect_report(served, filled, with_back_dated=False)
        expected_all = expect_report(served, filled, with_back_dated=True)
    env = {"MISS_DATA_DIR": served.env["MISS_DATA_DIR"]}

    out = ARTIFACTS / "report-sqlite"
    result = run_report(env, "--days", "30", "--out", str(out))
    assert "(SQLite)" in result.stdout and str(out / "report.html") in result.stdout
    check_report(out, expected_30, filled, served)
    screenshot(out / "report.html", ARTIFACTS / "report-screenshot.png")

    # --since/--until: the conversation of 40 days ago is in, and the knee question,
    # now asked in three conversations, shows how it was asked.
    since = (datetime.now() - timedelta(days=45)).date().isoformat()
    out_all = ARTIFACTS / "report-sqlite-since"
    run_report(env, "--since", since, "--until", today(), "--out", str(out_all))
    check_report(out_all, expected_all, filled, served)
    assert expected_all.subjects["knee"] == (3, 3) and expected_30.subjects["knee"] == (2, 2)
    assert expected_all.flags["crisis"] == expected_30.flags["crisis"] + 1


@pytest.mark.server
def test_report_on_postgresql(trained_model, tmp_path):
    if postgres_bin() is None:
        pytest.fail(INSTALL_HINT)
    with running_postgres() as postgres:
        with serve(tmp_path, "report-pg-server-logs", postgres.env) as served:
            filled = fill(served, browser=False)
            back_date(served.env, filled, BACK_DATED, 40)
            expected = expect_report(served, filled, with_back_dated=False)
        out = ARTIFACTS / "report-postgresql"
        result = run_report(postgres.env, "DAYS=30", f"OUT={out}", make=True)
        assert "(PostgreSQL)" in result.stdout
        assert postgres.password not in result.stdout + result.stderr
        html = check_report(out, expected, filled, served)
        assert "PostgreSQL" in html


# --- without a server ---------------------------------------------------------------------

def test_the_report_reads_feedback_red_flags_and_unanswered_questions_from_rows():
    from assistant.report.analysis import Analysis

    def user(text, intent, confidence=0.99, entities=(), ranking=()):
        return json.dumps({"event": "user", "text": text, "input_channel": "rest",
                           "parse_data": {"intent": {"name": intent, "confidence": confidence},
                                          "entities": list(entities),
                                          "intent_ranking": list(ranking)}})

    def bot(utter):
        return json.dumps({"event": "bot", "text": "…", "metadata": {"utter_action": utter}})

    def rating(utter, at, helpful):
        return json.dumps({"event": "agent", "text": None, "data": {
            "feedback": {"helpful": helpful, "utter_action": utter, "answer_at": at}}})

    t = 1_700_000_000.0
    rows = [
        ("web-a", "user", t, "cost", user("how much is it", "cost")),
        ("web-a", "bot", t + 0.01, None, bot("utter_cost")),
        ("sms-b", "user", t + 1, "emergency", user("no bladder control", "emergency", 1.0, [
            {"entity": "red_flag", "value": "bladder_bowel"}])),
        ("sms-b", "bot", t + 1.2, None, bot("utter_greet")),       # not the advice first
        ("sms-b", "bot", t + 1.3, None, bot("utter_emergency")),
        ("web-a", "agent", t + 5, None, rating("utter_cost", t + 0.01, True)),
        ("web-a", "agent", t + 6, None, rating("utter_cost", t + 0.01, False)),  # changed
        ("shell-c", "user", t + 7, "out_of_scope", user("call me on +1 555 010 0199",
                                                        "out_of_scope", 0.9, (), [
            {"name": "out_of_scope", "confidence": 0.9}, {"name": "pain", "confidence": 0.1}])),
        ("shell-c", "bot", t + 7.1, None, bot("utter_cannot_answer")),
        ("shell-c", "session_started", t + 9000, None, "{}"),
        ("shell-c", "user", t + 9001, "pain", user("does it hurt", "pain", 0.3)),
        ("shell-c", "bot", t + 9001.1, None, bot("utter_pain")),
        ("other", "user", t + 9002, "greet", user("hi", "greet")),
        # The classifier unsure: declined now; a passage of the guide in conversations
        # stored before the article search was removed.
        ("other", "user", t + 9003, "nlu_fallback", user("the thing", "nlu_fallback", 0.2)),
        ("other", "bot", t + 9003.1, None, bot("utter_cannot_answer")),
        ("other", "user", t + 9004, "nlu_fallback", user("what of it", "nlu_fallback", 0.2)),
        ("other", "bot", t + 9004.1, None, bot("utter_article_passage")),
    ]
    a = Analysis(t - 10, t + 10_000).feed_all(rows)
    assert (a.patients, a.conversations, a.messages) == (4, 5, 7)
    assert dict(a.conversations_by_channel) == {"Widget": 1, "SMS": 1, "Shell": 2,
                                                "REST API": 1}
    assert dict(a.feedback) == {("utter_cost", False): 1}       # the last choice counts
    flag = a.flags["bladder_bowel"]
    assert (flag.messages, flag.first, flag.immediate) == (1, 0, 0)
    assert abs(flag.seconds[0] - 0.3) < 1e-6
    assert dict(a.unanswered_by_reason) == {"declined": 1, "low confidence": 1,
                                            "not covered": 1, "fell back": 1}
    assert sorted(p.text for p in a.unanswered.values()) == ["call me on [phone]",
                                                             "does it hurt", "the thing",
                                                             "what of it"]
    assert a.unhelpful and next(iter(a.unhelpful.values())).text == "how much is it"


def test_groups_show_phrasings_only_when_three_conversations_asked():
    from assistant.report.phrases import Phrases, group_phrases

    phrases = Phrases()
    for conversation, text in enumerate(["Can I take ibuprofen after surgery?",
                                         "is ibuprofen ok after the operation",
                                         "ibuprofen after my op, allowed?"]):
        phrases.add(text, conversation, "declined", ("pain", 0.2))
    for text in ["can you book me a taxi", "book a taxi for me please"]:
        phrases.add(text, 7, "declined", ("contact_clinic", 0.1))
    phrases.add("what about knee replacement", 8, "declined")
    phrases.add("do you do knee replacements", 9, "declined")
    groups = group_phrases(phrases)
    assert [(g.messages, g.conversations) for g in groups] == [(3, 3), (2, 2), (2, 1)]
    assert len(groups[0].examples) == 3 and groups[0].nearest_topic == "pain"
    assert groups[1].examples == [] and groups[2].examples == []


def test_words_every_question_holds_do_not_group_questions_together():
    """"surgery", "spine", "back", "MIS", ... (TOPIC_WORDS) are in nearly every question:
    sharing them alone puts no two questions in one group."""
    from assistant.report.grouping import TOPIC_WORDS, group

    def words(texts):
        return [text.lower().split() for text in texts]

    texts = ["spine surgery cost", "minimally invasive back surgery cost",
             "spine surgery scar", "surgeon mis technique"]
    assert sorted(map(sorted, group(texts, lemmatizer=words))) == [[0, 1], [2], [3]]
    assert {"surgery", "spine", "spinal", "back", "mis", "miss", "surgeon"} <= TOPIC_WORDS
    assert not TOPIC_WORDS & {"cost", "scar", "knee", "ibuprofen", "recovery", "pain"}


def test_report_period_from_days_or_since_until():
    from assistant.report.__main__ import period

    now = datetime(2026, 11, 27, 15, 0).timestamp()
    assert period(30, None, None, now) == (now - 30 * DAY, now)
    since, until = period(None, datetime(2026, 11, 1), datetime(2026, 11, 30), now)
    assert (datetime.fromtimestamp(since), datetime.fromtimestamp(until)) == (
        datetime(2026, 11, 1), datetime(2026, 12, 1))


def test_make_report_runs_the_readme_command():
    result = subprocess.run(["make", "-n", "--no-print-directory", "-o", ".venv/.stamps/spacy",
                             "-o", ".venv/.stamps/venv", "report", "DAYS=7"],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert ".venv/bin/python -m assistant.report --days 7" in result.stdout, result.stdout
