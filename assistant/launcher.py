"""The command line that starts the assistant: the Rasa server and the website
chat widget together, stopped together.

    python -m assistant.launcher run   [--host 127.0.0.1] [--port 5005]
                                       [--widget-port 8080] [--no-widget]
    python -m assistant.launcher shell [--rasa-console]

Used by `make run` and `make shell`. `shell` runs the readable terminal client
(assistant/shell.py) against the REST channel; --rasa-console gives Rasa's own
console client instead (for debugging). `run` also serves the widget and its
demo page (assistant/widget_server.py). The settings come from the environment
(miss_config/settings.py); how the servers are started and served safely is in
assistant/processes.py. Nothing imports this module: it is an entry point.
"""
import argparse
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional

from assistant.processes import (base_env, browser_url, prune_at_start, rasa_run_args,
                                 rasa_server_env, running_assistant, serving_args,
                                 start_process, stop, wait_for_http, write_endpoints)
from assistant.stores import lock_store_config, tracker_store_config
from assistant.widget_server import WidgetServer, cors_args, cors_origins, start_widget_server
from miss_config.paths import MODEL, PROJECT_ROOT
from miss_config.settings import TWILIO_REQUIRED, Settings, SettingsError, load_settings


def _start_widget(args: argparse.Namespace) -> Optional[WidgetServer]:
    """For `run`: the widget server, unless --no-widget."""
    if args.no_widget:
        return None
    try:
        return start_widget_server(browser_url(args.host, args.port), args.widget_host,
                                   args.widget_port)
    except OSError as error:
        raise SystemExit(f"Cannot serve the website chat widget on {args.widget_host}:"
                         f"{args.widget_port} ({error.strerror or error}): set MISS_WIDGET_PORT "
                         "to a free port, or use --no-widget.")


SHELL_SENDER_PREFIX = "shell-"


def _shell(args: argparse.Namespace) -> int:
    """A terminal chat through the same server and REST channel patients use: the
    readable client (assistant/shell.py), or Rasa's own console with --rasa-console."""
    import uuid

    sender = f"{SHELL_SENDER_PREFIX}{uuid.uuid4().hex[:8]}"
    logs = PROJECT_ROOT / "var" / "logs"
    print(f"Starting the assistant for the shell (about 10-20 s; server logs in {logs})...",
          flush=True)
    try:
        with running_assistant(port=args.port, log_dir=logs) as assistant:
            if args.rasa_console:
                import asyncio

                from rasa.core.channels.console import record_messages

                asyncio.run(record_messages(sender_id=sender, server_url=assistant.url))
                return 0
            from assistant.shell import chat

            return chat(assistant.rest_webhook, sender=sender)
    except KeyboardInterrupt:
        print(flush=True)
        return 0


def sms_status(settings: Settings) -> str:
    """Whether the Twilio SMS channel is on, as the channel itself decides
    (the account SID, auth token and number all set)."""
    have = dict(zip(TWILIO_REQUIRED, (settings.twilio_account_sid, settings.twilio_auth_token,
                                      settings.twilio_number)))
    missing = [name for name, value in have.items() if not value]
    if not missing:
        digits = "".join(ch for ch in settings.twilio_number if ch.isdigit())
        return f"on, for the number ending {digits[-2:]}"
    if len(missing) == len(TWILIO_REQUIRED):
        return "off: set " + ", ".join(TWILIO_REQUIRED) + " to turn it on"
    return "off: " + ", ".join(missing) + " not set (run `make doctor`)"


def startup_block(rasa_url: str, demo_url: Optional[str], settings: Settings) -> List[str]:
    """The lines `run` ends its start-up with: every address it serves, the
    stores in use and how to stop it."""
    tracker = tracker_store_config(settings)
    if tracker["dialect"] == "sqlite":
        conversations = f"SQLite, {tracker['db']}"
    else:
        conversations = (f"PostgreSQL, {tracker['username']}@{tracker['url']}:"
                         f"{tracker['port']}/{tracker['db']}")
    lock = lock_store_config(settings)
    locks = (f"Redis, {lock['url']}:{lock['port']} db {lock['db']}" if lock
             else "in memory (right for one server)")
    rows = [
        ("REST channel", f"{rasa_url}/webhooks/rest/webhook"),
        ("Widget demo page", demo_url or "off (--no-widget)"),
        ("SMS webhook", f"{rasa_url}/webhooks/twilio_sms/webhook"),
        ("", f"({sms_status(settings)})"),
        ("Conversations", conversations),
        ("Locks", locks),
        ("HTTP API", "on, JWT only" if settings.jwt_secret else "off"),
    ]
    rule = "-" * 72
    lines = ["", rule, "MISS assistant is ready."]
    lines += [f"  {label + ':' if label else '':<18}{value}" for label, value in rows]
    lines += ["Chat with it in a terminal: .venv/bin/python -m assistant.shell",
              "Stop it with Ctrl+C.", rule]
    return lines


def _run(args: argparse.Namespace) -> int:
    env = base_env()
    settings = load_settings(env)
    print("Starting the MISS assistant (about 10-20 s)...", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        endpoints = write_endpoints(Path(tmp), settings)
        prune_at_start(settings)
        widget = _start_widget(args)
        origins = widget.cors_origins if widget else cors_origins()
        try:
            rasa = start_process(rasa_run_args(args.host, args.port, endpoints)
                                 + serving_args(settings) + cors_args(origins),
                                 env=rasa_server_env(env, settings))
            try:
                wait_for_http(f"{browser_url(args.host, args.port)}/", timeout=180, proc=rasa)
                time.sleep(0.5)  # let the server's own start-up lines come first
                print("\n".join(startup_block(browser_url(args.host, args.port),
                                              widget.demo_url if widget else None, settings)),
                      flush=True)
                return rasa.wait()
            finally:
                stop(rasa)
        except KeyboardInterrupt:
            return 130
        finally:
            if widget:
                widget.close()


def parse_args(argv: Optional[List[str]], settings: Settings) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "shell"])
    parser.add_argument("--host", default=settings.host)
    parser.add_argument("--port", type=int, default=settings.port)
    parser.add_argument("--widget-host", default=settings.widget_host)
    parser.add_argument("--widget-port", type=int, default=settings.widget_port)
    parser.add_argument("--no-widget", action="store_true",
                        help="do not serve the website chat widget and its demo page")
    parser.add_argument("--rasa-console", action="store_true",
                        help="shell: Rasa's own console client instead of the readable one")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    from assistant.quiet import quiet_dependencies

    quiet_dependencies()
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    args = parse_args(argv, settings)
    if not MODEL.exists():
        print(f"No trained model at {MODEL}; run `make train` first (or `make doctor`).",
              file=sys.stderr)
        return 1
    busy = _busy_ports(args)
    if busy:
        print("\n".join(busy), file=sys.stderr)
        if args.command == "shell":
            print("To chat with an assistant already running: "
                  ".venv/bin/python -m assistant.shell", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    return _shell(args) if args.command == "shell" else _run(args)


def _busy_ports(args: argparse.Namespace) -> List[str]:
    """One line with the fix for each port the servers could not listen on
    (assistant/doctor/configuration.py's check), instead of a traceback from deep inside Rasa."""
    from assistant.doctor.configuration import Port, check_ports

    ports = [Port("Rasa server", "MISS_PORT", args.host, args.port)]
    if args.command == "run" and not args.no_widget:
        ports.append(Port("widget demo page", "MISS_WIDGET_PORT", args.widget_host,
                          args.widget_port))
    return check_ports([p for p in ports if p.port])


if __name__ == "__main__":
    sys.exit(main())
