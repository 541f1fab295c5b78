"""Starts the action server and the Rasa server together, and stops them together.

Used by `make run`, `make shell` and the tests, so that every way of starting
the assistant starts the same thing.

    python -m assistant.launcher run   [--host 127.0.0.1] [--port 5005] [--action-port 5055]
    python -m assistant.launcher shell
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODEL = PROJECT_ROOT / "models" / "miss-assistant.tar.gz"
VENV_BIN = Path(sys.executable).parent


def base_env() -> Dict[str, str]:
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_for_http(url: str, timeout: float, proc: Optional[subprocess.Popen] = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} not ready after {timeout:.0f}s")


def stop(proc: Optional[subprocess.Popen], grace: float = 10.0) -> None:
    """Stops a process and everything it started (its process group)."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=grace)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def start_process(args: List[str], log: Optional[Path] = None,
                  env: Optional[Dict[str, str]] = None) -> subprocess.Popen:
    out = open(log, "ab") if log else None
    return subprocess.Popen(
        args,
        cwd=PROJECT_ROOT,
        env=env or base_env(),
        stdout=out,
        stderr=subprocess.STDOUT if out else None,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def write_endpoints(action_port: int, directory: Path) -> Path:
    path = directory / "endpoints.yml"
    path.write_text(
        "action_endpoint:\n"
        f'  url: "http://127.0.0.1:{action_port}/webhook"\n',
        encoding="utf-8",
    )
    return path


@dataclass
class Assistant:
    host: str
    port: int
    action_port: int
    processes: List[subprocess.Popen] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def rest_webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"


def start_action_server(port: int, log: Optional[Path] = None,
                        env: Optional[Dict[str, str]] = None) -> subprocess.Popen:
    proc = start_process(
        [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
         "--port", str(port)],
        log=log,
        env=env,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/health", timeout=60, proc=proc)
    except Exception:
        stop(proc)
        raise
    return proc


def rasa_run_args(host: str, port: int, endpoints: Path, model: Path = MODEL) -> List[str]:
    return [
        str(VENV_BIN / "rasa"), "run",
        "--model", str(model),
        "--endpoints", str(endpoints),
        "--credentials", str(PROJECT_ROOT / "credentials.yml"),
        "--interface", host,
        "--port", str(port),
    ]


@contextmanager
def running_assistant(host: str = "127.0.0.1", port: Optional[int] = None,
                      action_port: Optional[int] = None, log_dir: Optional[Path] = None,
                      start_timeout: float = 180, env: Optional[Dict[str, str]] = None,
                      extra_args: Sequence[str] = ()) -> Iterator[Assistant]:
    """The action server and the Rasa server, stopped on exit whatever happens.

    ``env`` is added to both servers' environment; ``extra_args`` go to `rasa run`.
    """
    full_env = {**base_env(), **(env or {})}
    port = port or free_port()
    action_port = action_port or free_port()
    assistant = Assistant(host, port, action_port)
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(log_dir) if log_dir else Path(tmp)
        logs.mkdir(parents=True, exist_ok=True)
        try:
            assistant.processes.append(
                start_action_server(action_port, log=logs / "actions.log", env=full_env))
            rasa = start_process(
                rasa_run_args(host, port, write_endpoints(action_port, Path(tmp)))
                + list(extra_args),
                log=logs / "rasa.log",
                env=full_env,
            )
            assistant.processes.append(rasa)
            wait_for_http(f"{assistant.url}/", timeout=start_timeout, proc=rasa)
            yield assistant
        finally:
            for proc in reversed(assistant.processes):
                stop(proc)


def _serve(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        actions = start_action_server(args.action_port)
        try:
            endpoints = write_endpoints(args.action_port, Path(tmp))
            if args.command == "shell":
                cmd = [str(VENV_BIN / "rasa"), "shell", "--model", str(MODEL),
                       "--endpoints", str(endpoints), "--port", str(args.port)]
                return subprocess.call(cmd, cwd=PROJECT_ROOT, env=base_env())
            rasa = start_process(rasa_run_args(args.host, args.port, endpoints))
            try:
                wait_for_http(f"http://{args.host}:{args.port}/", timeout=180, proc=rasa)
                print(f"\nMISS assistant ready: REST channel at "
                      f"http://{args.host}:{args.port}/webhooks/rest/webhook\n", flush=True)
                return rasa.wait()
            finally:
                stop(rasa)
        except KeyboardInterrupt:
            return 130
        finally:
            stop(actions)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "shell"])
    parser.add_argument("--host", default=os.environ.get("MISS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("MISS_PORT", "5005")))
    parser.add_argument("--action-port", type=int,
                        default=int(os.environ.get("MISS_ACTION_PORT", "5055")))
    args = parser.parse_args(argv)
    if not MODEL.exists():
        print(f"No trained model at {MODEL}; run `make train` first.", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    return _serve(args)


if __name__ == "__main__":
    sys.exit(main())
