"""How long the clinic's report takes on many conversations, and how much memory.

    .venv/bin/python -m assistant.report_benchmark                  # 100,000 conversations
    .venv/bin/python -m assistant.report_benchmark --conversations 20000

Writes generated conversations straight into a temporary SQLite file with the
table of Rasa's SQL tracker store, row for row as the servers store them (a
session start, then for each message the patient's message with the
classifier's reading, the featurization marker, the action, the reply and the
listen action; feedback events after some widget answers), spread over the last
30 days: widget, SMS, REST API and shell; topic questions, greetings, red flags,
after-surgery concerns, and questions the guide cannot answer in many wordings
(some with a phone number or e-mail address typed in). Then it runs
``python -m assistant.report --days 30`` on that file in a child process and
prints the time and the child's peak memory (resident set size). The file is
removed afterwards (``--keep`` keeps it).
"""
import argparse
import json
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from miss_config.paths import PROJECT_ROOT

DAY = 24 * 60 * 60
META = {"model_id": "d76141f3f8ff497285ced871e77d924b", "assistant_id": "miss-assistant"}

TOPIC_QUESTIONS = {
    "what_is_miss": ["what is minimally invasive spine surgery?", "what is MISS",
                     "explain keyhole spine surgery"],
    "benefits": ["what are the benefits", "why is it better than open surgery"],
    "incisions_scarring": ["does it leave a scar", "how big is the cut"],
    "techniques": ["what techniques do surgeons use", "what is a tubular retractor"],
    "conditions_treated": ["can it treat a herniated disc", "what conditions does it treat"],
    "candidacy": ["am I a candidate", "who can have this surgery"],
    "recovery_time": ["how long is recovery", "when will I be back to normal"],
    "hospital_stay": ["how long will I stay in hospital", "can I go home the same day"],
    "pain": ["will it hurt after the operation", "how painful is it"],
    "risks_complications": ["what are the risks", "is it safe"],
    "cost": ["how much does it cost", "does insurance pay for it"],
    "return_to_work": ["when can I go back to work", "how much time off work"],
    "effectiveness_outcomes": ["does it work", "what is the success rate"],
    "future_technology": ["do you use robots", "what is new in spine surgery"],
    "alternatives": ["are there other options", "can I avoid surgery"],
}
OTHER = [("greet", "hello", "utter_greet"), ("thank", "thank you", "utter_thank"),
         ("goodbye", "bye", "utter_goodbye"), ("contact_clinic", "what is your phone number",
                                               "utter_contact_clinic")]
RED_FLAGS = [("since this morning I can't control my bladder", ["bladder_bowel"]),
             ("I have chest pain and can't breathe", ["chest_breathing"]),
             ("my leg suddenly went weak", ["leg_weakness"]),
             ("I have a fever and the wound is leaking", ["fever", "wound"]),
             ("I fell down the stairs and the pain is terrible", ["trauma"]),
             ("I want to end my life", ["crisis"])]
AFTER_SURGERY = ["I had my operation 5 days ago and my back is sore",
                 "I had surgery last week and feel tired"]
# Questions the guide does not answer: a subject in several wordings.
SUBJECTS = ["ibuprofen", "aspirin", "warfarin", "smoking", "alcohol", "driving", "flying",
            "swimming", "a back brace", "sex", "sleeping on my side", "knee replacement",
            "hip replacement", "neck surgery", "an MRI", "a second opinion", "physio",
            "stitches", "a shower", "lifting my child", "my diet", "vitamins", "yoga",
            "running", "golf", "cycling", "a taxi", "parking", "visiting hours", "my dog",
            "screws and rods", "metal detectors", "anesthesia", "blood donation",
            "a wheelchair", "stairs", "a sick note", "my pension", "acupuncture", "massage"]
WORDINGS = ["can I have {s} after the operation?", "is {s} ok after spine surgery",
            "what about {s}", "question about {s} please", "do you know anything about {s}",
            "{s} after surgery?", "when is {s} allowed again", "tell me about {s}"]
FILLERS = ["", "", "", "hi, ", "sorry, ", "quick question: ", "my doctor asked: "]
DETAILS = ["", "", "", "", "", " call me on 07700 9001{n:02d}", " my email is pat{n}@example.com",
           " I was born 0{m}/07/1961"]
LONG_TAIL_VERBS = ["bring", "wear", "eat", "use", "take", "carry", "move", "keep", "need", "get"]
LONG_TAIL_NOUNS = ("pillow phone laptop book glasses earrings ring watch shoes socks tea coffee "
                   "juice chocolate crossword radio tablet charger slippers blanket camera "
                   "medicine cream lotion shampoo razor makeup perfume nails hair teeth").split()


def _ranking(top: str, confidence: float, rng: random.Random,
             names: Sequence[str]) -> List[Dict]:
    others = [n for n in names if n != top]
    rest = 1.0 - confidence
    picked = rng.sample(others, 9)
    weights = sorted((rng.random() for _ in picked), reverse=True)
    total = sum(weights) or 1.0
    return [{"name": top, "confidence": confidence}] + [
        {"name": n, "confidence": rest * w / total} for n, w in zip(picked, weights)]


class Generator:
    """Rows of Rasa's events table, as the servers write them."""

    def __init__(self, seed: int = 12) -> None:
        self.rng = random.Random(seed)
        self.intents = list(TOPIC_QUESTIONS) + [o[0] for o in OTHER] + [
            "emergency", "after_surgery_concern", "out_of_scope", "nlu_fallback"]
        answer = {"source": {"document": "patient guide", "quote": "A passage of the guide."}}
        self.bot_text = "An answer of about sixty words from the patient guide. " * 6
        self._bot = {}
        for utter in [f"utter_{t}" for t in TOPIC_QUESTIONS] + [o[2] for o in OTHER] + [
                "utter_emergency", "utter_after_surgery", "utter_cannot_answer"]:
            custom = answer if utter[6:] in TOPIC_QUESTIONS \
                else ({"triage": "acute"} if utter == "utter_emergency" else None)
            buttons = ([{"title": "What is MISS?", "payload": "/what_is_miss"}] * 8
                       if utter == "utter_cannot_answer" else None)
            body = json.dumps({"metadata": {"utter_action": utter, **META},
                               "text": self.bot_text,
                               "data": {"elements": None, "quick_replies": None,
                                        "buttons": buttons, "attachment": None, "image": None,
                                        "custom": custom}})
            self._bot[utter] = '{"event": "bot", "timestamp": %r, ' + body[1:]

    def action(self, name: str, ts: float) -> str:
        return json.dumps({"event": "action", "timestamp": ts, "metadata": META, "name": name,
                           "policy": "RulePolicy", "confidence": 1.0, "action_text": None,
                           "hide_rule_turn": False})

    def user(self, text: str, intent: str, confidence: float, entities: List[Dict],
             ts: float, channel: str) -> str:
        message_id = uuid.UUID(int=self.rng.getrandbits(128)).hex
        return json.dumps({
            "event": "user", "timestamp": ts, "metadata": META, "text": text,
            "parse_data": {"intent": {"name": intent, "confidence": confidence},
                           "entities": entities, "text": text, "message_id": message_id,
                           "metadata": {}, "text_tokens": [[0, 3], [4, 8]],
                           "intent_ranking": _ranking(intent, confidence, self.rng,
                                                      self.intents)},
            "input_channel": channel, "message_id": message_id})

    def unanswered_text(self) -> str:
        rng = self.rng
        if rng.random() < 0.2:   # the long tail: nearly every one different
            return (f"can I {rng.choice(LONG_TAIL_VERBS)} my {rng.choice(LONG_TAIL_NOUNS)} "
                    f"and {rng.choice(LONG_TAIL_NOUNS)} in hospital")
        text = rng.choice(FILLERS) + rng.choice(WORDINGS).format(s=rng.choice(SUBJECTS))
        return text + rng.choice(DETAILS).format(n=rng.randrange(100), m=rng.randrange(1, 10))

    def turn(self, ts: float) -> Tuple[str, str, float, List[Dict], List[str]]:
        """(text, intent, confidence, entities, replies)"""
        rng = self.rng
        r = rng.random()
        if r < 0.60:
            topic = rng.choice(list(TOPIC_QUESTIONS))
            confidence = rng.uniform(0.55, 1.0) if rng.random() < 0.93 else rng.uniform(0.2, 0.5)
            text = rng.choice(TOPIC_QUESTIONS[topic]) if rng.random() < 0.8 else f"/{topic}"
            return text, topic, confidence, [], [f"utter_{topic}"]
        if r < 0.74:
            intent, text, utter = rng.choice(OTHER)
            return text, intent, rng.uniform(0.8, 1.0), [], [utter]
        if r < 0.76:
            text, kinds = rng.choice(RED_FLAGS)
            return text, "emergency", 1.0, [{"entity": "red_flag", "value": k,
                                             "extractor": "Triage"} for k in kinds], \
                ["utter_emergency"]
        if r < 0.77:
            return rng.choice(AFTER_SURGERY), "after_surgery_concern", 1.0, [], \
                ["utter_after_surgery"]
        text = self.unanswered_text()
        if r < 0.93:
            return text, "out_of_scope", rng.uniform(0.5, 1.0), [], ["utter_cannot_answer"]
        return text, "nlu_fallback", 0.2, [], ["utter_cannot_answer"]

    def conversation(self, start: float) -> Tuple[str, List[Tuple]]:
        rng = self.rng
        r = rng.random()
        prefix = "web-" if r < 0.6 else "sms-" if r < 0.85 else "patient-" if r < 0.95 \
            else "shell-"
        sender = prefix + uuid.UUID(int=rng.getrandbits(128)).hex[:24]
        ts = start
        rows = [(sender, "action", ts, None, "action_session_start",
                 self.action("action_session_start", ts)),
                (sender, "session_started", ts, None, None,
                 json.dumps({"event": "session_started", "timestamp": ts, "metadata": META})),
                (sender, "action", ts, None, "action_listen", self.action("action_listen", ts))]
        for _ in range(rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6))):
            ts += rng.uniform(5, 120)
            text, intent, confidence, entities, replies = self.turn(ts)
            rows.append((sender, "user", ts, intent, None,
                         self.user(text, intent, confidence, entities, ts,
                                   "twilio_sms" if prefix == "sms-" else "rest")))
            rows.append((sender, "user_featurization", ts + 0.001, None, None, json.dumps(
                {"event": "user_featurization", "timestamp": ts + 0.001, "metadata": META,
                 "use_text_for_featurization": False})))
            for n, utter in enumerate(replies):
                at = ts + 0.004 + n * 0.001
                rows.append((sender, "action", at, None, utter, self.action(utter, at)))
                rows.append((sender, "bot", at, None, None, self._bot[utter] % at))
                if prefix == "web-" and utter[6:] in TOPIC_QUESTIONS and rng.random() < 0.15:
                    rated = at + rng.uniform(3, 30)
                    rows.append((sender, "agent", rated, None, None, json.dumps({
                        "event": "agent", "timestamp": rated, "metadata": {}, "text": None,
                        "data": {"feedback": {"helpful": rng.random() < 0.7,
                                              "utter_action": utter, "answer_at": at}}})))
            rows.append((sender, "action", ts + 0.01, None, "action_listen",
                         self.action("action_listen", ts + 0.01)))
        return sender, rows


def generate(path: Path, conversations: int, days: float = 30, now: Optional[float] = None,
             seed: int = 12) -> int:
    """Writes ``conversations`` generated conversations to the SQLite file ``path``;
    returns the number of rows."""
    now = time.time() if now is None else now
    generator = Generator(seed)
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE events (id INTEGER NOT NULL, sender_id VARCHAR(255) NOT "
                       "NULL, type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name "
                       "VARCHAR(255), action_name VARCHAR(255), data TEXT, PRIMARY KEY (id))")
    connection.execute("CREATE INDEX ix_events_sender_id ON events (sender_id)")
    # Conversations overlap in time, as patients chat at once: rows of several are
    # interleaved, in the order of their time stamps.
    starts = sorted(now - generator.rng.uniform(0.01, days - 0.01) * DAY
                    for _ in range(conversations))
    rows = 0
    batch: List[Tuple] = []
    window: List[Tuple] = []
    for n, start in enumerate(starts):
        window += generator.conversation(start)[1]
        if len(window) > 20_000 or n == len(starts) - 1:
            window.sort(key=lambda row: row[2])
            cut = len(window) if n == len(starts) - 1 else len(window) // 2
            batch, window = window[:cut], window[cut:]
            connection.executemany("INSERT INTO events (sender_id, type_name, timestamp, "
                                   "intent_name, action_name, data) VALUES (?, ?, ?, ?, ?, ?)",
                                   batch)
            rows += len(batch)
    connection.commit()
    connection.close()
    return rows


def run_report(db: Path, out: Path, days: float = 30) -> Tuple[float, float, str]:
    """(seconds, peak resident memory in MB, its output) of the report in a child process."""
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "assistant.report", "--days", str(days),
                             "--database-url", f"sqlite:///{db}", "--out", str(out)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(result.stdout + result.stderr)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peak_kb / 1024, result.stdout


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="miss-report-benchmark-"))
    try:
        db = folder / "conversations.sqlite3"
        started = time.monotonic()
        rows = generate(db, args.conversations)
        size = db.stat().st_size / 1e6
        print(f"Generated {args.conversations:,} conversations: {rows:,} events, "
              f"{size:,.0f} MB of SQLite, in {time.monotonic() - started:.1f} s.", flush=True)
        seconds, peak, output = run_report(db, folder / "report")
        print(output.strip())
        print(f"Report on {args.conversations:,} conversations: {seconds:.1f} s in all "
              f"(start-up included), peak memory {peak:,.0f} MB.")
        if args.keep:
            print(f"Kept in {folder}")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
