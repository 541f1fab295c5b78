"""The report's numbers as tables: written as CSV files and shown in the HTML.

Nothing in them names a conversation or a patient: counts, days, channels,
topics, response names, and the (redacted) phrasings of groups asked in at least
three conversations.
"""
import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Sequence

from assistant.report.analysis import Analysis, median, period_days
from assistant.report.labels import AFTER_SURGERY, CHANNELS, REASONS, kind_label, topic_label
from assistant.report.phrases import EXAMPLES_PER_GROUP, Group


@dataclass
class Table:
    name: str                 # the CSV file's name, without .csv
    columns: Sequence[str]
    rows: List[Sequence[Any]]

    def write(self, folder: Path) -> Path:
        path = folder / f"{self.name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(self.columns)
            writer.writerows([["" if v is None else v for v in row] for row in self.rows])
        return path


def _ms(seconds: Any) -> Any:
    return None if seconds is None else round(seconds * 1000, 1)


def answer_label(utter: str) -> str:
    """How a response is named in the report: its topic, or what it is."""
    special = {"utter_emergency": "Emergency advice",
               "utter_after_surgery": "After-surgery advice",
               "utter_cannot_answer": "Declined (cannot answer)",
               # Only in conversations stored before the article search was removed.
               "utter_article_passage": "Passage from the guide (search)",
               "utter_greet": "Greeting", "utter_goodbye": "Goodbye",
               "utter_thank": "You're welcome", "utter_bot_challenge": "I'm a computer",
               "utter_contact_clinic": "Clinic contact",
               "utter_empty_message": "Empty message",
               "utter_message_too_long": "Message too long",
               "utter_service_unavailable": "Service unavailable"}
    if utter in special:
        return special[utter]
    if utter.startswith("utter_"):
        return topic_label(utter[len("utter_"):])
    return utter


def summary(a: Analysis, groups: List[Group], store: str) -> Table:
    flags = [a.flags[k] for k in a.flag_kinds()]
    after = a.flags.get(AFTER_SURGERY)
    helpful = sum(v for (u, h), v in a.feedback.items() if h)
    unhelpful = sum(v for (u, h), v in a.feedback.items() if not h)
    rows = [
        ("since", _day(a.since)), ("until", _day(a.until, end=True)), ("store", store),
        ("patients", a.patients), ("conversations", a.conversations),
        ("messages", a.messages),
        ("topic questions", sum(a.topics.values())),
        ("red flag messages", sum(f.messages for f in flags)),
        ("red flag advice immediate", sum(f.immediate for f in flags)),
        ("after-surgery concerns", after.messages if after else 0),
        ("after-surgery advice immediate", after.immediate if after else 0),
        ("unanswered messages", a.unanswered_messages),
        ("unanswered groups", len(groups)),
        ("rated helpful", helpful), ("rated not helpful", unhelpful),
    ]
    rows += [(f"unanswered: {reason}", a.unanswered_by_reason.get(reason, 0))
             for reason in REASONS]
    return Table("summary", ("measure", "value"), [list(r) for r in rows])


def _day(ts: float, end: bool = False) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(ts - (1e-6 if end else 0)).strftime("%Y-%m-%d %H:%M")


def activity(a: Analysis) -> Table:
    days = [d.isoformat() for d in period_days(a.since, a.until)] or a.days()
    rows = []
    for day in days:
        for channel in a.channels() or [CHANNELS[0]]:
            rows.append([day, channel, a.conversations_by_day.get((day, channel), 0),
                         a.messages_by_day.get((day, channel), 0)])
    return Table("activity_by_day", ("day", "channel", "conversations", "messages"), rows)


def channels(a: Analysis) -> Table:
    rows = [[c, a.patients_by_channel.get(c, 0), a.conversations_by_channel.get(c, 0),
             a.messages_by_channel.get(c, 0)] for c in a.channels()]
    return Table("channels", ("channel", "patients", "conversations", "messages"), rows)


def topics(a: Analysis, order: Sequence[str]) -> Table:
    rows = []
    for topic in order:
        asked = a.topics.get(topic, 0)
        buttons = a.topics_by_button.get(topic, 0)
        rows.append([topic, topic_label(topic), asked, asked - buttons, buttons,
                     a.answers.get(f"utter_{topic}", 0)])
    rows.sort(key=lambda r: (-r[2], r[1]))
    return Table("topics", ("topic", "label", "questions", "typed", "buttons",
                            "answers_given"), rows)


def answers(a: Analysis) -> Table:
    rows = [[u, answer_label(u), n, a.feedback.get((u, True), 0), a.feedback.get((u, False), 0)]
            for u, n in sorted(a.answers.items(), key=lambda kv: (-kv[1], kv[0]))]
    return Table("answers", ("response", "label", "times_given", "helpful", "not_helpful"), rows)


def red_flags(a: Analysis) -> Table:
    kinds = a.flag_kinds() + ([AFTER_SURGERY] if AFTER_SURGERY in a.flags else [])
    kinds += sorted(k for k in a.mentions if k not in kinds)
    rows = []
    for kind in kinds:
        f = a.flags.get(kind)
        if f is None:
            rows.append([kind, kind_label(kind), 0, 0, 0, 0, 0, None, None,
                         a.mentions.get(kind, 0)])
            continue
        rows.append([kind, kind_label(kind), f.messages, len(f.conversations), f.first,
                     f.immediate, f.no_advice, _ms(median(f.seconds)),
                     _ms(max(f.seconds) if f.seconds else None), a.mentions.get(kind, 0)])
    return Table("red_flags", ("kind", "label", "messages", "conversations", "advice_first",
                               "immediate", "no_advice", "median_ms", "max_ms",
                               "mentioned_only"), rows)


def red_flag_events(a: Analysis) -> Table:
    rows = [[e.day, e.kind, e.channel, _ms(e.seconds), int(e.first), int(e.immediate)]
            for e in sorted(a.flag_events, key=lambda e: (e.day, e.kind))]
    return Table("red_flag_events", ("day", "kind", "channel", "milliseconds", "advice_first",
                                     "immediate"), rows)


def groups_table(name: str, groups: List[Group]) -> Table:
    rows = []
    for rank, g in enumerate(groups, 1):
        examples = list(g.examples) + [""] * (EXAMPLES_PER_GROUP - len(g.examples))
        rows.append([rank, g.messages, g.conversations, g.phrasings, g.nearest_topic,
                     topic_label(g.nearest_topic)]
                    + [g.reasons.get(r, 0) for r in REASONS] + examples)
    return Table(name, ["rank", "messages", "conversations", "phrasings", "nearest_topic",
                        "nearest_topic_label"] + [r.replace(" ", "_") for r in REASONS]
                 + [f"example_{i + 1}" for i in range(EXAMPLES_PER_GROUP)], rows)


def feedback(a: Analysis) -> Table:
    answers_ = sorted({u for u, _ in a.feedback},
                      key=lambda u: (-a.feedback.get((u, False), 0),
                                     -a.feedback.get((u, True), 0), u))
    rows = [[u, answer_label(u), a.feedback.get((u, True), 0), a.feedback.get((u, False), 0)]
            for u in answers_]
    return Table("feedback", ("response", "label", "helpful", "not_helpful"), rows)


def all_tables(a: Analysis, unanswered: List[Group], unhelpful: List[Group],
               topic_order: Sequence[str], store: str) -> Dict[str, Table]:
    tables = [summary(a, unanswered, store), activity(a), channels(a), topics(a, topic_order),
              answers(a), red_flags(a), red_flag_events(a),
              groups_table("unanswered_groups", unanswered), feedback(a),
              groups_table("unhelpful_groups", unhelpful)]
    return {t.name: t for t in tables}
