"""Benchmark: start-up, latency, throughput and memory, ours against a stock Rasa bot.

Sends a bounded load to servers on 127.0.0.1 only: a fixed number of messages at
1, 10 and 50 concurrent conversations, then stops. Messages are the held-out
patient questions, so they exercise every path (answers, emergencies, declines).

    python -m assistant.benchmark                 # ours and stock, no training
    python -m assistant.benchmark --train         # also time `rasa train` for both
    python -m assistant.benchmark --only-ours --messages 200 --levels 1

Prints a table; writes results/benchmark.json.
"""
import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence

from assistant.evaluate import HELDOUT, load_examples
from assistant.processes import (VENV_BIN, base_env, free_port, running_assistant, start_process,
                                 stop)
from miss_config.paths import MODEL, PROJECT_ROOT

LEVELS = (1, 10, 50)
# A patient asks a handful of questions; after this many a new conversation starts,
# so the trackers stay the size real ones have.
CONVERSATION_LENGTH = 10


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * share
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


async def load(webhook: str, texts: Sequence[str], conversations: int,
               total: int) -> Dict[str, float]:
    """``total`` messages from ``conversations`` patients chatting at once."""
    import aiohttp

    latencies: List[float] = []
    errors = 0
    per_conversation = [total // conversations + (1 if i < total % conversations else 0)
                        for i in range(conversations)]

    async def conversation(n: int, count: int, session) -> None:
        nonlocal errors
        for k in range(count):
            if k % CONVERSATION_LENGTH == 0:
                sender = f"bench-{uuid.uuid4().hex[:8]}"
            text = texts[(n * 7 + k) % len(texts)]
            started = time.perf_counter()
            try:
                async with session.post(webhook, json={"sender": sender, "message": text}) as r:
                    await r.read()
                    if r.status != 200:
                        errors += 1
            except aiohttp.ClientError:
                errors += 1
            latencies.append(time.perf_counter() - started)

    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=conversations)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(conversation(n, c, session)
                               for n, c in enumerate(per_conversation) if c))
        elapsed = time.perf_counter() - started
    return {
        "conversations": conversations, "messages": len(latencies), "errors": errors,
        "msgs_per_s": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }


def first_answer_seconds(webhook: str, started: float, timeout: float = 240) -> float:
    import urllib.request

    body = json.dumps({"sender": "bench-start", "message": "hello"}).encode()
    while time.monotonic() - started < timeout:
        try:
            request = urllib.request.Request(webhook, data=body,
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200 and json.loads(response.read()):
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError("no first answer")


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
    result = {"name": name, "startup_s": first_answer_seconds(webhook, started), "levels": []}
    print(f"[{name}] first answer {result['startup_s']:.1f}s after start", flush=True)
    for level in levels:
        row = asyncio.run(load(webhook, texts, level, messages))
        result["levels"].append(row)
        print(f"[{name}] {level:3d} conversations: {row['msgs_per_s']:6.1f} msg/s  "
              f"p50 {row['p50_ms']:6.1f} ms  p95 {row['p95_ms']:6.1f} ms  "
              f"p99 {row['p99_ms']:6.1f} ms  errors {row['errors']}", flush=True)
    result["peak_rss_mb"] = {role: peak_rss_mb(pid) for role, pid in pids.items()}
    return result


def print_table(results: List[Dict]) -> None:
    print("\n| bot | conversations | msg/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for r in results:
        for row in r["levels"]:
            print(f"| {r['name']} | {row['conversations']} | {row['msgs_per_s']:.1f} | "
                  f"{row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['p99_ms']:.1f} |")
    for r in results:
        memory = ", ".join(f"{k} {v:.0f} MB" for k, v in r["peak_rss_mb"].items())
        train = f", training {r['train_s']:.0f} s" if "train_s" in r else ""
        print(f"{r['name']}: start-up to first answer {r['startup_s']:.1f} s, "
              f"peak memory {memory}{train}")
    if len(results) == 2:
        ours, stock = results
        print("\nours/stock ratios:")
        for a, b in zip(ours["levels"], stock["levels"]):
            print(f"  {a['conversations']:3d} conversations: throughput "
                  f"{a['msgs_per_s'] / b['msgs_per_s']:.2f}, p95 {a['p95_ms'] / b['p95_ms']:.2f}")
        print(f"  start-up {ours['startup_s'] / stock['startup_s']:.2f}, memory (Rasa server) "
              f"{ours['peak_rss_mb']['rasa'] / stock['peak_rss_mb']['rasa']:.2f}")
        if "train_s" in ours and "train_s" in stock:
            print(f"  training {ours['train_s'] / stock['train_s']:.2f}")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300, help="messages per level")
    parser.add_argument("--levels", type=int, nargs="+", default=list(LEVELS))
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
        started = time.monotonic()
        port = free_port()
        # Served as `make run` serves it (SQLite tracker store), in a folder of its own.
        with running_assistant(port=port, log_dir=tmp / "ours-logs",
                               env={"MISS_DATA_DIR": str(tmp / "ours-data")},
                               extra_args=["--model", str(model)]) as ours:
            result = measure("ours", ours.rest_webhook, started,
                             {"rasa": ours.processes[1].pid, "actions": ours.processes[0].pid},
                             texts, args.levels, args.messages)
        if train_s is not None:
            result["train_s"] = train_s
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
