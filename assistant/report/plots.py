"""The report's pictures, drawn with matplotlib (Agg, no display) as PNG bytes.

Colours are the Okabe-Ito palette, which people with colour-blindness can tell
apart; every picture also has its numbers in a table beside it in the report.
"""
import io
import warnings
from typing import Dict, List, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from assistant.report.analysis import Analysis, period_days  # noqa: E402
from assistant.report.labels import AFTER_SURGERY, REASONS, kind_label, topic_label  # noqa: E402
from assistant.report.phrases import Group  # noqa: E402

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000"]
CHANNEL_COLOURS = {"Widget": "#0072B2", "SMS": "#E69F00", "Shell": "#009E73",
                   "REST API": "#CC79A7"}
REASON_COLOURS = dict(zip(REASONS, ["#D55E00", "#E69F00", "#56B4E9", "#CC79A7"]))
HELPFUL, UNHELPFUL = "#009E73", "#D55E00"
WIDTH = 9.0   # inches; at DPI, about 1000 pixels
DPI = 110

plt.rcParams.update({"font.size": 10, "axes.spines.top": False, "axes.spines.right": False,
                     "axes.titlesize": 11, "axes.titleweight": "bold",
                     "svg.fonttype": "none"})


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#4a5260")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def activity(a: Analysis) -> bytes:
    """Conversations and messages per day, stacked by channel."""
    days = [d.isoformat() for d in period_days(a.since, a.until)] or a.days()
    channels = a.channels()
    fig, axes = plt.subplots(2, 1, figsize=(WIDTH, 5.6), sharex=True)
    for ax, counts, title in ((axes[0], a.conversations_by_day, "Conversations per day"),
                              (axes[1], a.messages_by_day, "Patients' messages per day")):
        ax.set_title(title, loc="left")
        if not channels:
            _empty(ax, "No conversations in this period")
            continue
        bottom = [0] * len(days)
        x = list(range(len(days)))
        for channel in channels:
            values = [counts.get((day, channel), 0) for day in days]
            ax.bar(x, values, bottom=bottom, label=channel, width=0.8,
                   color=CHANNEL_COLOURS.get(channel, PALETTE[-1]))
            bottom = [b + v for b, v in zip(bottom, values)]
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", color="#dddddd")
        ax.set_axisbelow(True)
    if channels:
        axes[0].legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
                       title="Channel")
        step = max(1, -(-len(days) // 10))
        axes[1].set_xticks(list(range(0, len(days), step)))
        axes[1].set_xticklabels([days[i][5:] for i in range(0, len(days), step)])
        axes[1].set_xlabel("Day (month-day)")
    fig.tight_layout()
    return _png(fig)


def _legend(ax, title: str = "") -> None:
    """The legend beside the picture, where it hides no bar."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, title=title or None)


def _barh(ax, labels: Sequence[str], series: Dict[str, Sequence[float]],
          colours: Dict[str, str], value_labels: bool = True) -> None:
    y = list(range(len(labels)))[::-1]
    left = [0.0] * len(labels)
    for name, values in series.items():
        ax.barh(y, values, left=left, label=name, color=colours.get(name), height=0.7)
        left = [l + v for l, v in zip(left, values)]
    ax.set_yticks(y)
    ax.set_yticklabels(labels)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="x", color="#dddddd")
    ax.set_axisbelow(True)
    if value_labels:
        for yy, total in zip(y, left):
            if total:
                ax.text(total, yy, f" {int(total)}", va="center", fontsize=9)


def topics(a: Analysis, order: Sequence[str]) -> bytes:
    """Questions per topic: typed, and chosen with a button."""
    shown = [t for t in order if a.topics.get(t)]
    fig, ax = plt.subplots(figsize=(WIDTH, max(2.2, 0.34 * len(shown) + 1.2)))
    ax.set_title("Topics patients asked about", loc="left")
    if not shown:
        _empty(ax, "No topic questions in this period")
        return _png(fig)
    typed = [a.topics[t] - a.topics_by_button.get(t, 0) for t in shown]
    buttons = [a.topics_by_button.get(t, 0) for t in shown]
    _barh(ax, [topic_label(t) for t in shown], {"typed": typed, "button": buttons},
          {"typed": PALETTE[0], "button": PALETTE[4]})
    ax.set_xlabel("Questions")
    _legend(ax)
    fig.tight_layout()
    return _png(fig)


def red_flags(a: Analysis) -> bytes:
    """Red flags by kind (and after-surgery concerns), with the ones only mentioned."""
    kinds = a.flag_kinds() + ([AFTER_SURGERY] if AFTER_SURGERY in a.flags else [])
    kinds += sorted(k for k in a.mentions if k not in kinds)
    fig, ax = plt.subplots(figsize=(WIDTH, max(2.2, 0.36 * len(kinds) + 1.2)))
    ax.set_title("Red flags and after-surgery concerns", loc="left")
    if not kinds:
        _empty(ax, "No red flags or after-surgery concerns in this period")
        return _png(fig)
    now_ = [a.flags[k].messages if k in a.flags else 0 for k in kinds]
    mentioned = [a.mentions.get(k, 0) for k in kinds]
    _barh(ax, [kind_label(k) for k in kinds],
          {"happening now: advice given": now_, "only mentioned in a question": mentioned},
          {"happening now: advice given": PALETTE[5],
           "only mentioned in a question": "#F4C7A1"})
    ax.set_xlabel("Messages")
    _legend(ax)
    fig.tight_layout()
    return _png(fig)


def advice_times(a: Analysis) -> bytes:
    """How long each red flag and after-surgery concern waited for its advice."""
    kinds = a.flag_kinds() + ([AFTER_SURGERY] if AFTER_SURGERY in a.flags else [])
    fig, ax = plt.subplots(figsize=(WIDTH, max(2.2, 0.36 * len(kinds) + 1.4)))
    ax.set_title("Time from the patient's message to the advice", loc="left")
    if not kinds:
        _empty(ax, "No red flags or after-surgery concerns in this period")
        return _png(fig)
    limit_ms = a.immediate_seconds * 1000
    y = list(range(len(kinds)))[::-1]
    for yy, kind in zip(y, kinds):
        events = [e for e in a.flag_events if e.kind == kind]
        late = [e for e in events if not e.immediate]
        fast = [e for e in events if e.immediate]
        for group, colour, marker in ((fast, PALETTE[2], "o"), (late, PALETTE[5], "X")):
            xs = [max(0.1, (e.seconds if e.seconds is not None else 60.0) * 1000) for e in group]
            jitter = [yy + ((i % 7) - 3) * 0.05 for i in range(len(xs))]
            ax.scatter(xs, jitter, s=28, color=colour, marker=marker, alpha=0.8,
                       edgecolors="none")
    ax.axvline(limit_ms, color="#000000", linestyle="--", linewidth=1)
    ax.text(limit_ms, len(kinds) - 0.45, f" immediate: within {a.immediate_seconds:g} s",
            fontsize=9, va="bottom")
    ax.set_xscale("log")
    ax.set_xlim(0.1, max(limit_ms * 5, 60_000))
    ax.set_yticks(y)
    ax.set_yticklabels([kind_label(k) for k in kinds])
    ax.set_ylim(-0.6, len(kinds) - 0.1 + 0.5)
    ax.set_xlabel("Milliseconds (log scale); a cross is advice that was not the first reply "
                  "or came late")
    ax.grid(axis="x", color="#dddddd")
    ax.set_axisbelow(True)
    fig.tight_layout()
    return _png(fig)


def group_label(rank: int, group: Group, chars: int = 48) -> str:
    if group.examples:
        text = group.examples[0]
        text = text if len(text) <= chars else text[:chars - 1] + "…"
        return f"{rank}. {text}"
    topic = topic_label(group.nearest_topic) or "no topic"
    return f"{rank}. (phrasings hidden; near: {topic})"


def unanswered(a: Analysis, groups: List[Group], top: int = 12) -> bytes:
    """The largest groups of unanswered questions, by why they were not answered."""
    shown = groups[:top]
    fig, ax = plt.subplots(figsize=(WIDTH, max(2.2, 0.38 * len(shown) + 1.4)))
    ax.set_title(f"Questions the guide could not answer: the {len(shown)} largest groups"
                 if shown else "Questions the guide could not answer", loc="left")
    if not shown:
        _empty(ax, "No unanswered questions in this period")
        return _png(fig)
    series = {reason: [g.reasons.get(reason, 0) for g in shown] for reason in REASONS}
    series = {k: v for k, v in series.items() if any(v)}
    _barh(ax, [group_label(i + 1, g) for i, g in enumerate(shown)], series, REASON_COLOURS)
    ax.set_xlabel("Messages")
    _legend(ax, title="Why")
    fig.tight_layout()
    return _png(fig)


def feedback(a: Analysis, answers: Sequence[str], label) -> bytes:
    """"Was this helpful?" per answer."""
    fig, ax = plt.subplots(figsize=(WIDTH, max(2.0, 0.36 * len(answers) + 1.2)))
    ax.set_title("Was this helpful? What patients said of each answer", loc="left")
    if not answers:
        _empty(ax, "No feedback in this period")
        return _png(fig)
    _barh(ax, [label(u) for u in answers],
          {"helpful": [a.feedback.get((u, True), 0) for u in answers],
           "not helpful": [a.feedback.get((u, False), 0) for u in answers]},
          {"helpful": HELPFUL, "not helpful": UNHELPFUL})
    ax.set_xlabel("Answers rated")
    _legend(ax)
    fig.tight_layout()
    return _png(fig)


def all_plots(a: Analysis, groups: List[Group], topic_order: Sequence[str],
              feedback_answers: Sequence[str], answer_label) -> Dict[str, bytes]:
    with warnings.catch_warnings():
        # pyparsing 3 about how matplotlib 3.5 (pinned through Rasa) builds its parser
        # for the log scale's labels: nothing anyone running the report can act on.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"matplotlib\.")
        return {
            "activity": activity(a),
            "topics": topics(a, topic_order),
            "red_flags": red_flags(a),
            "advice_times": advice_times(a),
            "unanswered": unanswered(a, groups),
            "feedback": feedback(a, feedback_answers, answer_label),
        }


__all__ = ["all_plots", "group_label"]
