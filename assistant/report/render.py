"""The report as one self-contained HTML file: inline CSS, PNG pictures embedded
as base64, no script, no font or style sheet from anywhere else, so it opens
offline and can be mailed as it is."""
import base64
import html
from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional, Sequence

from assistant.report.analysis import Analysis
from assistant.report.labels import AFTER_SURGERY, REASONS, kind_label, topic_label
from assistant.report.phrases import MIN_CONVERSATIONS_FOR_EXAMPLES, Group
from assistant.report.plots import group_label
from assistant.report.tables import Table, answer_label

MAX_GROUP_ROWS = 200

CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #1b1f24; margin: 0; background: #f6f7f9; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 1.6em; margin: 0 0 4px; color: #0b5394; }
h2 { font-size: 1.25em; margin: 36px 0 8px; padding-top: 12px; border-top: 2px solid #e3e7ed; }
h3 { font-size: 1.05em; margin: 20px 0 6px; }
p.meta { color: #4a5260; margin: 0 0 12px; }
.privacy { background: #eef4fb; border-left: 4px solid #0b5394; padding: 10px 14px;
  margin: 12px 0 20px; }
.alert { background: #fff5f5; border-left: 4px solid #a4161a; padding: 10px 14px; }
.ok { background: #effaf3; border-left: 4px solid #00703c; padding: 10px 14px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
  gap: 10px; margin: 12px 0; }
.card { border: 1px solid #d5dae1; border-radius: 8px; padding: 10px 12px; }
.card .n { font-size: 1.6em; font-weight: 700; display: block; }
.card .l { color: #4a5260; font-size: .9em; }
figure { margin: 12px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e3e7ed; }
figcaption { color: #4a5260; font-size: .9em; }
table { border-collapse: collapse; margin: 8px 0 16px; width: 100%; font-size: .92em; }
th, td { border-bottom: 1px solid #e3e7ed; padding: 5px 8px; text-align: left;
  vertical-align: top; }
th { background: #f0f2f5; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.ex { font-style: italic; }
td.hidden { color: #4a5260; }
footer { margin-top: 40px; color: #4a5260; font-size: .9em; }
code { background: #f0f2f5; padding: 1px 4px; border-radius: 3px; }
"""


def e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def figure(png: bytes, alt: str, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{e(alt)}">'
            f"<figcaption>{e(caption)}</figcaption></figure>")


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]],
          numeric: Sequence[int] = (), caption: str = "") -> str:
    head = "".join(f'<th scope="col"{" class=n" if i in numeric else ""}>{e(c)}</th>'
                   for i, c in enumerate(columns))
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            if isinstance(value, tuple):      # (text or lines, css class)
                lines = value[0] if isinstance(value[0], list) else [value[0]]
                cells.append(f'<td class="{value[1]}">{"<br>".join(e(x) for x in lines)}</td>')
            else:
                cells.append(f'<td{" class=n" if i in numeric else ""}>{e(value)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{e(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _card(number: Any, label: str) -> str:
    return f'<div class="card"><span class="n">{e(number)}</span><span class="l">{e(label)}</span></div>'


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def _ms(value: Any) -> str:
    return "–" if value in (None, "") else f"{float(value):,.0f} ms"


def group_rows(groups: List[Group], limit: int = MAX_GROUP_ROWS) -> List[List[Any]]:
    rows = []
    for rank, g in enumerate(groups[:limit], 1):
        why = ", ".join(f"{r} {g.reasons[r]}" for r in REASONS if g.reasons.get(r))
        if g.examples:
            examples: Any = ([f"“{x}”" for x in g.examples], "ex")
        else:
            examples = (f"not shown: asked in fewer than {MIN_CONVERSATIONS_FOR_EXAMPLES} "
                        "conversations", "hidden")
        rows.append([rank, g.messages, g.conversations, topic_label(g.nearest_topic) or "–",
                     why, examples])
    return rows


def render(a: Analysis, tables: Dict[str, Table], plots: Dict[str, bytes],
           unanswered: List[Group], unhelpful: List[Group], clinic: str, store: str,
           generated: Optional[float] = None) -> str:
    since = datetime.fromtimestamp(a.since).strftime("%Y-%m-%d %H:%M")
    until = datetime.fromtimestamp(a.until).strftime("%Y-%m-%d %H:%M")
    made = datetime.fromtimestamp(generated).strftime("%Y-%m-%d %H:%M") if generated else ""
    kinds = a.flag_kinds()
    flags = [a.flags[k] for k in kinds]
    after = a.flags.get(AFTER_SURGERY)
    red_total = sum(f.messages for f in flags)
    red_immediate = sum(f.immediate for f in flags)
    helpful = sum(v for (u, h), v in a.feedback.items() if h)
    rated = sum(a.feedback.values())
    parts: List[str] = []
    add = parts.append

    add(f"<h1>What patients ask: {e(clinic)}</h1>")
    add(f'<p class="meta">From {e(since)} to {e(until)} · conversations from the assistant\'s '
        f"{e(store)} store · made {e(made)}</p>")
    add('<p class="privacy"><strong>Private to the clinic.</strong> This report names no '
        "patient: no conversation ids, and phone numbers, e-mail addresses and dates that "
        "patients typed are replaced by [phone], [email] and [date]. A group of questions "
        f"shows how patients worded it only when at least {MIN_CONVERSATIONS_FOR_EXAMPLES} "
        "different conversations asked it; smaller groups show only their count and nearest "
        "topic.</p>")
    add('<div class="cards">' + "".join([
        _card(a.patients, "patients"), _card(a.conversations, "conversations"),
        _card(a.messages, "patients' messages"),
        _card(red_total, f"red flags ({red_immediate} advised at once)"),
        _card(after.messages if after else 0, "after-surgery concerns"),
        _card(a.unanswered_messages,
              f"unanswered ({_pct(a.unanswered_messages, a.messages)} of messages)"),
        _card(_pct(helpful, rated) if rated else "–", f"found helpful ({rated} rated)"),
    ]) + "</div>")

    # 1. Who used it
    add("<h2>1. Conversations and channels</h2>")
    add(figure(plots["activity"],
               "Bar charts of conversations and of patients' messages per day, by channel. "
               + "; ".join(f"{r[0]}: {r[2]} conversations, {r[3]} messages"
                           for r in tables["channels"].rows),
               "Each bar is one day, coloured by channel (widget, SMS, shell, REST API)."))
    add(table(["Channel", "Patients", "Conversations", "Messages"], tables["channels"].rows,
              numeric=(1, 2, 3)))

    # 2. Topics
    add("<h2>2. Topics asked about, and the answers given</h2>")
    topic_rows = [r for r in tables["topics"].rows if r[2] or r[5]]
    add(figure(plots["topics"],
               "Bar chart of questions per topic. " + "; ".join(
                   f"{r[1]}: {r[2]}" for r in topic_rows),
               "Questions typed, and questions chosen with a suggested-question button."))
    add(table(["Topic", "Questions", "Typed", "Buttons", "Answer given"],
              [[r[1], r[2], r[3], r[4], r[5]] for r in topic_rows], numeric=(1, 2, 3, 4)))
    add("<h3>How often each answer was given</h3>")
    add(table(["Answer", "Response", "Times given"],
              [[r[1], r[0], r[2]] for r in tables["answers"].rows], numeric=(2,)))

    # 3. Red flags
    add("<h2>3. Red flags and after-surgery concerns</h2>")
    late = red_total - red_immediate + ((after.messages - after.immediate) if after else 0)
    if red_total or after:
        if late:
            add(f'<p class="alert"><strong>{late} message(s) did not get their advice at '
                f"once</strong> (as the first reply, within {a.immediate_seconds:g} s). "
                "See the crosses below and red_flag_events.csv.</p>")
        else:
            add(f'<p class="ok">Every red flag and after-surgery concern got its advice at '
                f"once: as the first reply, within {a.immediate_seconds:g} s.</p>")
    add(figure(plots["red_flags"],
               "Bar chart of red flags by kind. " + "; ".join(
                   f"{r[1]}: {r[2]} happening now, {r[9]} only mentioned"
                   for r in tables["red_flags"].rows),
               "Red flags happening now got emergency advice; after-surgery concerns got "
               "advice to call the surgeon's office; a red flag only mentioned in a question "
               "got one sentence on when to seek urgent care."))
    add(table(["Kind", "Messages", "Conversations", "Advice first", "Immediate", "Median",
               "Slowest", "Only mentioned"],
              [[r[1], r[2], r[3], r[4], r[5], _ms(r[7]), _ms(r[8]), r[9]]
               for r in tables["red_flags"].rows], numeric=(1, 2, 3, 4, 5, 6, 7)))
    add(figure(plots["advice_times"],
               f"Dot plot of the milliseconds from each message to its advice, per kind; "
               f"{red_immediate + (after.immediate if after else 0)} of "
               f"{red_total + (after.messages if after else 0)} within "
               f"{a.immediate_seconds:g} s as the first reply.",
               "One dot per message, from when it was stored to when its advice was stored."))

    # 4. Unanswered
    add("<h2>4. Questions the guide could not answer</h2>")
    add(f"<p>{a.unanswered_messages} message(s): "
        + ", ".join(f"{a.unanswered_by_reason.get(r, 0)} {r}" for r in REASONS)
        + f". Grouped by meaning into {len(unanswered)} question(s), largest first. "
        "<em>Declined</em>: outside what the assistant answers; <em>not covered</em>: the "
        "guide does not cover it, or the assistant could not tell what was asked; "
        "<em>fell back</em>: the assistant was unsure and showed a passage of the guide "
        "(older conversations only); <em>low confidence</em>: a topic's answer given "
        f"while unsure (below {a.low_confidence:.0%}). The nearest topic is the one the "
        "assistant thought closest. This is the list to work from: each group is a "
        "question patients have that the guide or the assistant does not answer yet.</p>")
    add(figure(plots["unanswered"],
               "Bar chart of the largest groups of unanswered questions. " + "; ".join(
                   f"{group_label(i + 1, g)}: {g.messages}"
                   for i, g in enumerate(unanswered[:12])),
               "Each bar is one question asked in different words, split by why it was not "
               "answered."))
    add(table(["#", "Messages", "Conversations", "Nearest topic", "Why", "How patients asked"],
              group_rows(unanswered), numeric=(0, 1, 2)))
    if len(unanswered) > MAX_GROUP_ROWS:
        add(f"<p>{len(unanswered) - MAX_GROUP_ROWS} smaller group(s) more in "
            "unanswered_groups.csv.</p>")

    # 5. Feedback
    add("<h2>5. Was this helpful?</h2>")
    add("<p>The widget asks after each answer from the guide. SMS does not ask.</p>")
    fb_rows = tables["feedback"].rows
    add(figure(plots["feedback"],
               "Bar chart of helpful and not helpful ratings per answer. " + "; ".join(
                   f"{r[1]}: {r[2]} helpful, {r[3]} not helpful" for r in fb_rows),
               "Answers patients rated, most often rated not helpful first."))
    add(table(["Answer", "Helpful", "Not helpful"], [[r[1], r[2], r[3]] for r in fb_rows],
              numeric=(1, 2)))
    if unhelpful:
        add("<h3>Questions whose answer was marked not helpful</h3>")
        add(table(["#", "Messages", "Conversations", "Topic", "Why", "How patients asked"],
                  [r[:4] + ["–"] + r[5:] for r in group_rows(unhelpful)], numeric=(0, 1, 2)))

    add("<footer><p>Made by <code>python -m assistant.report</code> (<code>make report</code>)"
        " from the assistant's own conversation store, on the clinic's machine. The numbers "
        "are also in the CSV files beside this file: "
        + ", ".join(f"<code>{e(name)}.csv</code>" for name in tables) + ".</p></footer>")
    body = "\n".join(parts)
    title = f"What patients ask: {since[:10]} to {until[:10]}"
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"robots\" content=\"noindex\">\n"
            f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n"
            f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


__all__ = ["render", "answer_label", "kind_label"]
