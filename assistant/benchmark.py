"""Benchmark: start-up, latency, throughput and memory, ours against a stock Rasa bot.

Sends a bounded load to servers on 127.0.0.1 only: a fixed number of messages at
1, 10 and 50 concurrent conversations, then stops. Messages are the held-out
patient questions, so they exercise every path (answers, emergencies, declines).

    python -m assistant.benchmark                 # ours and stock, no training
    python -m assistant.benchmark --train         # also time `rasa train` for both
    python -m assistant.benchmark --only-ours --messages 200 --levels 1
    python -m assistant.benchmark --workers 1     # skip the several-processes run

Ours runs twice: one Rasa server process (as `make run` serves it), then one
process per core (SANIC_WORKERS) with a throw-away local Redis holding the
locks and rate limits, as several processes need. Prints a table with the CPU
each message costs the Rasa server; writes results/benchmark.json and a picture,
results/benchmark.png.
"""
import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence

from assistant.evaluate import HELDOUT, load_examples
from assistant.loopback_load import (cpu_seconds, first_answer_seconds, load, local_redis,
                                     peak_rss_mb, process_tree)
from assistant.processes import (VENV_BIN, base_env, free_port, running_assistant, start_process,
                                 stop)
from miss_config.paths import MODEL, PROJECT_ROOT

LEVELS = (1, 10, 50)


@contextmanager
def stock_bot(directory: Path, port: int) -> Iterator[subprocess.Popen]:
    model = directory / "models"
    proc = start_process([str(VENV_BIN / "rasa"), "run", "--model", str(model),
                          "--interface", "127.0.0.1", "--port", str(port)],
                         log=directory / "rasa.log")
    try:
        yield proc
    finally:
        stop(proc)


def timed(cmd: List[str], cwd: Path) -> float:
    started = time.monotonic()
    subprocess.run(cmd, cwd=cwd, env=base_env(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def measure(name: str, webhook: str, started: float, pids: Dict[str, int],
            texts: Sequence[str], levels: Sequence[int], messages: int) -> Dict:
    """Start-up, then each load level; CPU per message is the Rasa server's (all its
    processes), which the machine's other work changes far less than wall time."""
    result = {"name": name, "startup_s": first_answer_seconds(webhook, started), "levels": []}
    print(f"[{name}] first answer {result['startup_s']:.1f}s after start", flush=True)
    asyncio.run(load(webhook, texts, 2, 40))  # warm-up, not counted
    server = process_tree(pids["rasa"])
    result["processes"] = len(server)
    for level in levels:
        cpu_before = cpu_seconds(server)
        row = asyncio.run(load(webhook, texts, level, messages))
        row["cpu_ms_per_msg"] = 1000 * (cpu_seconds(server) - cpu_before) / row["messages"]
        result["levels"].append(row)
        print(f"[{name}] {level:3d} conversations: {row['msgs_per_s']:6.1f} msg/s  "
              f"p50 {row['p50_ms']:6.1f} ms  p95 {row['p95_ms']:6.1f} ms  "
              f"p99 {row['p99_ms']:6.1f} ms  CPU {row['cpu_ms_per_msg']:5.1f} ms/msg  "
              f"errors {row['errors']}", flush=True)
    result["peak_rss_mb"] = {role: peak_rss_mb(pid) for role, pid in pids.items()}
    result["peak_rss_mb_per_process"] = max(peak_rss_mb(pid) for pid in server)
    return result


def run_ours(name: str, model: Path, tmp: Path, texts: Sequence[str], args: argparse.Namespace,
             env: Optional[Dict[str, str]] = None) -> Dict:
    """Ours served as `make run` serves it (SQLite conversation store), in a folder
    of its own, with ``env`` added (several processes: Redis and SANIC_WORKERS)."""
    started = time.monotonic()
    with running_assistant(port=free_port(), log_dir=tmp / f"{name}-logs",
                           env={"MISS_DATA_DIR": str(tmp / f"{name}-data"), **(env or {})},
                           extra_args=["--model", str(model)]) as ours:
        return measure(name, ours.rest_webhook, started,
                       {"rasa": ours.processes[0].pid},
                       texts, args.levels, args.messages)


def print_table(results: List[Dict]) -> None:
    print("\n| bot | Rasa processes | patients at once | msg/s | msg/s per process | p50 ms "
          "| p95 ms | p99 ms | CPU ms/msg |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        workers = r.get("workers", 1)
        for row in r["levels"]:
            print(f"| {r['name']} | {workers} | {row['conversations']} | {row['msgs_per_s']:.1f} | "
                  f"{row['msgs_per_s'] / workers:.1f} | {row['p50_ms']:.1f} | "
                  f"{row['p95_ms']:.1f} | {row['p99_ms']:.1f} | {row['cpu_ms_per_msg']:.1f} |")
    print()
    for r in results:
        memory = ", ".join(f"{k} {v:.0f} MB" for k, v in r["peak_rss_mb"].items())
        train = f", training {r['train_s']:.0f} s" if "train_s" in r else ""
        print(f"{r['name']}: start-up to first answer {r['startup_s']:.1f} s, peak memory "
              f"{memory} (largest Rasa process {r['peak_rss_mb_per_process']:.0f} MB){train}")
    by_name = {r["name"]: r for r in results}
    if "ours" in by_name and "stock" in by_name:
        ours, stock = by_name["ours"], by_name["stock"]
        print("\nours/stock ratios (one process each):")
        for a, b in zip(ours["levels"], stock["levels"]):
            print(f"  {a['conversations']:3d} conversations: throughput "
                  f"{a['msgs_per_s'] / b['msgs_per_s']:.2f}, p95 {a['p95_ms'] / b['p95_ms']:.2f}, "
                  f"CPU per message {a['cpu_ms_per_msg'] / b['cpu_ms_per_msg']:.2f}")
        print(f"  start-up {ours['startup_s'] / stock['startup_s']:.2f}, memory (Rasa server) "
              f"{ours['peak_rss_mb']['rasa'] / stock['peak_rss_mb']['rasa']:.2f}")
        if "train_s" in ours and "train_s" in stock:
            print(f"  training {ours['train_s'] / stock['train_s']:.2f}")


def plot(results: List[Dict], path: Path) -> None:
    """Throughput and p95 latency per load level, one bar per bot."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = [row["conversations"] for row in results[0]["levels"]]
    figure, axes = plt.subplots(1, 2, figsize=(11, 4))
    width = 0.8 / len(results)
    for n, result in enumerate(results):
        label = f"{result['name']} ({result.get('workers', 1)} process"
        label += "es)" if result.get("workers", 1) > 1 else ")"
        xs = [k + n * width for k in range(len(levels))]
        for axis, key in zip(axes, ("msgs_per_s", "p95_ms")):
            values = [row[key] for row in result["levels"]]
            axis.bar(xs, values, width, label=label)
            for x, value in zip(xs, values):
                axis.annotate(f"{value:.0f}", (x, value), ha="center", va="bottom", fontsize=7)
    for axis, title in zip(axes, ("messages answered per second (higher is better)",
                                  "95th-percentile reply time, ms (lower is better)")):
        axis.set_xticks([k + 0.4 - width / 2 for k in range(len(levels))])
        axis.set_xticklabels([f"{level} at once" for level in levels])
        axis.set_title(title, fontsize=10)
    axes[1].set_yscale("log")
    axes[0].legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300, help="messages per level")
    parser.add_argument("--levels", type=int, nargs="+", default=list(LEVELS))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="Rasa server processes for the several-processes run "
                             "(default: one per core; 1 skips that run)")
    parser.add_argument("--train", action="store_true", help="also time training both bots")
    parser.add_argument("--only-ours", action="store_true")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "results")
    args = parser.parse_args(argv)
    texts = [t for t, _ in load_examples(HELDOUT)]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model = MODEL
        train_s = None
        if args.train:
            print("Training our bot (forced, into a temporary folder)...", flush=True)
            train_s = timed([str(VENV_BIN / "rasa"), "train", "--force", "--out", str(tmp / "ours"),
                             "--fixed-model-name", "bench"], PROJECT_ROOT)
            model = tmp / "ours" / "bench.tar.gz"
            print(f"  {train_s:.0f} s", flush=True)
        result = run_ours("ours", model, tmp, texts, args)
        if train_s is not None:
            result["train_s"] = train_s
        results.append(result)
        if args.workers > 1:
            with local_redis() as redis_port:
                if redis_port is None:
                    print("redis-server is not installed (`make service-deps`): no run with "
                          "several processes.", flush=True)
                else:
                    result = run_ours(f"ours x{args.workers}", model, tmp, texts, args, env={
                        "MISS_REDIS_HOST": "127.0.0.1", "MISS_REDIS_PORT": str(redis_port),
                        "SANIC_WORKERS": str(args.workers)})
                    result["workers"] = args.workers
                    results.append(result)
        if not args.only_ours:
            stock_dir = tmp / "stock"
            print("Making a stock `rasa init --no-prompt` bot...", flush=True)
            stock_dir.mkdir()
            subprocess.run([str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir",
                            str(stock_dir)], cwd=tmp, env=base_env(), check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            stock_train = None
            if args.train:
                stock_train = timed([str(VENV_BIN / "rasa"), "train", "--force"], stock_dir)
            port = free_port()
            started = time.monotonic()
            with stock_bot(stock_dir, port) as proc:
                result = measure("stock", f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                                 started, {"rasa": proc.pid}, texts, args.levels, args.messages)
            if stock_train is not None:
                result["train_s"] = stock_train
            results.append(result)
    print_table(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "benchmark.json").write_text(json.dumps(results, indent=2))
    plot(results, args.out / "benchmark.png")
    print(f"Wrote {args.out / 'benchmark.json'} and {args.out / 'benchmark.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
