"""Builds the report: stream, analyse, group, draw, write."""
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from assistant.report import analysis, plots, render, store, tables
from assistant.report.phrases import Group
from miss_config.paths import PROJECT_ROOT

DEFAULT_OUT = PROJECT_ROOT / "results" / "report"
REPORT_FILE = "report.html"


@dataclass
class Built:
    html: Path
    csv: List[Path]
    analysis: analysis.Analysis
    unanswered: List[Group]
    unhelpful: List[Group]
    seconds: Dict[str, float]


def clinic_name() -> str:
    try:
        from miss_config.knowledge import load_clinic

        return str(load_clinic().get("clinic_name") or "the clinic")
    except Exception:  # a clinic.yml being edited must not stop the report
        return "the clinic"


def build_report(since: float, until: float, out: Path = DEFAULT_OUT, url: Optional[object] = None,
                 low_confidence: float = analysis.DEFAULT_LOW_CONFIDENCE,
                 immediate_seconds: float = analysis.DEFAULT_IMMEDIATE_SECONDS,
                 generated: Optional[float] = None) -> Built:
    started = time.monotonic()
    seconds: Dict[str, float] = {}
    url = url or store.database_url()
    a = analysis.Analysis(since, until, low_confidence, immediate_seconds)
    a.feed_all(store.stream_events(url, since, until))
    seconds["read"] = time.monotonic() - started

    mark = time.monotonic()
    unanswered = a.unanswered_groups()
    unhelpful = a.unhelpful_groups()
    seconds["group"] = time.monotonic() - mark

    mark = time.monotonic()
    described = store.describe(url)
    order = analysis.topics()
    all_tables = tables.all_tables(a, unanswered, unhelpful, order, described)
    feedback_answers = [row[0] for row in all_tables["feedback"].rows]
    pictures = plots.all_plots(a, unanswered, order, feedback_answers, tables.answer_label)
    seconds["plot"] = time.monotonic() - mark

    mark = time.monotonic()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = [t.write(out) for t in all_tables.values()]
    page = render.render(a, all_tables, pictures, unanswered, unhelpful, clinic_name(),
                         described, generated or time.time())
    html_path = out / REPORT_FILE
    tmp = html_path.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(html_path)
    seconds["write"] = time.monotonic() - mark
    seconds["total"] = time.monotonic() - started
    return Built(html_path, written, a, unanswered, unhelpful, seconds)
