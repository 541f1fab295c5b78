"""Load on a server on loopback, and what it costs: patients chatting at once,
latency percentiles, CPU per message, peak memory, a throw-away local Redis.

Used by assistant/benchmark.py; sends only to 127.0.0.1.
"""
import asyncio
import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence

from assistant.processes import free_port, stop

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


def first_answer_seconds(webhook: str, started: float, timeout: float = 480) -> float:
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


def process_tree(pid: int) -> List[int]:
    """``pid`` and its descendants (the Rasa server's Sanic workers)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            children = []
        todo.extend(int(child) for child in children)
    return found


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time used so far by these processes."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@contextmanager
def local_redis() -> Iterator[Optional[int]]:
    """A throw-away Redis on a free loopback port (None when it is not installed)."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield port
    finally:
        stop(proc)
