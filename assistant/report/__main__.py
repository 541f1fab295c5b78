"""python -m assistant.report: see assistant/report/__init__.py and the README."""
import argparse
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import List, Optional, Tuple

SECONDS_PER_DAY = 24 * 60 * 60


def _day(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day as YYYY-MM-DD: {value!r}")


def period(days: Optional[float], since: Optional[datetime], until: Optional[datetime],
           now: Optional[float] = None) -> Tuple[float, float]:
    """(since, until) as timestamps. --until DAY includes that whole (local) day."""
    now = time.time() if now is None else now
    if since is None and until is None:
        return now - (days if days is not None else 30) * SECONDS_PER_DAY, now
    end = (until + timedelta(days=1)).timestamp() if until else now
    start = since.timestamp() if since else end - (days or 30) * SECONDS_PER_DAY
    return start, end


def main(argv: Optional[List[str]] = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # spaCy (through thinc) imports TensorFlow whenever it is installed, as it is
    # with Rasa: 8 seconds here, for nothing the report does. This process only.
    sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]
    from assistant.quiet import quiet_dependencies

    quiet_dependencies()
    parser = argparse.ArgumentParser(
        prog="python -m assistant.report",
        description="What patients ask: a private HTML report (and CSV files) from the "
                    "assistant's conversation store.")
    parser.add_argument("--days", type=float, default=None,
                        help="the last DAYS days, up to now (default 30)")
    parser.add_argument("--since", type=_day, help="first day, YYYY-MM-DD (local time)")
    parser.add_argument("--until", type=_day, help="last day, YYYY-MM-DD, included")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for report.html and the CSV files (default results/report)")
    parser.add_argument("--low-confidence", type=float, default=None,
                        help="a topic answer given below this confidence counts as unanswered "
                             "(default 0.5)")
    parser.add_argument("--database-url", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.days is not None and args.days <= 0:
        parser.error("--days must be more than 0")
    if args.days is not None and args.since is not None:
        parser.error("give --days or --since, not both")
    since, until = period(args.days, args.since, args.until)
    if since >= until:
        parser.error("--since must come before --until")

    from assistant.report import analysis, build, store

    url = args.database_url or store.database_url()
    out = args.out or build.DEFAULT_OUT
    try:
        built = build.build_report(
            since, until, out, url=url,
            low_confidence=(args.low_confidence if args.low_confidence is not None
                            else analysis.DEFAULT_LOW_CONFIDENCE))
    except Exception as error:  # sqlalchemy's errors say what is wrong; no traceback
        import sqlalchemy as sa

        if not isinstance(error, sa.exc.SQLAlchemyError):
            raise
        shown = sa.engine.make_url(url).render_as_string(hide_password=True)
        print(f"Cannot read the conversations from {shown}: {error}", file=sys.stderr)
        return 1
    a = built.analysis
    fmt = "%Y-%m-%d %H:%M"
    print(f"Report from {datetime.fromtimestamp(since).strftime(fmt)} to "
          f"{datetime.fromtimestamp(until).strftime(fmt)} ({store.describe(url)}): "
          f"{a.conversations} conversation(s), {a.messages} message(s), "
          f"{a.unanswered_messages} unanswered in {len(built.unanswered)} group(s).")
    print(f"  {built.html}")
    print(f"  {len(built.csv)} CSV files beside it: "
          + ", ".join(p.name for p in built.csv))
    t = built.seconds
    print(f"Took {t['total']:.1f} s (reading {t['read']:.1f}, grouping {t['group']:.1f}, "
          f"pictures {t['plot']:.1f}, writing {t['write']:.1f}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
