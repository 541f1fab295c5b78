"""A quiet start (assistant/quiet.py) and the block `make run` ends its start-up with."""
import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import List, Tuple

import pytest

from assistant import launcher, processes, quiet
from assistant.processes import base_env, free_port
from miss_config.paths import PROJECT_ROOT
from miss_config.settings import load_settings

SITE = str(Path(sys.executable).parent.parent / "lib" / "python3.10" / "site-packages")
# A warning as Python prints it: "<file>:<line>: <Category>: <message>".
WARNING_LINE = re.compile(r"^(?P<file>\S+\.py):\d+: (?P<category>\w*Warning): ")

# The dependency warnings `rasa run` printed before (category, file, message).
KNOWN = [
    (DeprecationWarning, f"{SITE}/rasa/core/tracker_store.py",
     "Deprecated API features detected! These feature(s) are not compatible with "
     "SQLAlchemy 2.0. To prevent incompatible upgrades..."),
    (DeprecationWarning, f"{SITE}/rasa/core/tracker_store.py",
     "Calling URL() directly is deprecated and will be disabled in a future release.  The "
     "public constructor for URL is now the URL.create() method."),
    (DeprecationWarning, f"{SITE}/sanic_cors/extension.py",
     "distutils Version classes are deprecated. Use packaging.version instead."),
    (DeprecationWarning, f"{SITE}/apscheduler/__init__.py",
     "pkg_resources is deprecated as an API. See https://setuptools.pypa.io/"),
    (DeprecationWarning, f"{SITE}/rasa/shared/utils/validation.py",
     "pkg_resources is deprecated as an API. See https://setuptools.pypa.io/"),
    (DeprecationWarning, f"{SITE}/pkg_resources/__init__.py",
     "Deprecated call to `pkg_resources.declare_namespace('mpl_toolkits')`.\nImplementing"),
    (DeprecationWarning, f"{SITE}/tensorflow/lite/python/util.py",
     "jax.xla_computation is deprecated. Please use the AOT APIs."),
    (DeprecationWarning, f"{SITE}/matplotlib/fontconfig_pattern.py",
     "'setParseAction' deprecated - use 'set_parse_action'"),
    (DeprecationWarning, f"{SITE}/packaging/requirements.py",
     "'parseString' deprecated - use 'parse_string'"),
    (DeprecationWarning, f"{SITE}/typer/__init__.py",
     "'click.utils.get_binary_stream' is deprecated and will be removed in Click 9.0."),
    (DeprecationWarning, f"{SITE}/typer/completion.py",
     "'BaseCommand' is deprecated and will be removed in Click 9.0. Use 'Command' instead."),
    (DeprecationWarning, f"{SITE}/spacy/cli/_util.py",
     "Importing 'parser.split_arg_string' is deprecated, it will only be available in "
     "'shell_completion' in Click 9.0."),
]


@pytest.mark.parametrize("category, filename, message", KNOWN)
def test_known_dependency_warnings_are_filtered(category, filename, message):
    assert quiet.is_dependency_noise(category, message, filename)


@pytest.mark.parametrize("category, module, message", [
    # the project's own, even with a dependency's words
    (DeprecationWarning, "assistant.launcher", "pkg_resources is deprecated as an API"),
    (UserWarning, "miss_nlp.components", "something the project says"),
    # Rasa's real warnings about the bot's own data and config
    (UserWarning, "rasa.shared.utils.io", "Issue found in 'data/stories.yml': ..."),
    (FutureWarning, "rasa.shared.utils.io", "The parameter 'x' will be removed in Rasa 4.0"),
    (DeprecationWarning, "rasa.core.agent", "Loading a model from ... is deprecated"),
    # a dependency's warning that is not on the list
    (DeprecationWarning, "sanic.app", "something new"),
])
def test_other_warnings_still_show(category, module, message):
    assert not quiet.is_dependency_noise(category, message, module=module)


def test_module_names_are_found_from_files():
    assert quiet.module_name(f"{SITE}/typer/completion.py") == "typer.completion"
    assert quiet.module_name(f"{SITE}/pkg_resources/__init__.py") == "pkg_resources"
    assert quiet.module_name(str(PROJECT_ROOT / "assistant" / "launcher.py")) \
        == "assistant.launcher"


def test_filters_survive_sanics_catch_all_and_keep_others(capsys):
    """Sanic puts `once` for every DeprecationWarning in front at import; the
    dependency warnings stay filtered and the rest still shows."""
    code = """
import warnings, sys
from assistant.quiet import quiet_dependencies
quiet_dependencies()
import sanic.app  # filterwarnings("once", category=DeprecationWarning) at the front
warnings.warn_explicit("'BaseCommand' is deprecated and will be removed in Click 9.0.",
                       DeprecationWarning, sys.prefix + "/lib/python3.10/site-packages/"
                       "typer/completion.py", 1, module="typer.completion")
warnings.warn_explicit("Issue found in 'data/stories.yml'", UserWarning,
                       sys.prefix + "/lib/python3.10/site-packages/rasa/shared/utils/io.py",
                       1, module="rasa.shared.utils.io")
warnings.warn("our own deprecation", DeprecationWarning)
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=base_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Click 9.0" not in done.stderr
    assert "Issue found in 'data/stories.yml'" in done.stderr
    assert "our own deprecation" in done.stderr


def test_show_all_warnings_turns_it_off():
    assert quiet.quiet_dependencies({quiet.SHOW_ALL_ENV: "1"}) is False


def test_rasa_runs_through_the_filter_without_dependency_warnings():
    plain = subprocess.run([str(Path(sys.executable).parent / "rasa"), "--version"],
                           cwd=PROJECT_ROOT, env=base_env(), capture_output=True, text=True,
                           timeout=120)
    quieted = subprocess.run(quiet.command("rasa", "--version"), cwd=PROJECT_ROOT,
                             env=base_env(), capture_output=True, text=True, timeout=120)
    assert quieted.returncode == 0, quieted.stderr
    assert "Rasa Version" in quieted.stdout
    assert "Warning" in plain.stderr  # what is being filtered (SQLAlchemy's notice)
    assert "Warning" not in quieted.stderr, quieted.stderr


def test_servers_are_started_through_the_filter(tmp_path):
    args = processes.rasa_run_args("127.0.0.1", 5005, tmp_path / "endpoints.yml")
    assert args[:5] == [sys.executable, "-m", "assistant.quiet", "rasa", "run"]


# --- The start-up block -----------------------------------------------------------------

def test_startup_block_names_every_address_and_store():
    block = launcher.startup_block("http://127.0.0.1:5005", "http://127.0.0.1:8080/demo/",
                                   load_settings({"MISS_DATA_DIR": "/srv/miss"}))
    text = "\n".join(block)
    assert "http://127.0.0.1:5005/webhooks/rest/webhook" in text
    assert "http://127.0.0.1:8080/demo/" in text
    assert "http://127.0.0.1:5005/webhooks/twilio_sms/webhook" in text
    assert "SMS webhook" in text and "off: set TWILIO_ACCOUNT_SID" in text
    assert "SQLite, /srv/miss/conversations.sqlite3" in text
    assert "in memory" in text
    assert "Ctrl+C" in text
    assert len(block) <= 15 and all(len(line) <= 100 for line in block)


def test_startup_block_with_postgresql_redis_and_sms():
    env = {"MISS_DB_HOST": "db.clinic.internal", "MISS_DB_PASSWORD": "secret-pw",
           "MISS_REDIS_HOST": "redis.clinic.internal", "MISS_REDIS_PASSWORD": "redis-pw",
           "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "0" * 32,
           "TWILIO_NUMBER": "+15550100123", "MISS_SMS_HASH_KEY": "hash-key-kept-secret"}
    text = "\n".join(launcher.startup_block("http://10.0.0.11:5005", None, load_settings(env)))
    assert "PostgreSQL, miss@db.clinic.internal:5432/miss" in text
    assert "Redis, redis.clinic.internal:6379 db 1" in text
    assert "on, for the number ending 23" in text
    assert "Widget demo page: off (--no-widget)" in text
    assert "secret-pw" not in text and "redis-pw" not in text and "0100123" not in text
    half = launcher.startup_block("http://127.0.0.1:5005", None,
                                  load_settings({"TWILIO_NUMBER": "+1555"}))
    assert any("TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN not set" in line for line in half)


def test_run_ends_its_startup_with_the_block(monkeypatch, tmp_path, capsys):
    """`run` with the server replaced by a stand-in: the block is the last thing printed."""

    class Proc:
        def wait(self, timeout=None):
            return 0

        def poll(self):
            return 0

    monkeypatch.setattr(launcher, "start_process", lambda args, log=None, env=None: Proc())
    monkeypatch.setattr(launcher, "wait_for_http", lambda *a, **k: None)
    monkeypatch.setattr(launcher, "stop", lambda *a, **k: None)
    monkeypatch.setenv("MISS_DATA_DIR", str(tmp_path))
    for name in ("MISS_DB_HOST", "MISS_REDIS_HOST", "MISS_JWT_SECRET", "MISS_RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    args = argparse.Namespace(host="127.0.0.1", port=5005, no_widget=False,
                              widget_host="127.0.0.1", widget_port=0)
    assert launcher._run(args) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("Starting the MISS assistant")
    assert lines[-1].startswith("----") and "Ctrl+C" in lines[-2]
    text = "\n".join(lines)
    assert re.search(r"Widget demo page: +http://127\.0\.0\.1:\d+/demo/", text)


# --- The real thing ----------------------------------------------------------------------

def read_until(proc: subprocess.Popen, marker: str, timeout: float) -> Tuple[List[str], bool]:
    """Lines of ``proc``'s output until a line containing ``marker`` and 3 s after it."""
    lines: List[str] = []
    seen = threading.Event()

    def pump() -> None:
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if marker in line:
                seen.set()

    threading.Thread(target=pump, daemon=True).start()
    found = seen.wait(timeout)
    if found:
        time.sleep(3)
    return lines, found


@pytest.mark.server
def test_make_run_startup_is_quiet_and_ends_with_the_addresses(trained_model, tmp_path):
    """`make run`'s command as the tests run servers (free ports, a data folder of
    its own): no dependency warning, one screen, the addresses last."""
    port, widget_port = free_port(), free_port()
    env = {k: v for k, v in base_env().items() if not k.startswith(("MISS_", "TWILIO_"))}
    env.update({"MISS_DATA_DIR": str(tmp_path), "PYTHONWARNINGS": ""})
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.launcher", "run", "--port", str(port),
         "--widget-port", str(widget_port)],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    try:
        lines, ready = read_until(proc, "Stop it with Ctrl+C", timeout=240)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    output = "\n".join(lines)
    assert ready, output
    # no dependency warning, nor any other DeprecationWarning/FutureWarning from site-packages
    warned = [line for line in lines if WARNING_LINE.match(line)]
    from_dependencies = [line for line in warned if "site-packages" in line]
    assert not from_dependencies, "\n".join(from_dependencies)
    assert not re.search(r"(Deprecation|Future|PendingDeprecation)Warning", output), output
    # the last block names every address
    end = max(i for i, line in enumerate(lines) if "Stop it with Ctrl+C" in line)
    start = max(i for i, line in enumerate(lines[:end]) if "MISS assistant is ready" in line)
    block = "\n".join(lines[start:end + 2])
    assert f"http://127.0.0.1:{port}/webhooks/rest/webhook" in block
    assert f"http://127.0.0.1:{widget_port}/demo/" in block
    assert f"http://127.0.0.1:{port}/webhooks/twilio_sms/webhook" in block
    assert lines[end + 1].startswith("----") and not [x for x in lines[end + 2:] if x.strip()]
    # one screen
    assert len(lines[:end + 2]) <= 40, output
