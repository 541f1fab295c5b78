"""A readable terminal chat with the assistant, through the REST channel patients use.

`make shell` starts the servers and runs this client against them; it shows each
answer as a patient sees it in the website widget:

* the text,
* the buttons as numbered choices (type the number to pick one),
* the source of an answer as one line: ``From our patient guide: "…"``,
* emergency advice marked with a leading ``!! URGENT`` line and ``!!`` margin:
  a reply whose ``custom.triage`` is ``acute``; without a ``custom.triage``
  marker (``mentioned``, ``after_surgery``: not urgent), one that gives the
  emergency number of knowledge/clinic.yml.

On its own, against an assistant already running (`make run`):

    python -m assistant.shell [--url http://127.0.0.1:5005] [--sender shell-me]

Plain Python (urllib), no Rasa import: it reads lines from stdin and posts each
one to ``/webhooks/rest/webhook``. ``/quit`` (or ``/stop``, ``/exit``, Ctrl-D)
ends it.
"""
import argparse
import json
import re
import shutil
import sys
import textwrap
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, TextIO

from miss_config.knowledge import (CLINIC_FILE, SOURCE_DOCUMENT, domain_responses,
                                   knowledge_dir)
from miss_config.settings import load_settings

REST_PATH = "/webhooks/rest/webhook"
SENDER_PREFIX = "shell-"
QUIT_COMMANDS = frozenset({"/quit", "/stop", "/exit", "/bye"})
URGENT_HEADER = "!! URGENT: this may be an emergency. Act on this advice now."
URGENT_MARGIN = "!! "
PROMPT = "You: "
BOT = "Assistant: "
# custom.triage values (or flags) that mark emergency advice.
URGENT_TRIAGE = frozenset({"acute", "emergency", "crisis"})


@dataclass
class Reply:
    """One bubble as the widget shows it: text, buttons and the source note."""
    text: str = ""
    buttons: List[Dict[str, str]] = field(default_factory=list)
    source: Optional[Dict[str, str]] = None
    urgent: bool = False
    custom: Dict[str, Any] = field(default_factory=dict)


def emergency_numbers(clinic_file: Optional[Path] = None) -> List[str]:
    """The emergency number of knowledge/clinic.yml (MISS_KNOWLEDGE_DIR), if readable."""
    path = clinic_file or knowledge_dir() / CLINIC_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    match = re.search(r"^emergency_number:\s*[\"']?([^\"'#\n]+?)[\"']?\s*(?:#.*)?$", text, re.M)
    return [match.group(1).strip()] if match and match.group(1).strip() else []


def _mentions(text: str, number: str) -> bool:
    return bool(re.search(r"(?<![\w])" + re.escape(number) + r"(?![\w])", text))


def _is_urgent_custom(custom: Mapping[str, Any]) -> bool:
    triage = custom.get("triage")
    if isinstance(triage, str) and triage.strip().lower() in URGENT_TRIAGE:
        return True
    return any(custom.get(flag) is True for flag in ("emergency", "urgent"))


def group_replies(messages: Iterable[Any], emergency: Sequence[str] = ()) -> List[Reply]:
    """Rasa's REST messages as bubbles: like the widget, a message with only
    buttons or a ``custom`` payload belongs to the text before it."""
    replies: List[Reply] = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        text = message.get("text") if isinstance(message.get("text"), str) else ""
        if not text.strip() and isinstance(message.get("image"), str):
            text = message["image"]
        buttons = [{"title": str(b["title"]), "payload": str(b["payload"])}
                   for b in message.get("buttons") or []
                   if isinstance(b, dict) and b.get("title") and b.get("payload")]
        custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
        if text.strip() or not replies:
            replies.append(Reply(text=text.strip()))
        reply = replies[-1]
        if buttons:
            reply.buttons = buttons
        if custom:
            reply.custom.update(custom)
            source = custom.get("source")
            if isinstance(source, dict) and isinstance(source.get("quote"), str) \
                    and source["quote"].strip():
                reply.source = {"document": str(source.get("document") or SOURCE_DOCUMENT),
                                "quote": " ".join(source["quote"].split())}
    for reply in replies:
        if "triage" in reply.custom:  # the server's own marker decides when there is one
            reply.urgent = _is_urgent_custom(reply.custom)
        else:
            reply.urgent = _is_urgent_custom(reply.custom) or any(
                _mentions(reply.text, number) for number in emergency)
    return [r for r in replies if r.text or r.buttons or r.source]


def _wrap(text: str, width: int, first: str, rest: str) -> List[str]:
    lines: List[str] = []
    for i, paragraph in enumerate(text.splitlines() or [""]):
        lines += textwrap.wrap(paragraph, width=width, initial_indent=first if i == 0 else rest,
                               subsequent_indent=rest, break_on_hyphens=False) or [rest.rstrip()]
    return lines


def render(replies: Sequence[Reply], width: int = 80) -> List[str]:
    """The lines to print for one turn's replies (numbering the buttons from 1)."""
    width = max(40, width)
    indent = " " * len(BOT)
    lines: List[str] = []
    number = 0
    for reply in replies:
        margin = URGENT_MARGIN if reply.urgent else ""
        if reply.urgent:
            lines.append(URGENT_HEADER)
        if reply.text:
            lines += [margin + line for line in
                      _wrap(reply.text, width - len(margin), BOT, indent)]
        if reply.buttons:
            lines.append(margin + indent + "Choose a number, or type a question:")
            for button in reply.buttons:
                number += 1
                lines.append(f"{margin}{indent}  {number}. {button['title']}")
        if reply.source:
            note = f"From our {reply.source['document']}: \u201c{reply.source['quote']}\u201d"
            lines += [margin + line for line in
                      _wrap(note, width - len(margin), indent, indent + "  ")]
    return lines


def choices_of(replies: Sequence[Reply]) -> List[Dict[str, str]]:
    return [button for reply in replies for button in reply.buttons]


def post(webhook: str, sender: str, message: str, timeout: float = 60) -> List[Any]:
    from channels.door import SHELL_TOKEN_HEADER, shell_token

    body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    token = shell_token(create=False)  # the server's, from MISS_DATA_DIR: `shell-` ids are ours
    if token:
        headers[SHELL_TOKEN_HEADER] = token
    request = urllib.request.Request(webhook, data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        data = json.loads(response.read() or b"[]")
    return data if isinstance(data, list) else []


def chat(webhook: str, sender: Optional[str] = None, stdin: Optional[TextIO] = None,
         stdout: Optional[TextIO] = None, emergency: Optional[Sequence[str]] = None) -> int:
    """Reads lines until /quit or end of input; each goes to the REST channel."""
    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    sender = sender or SENDER_PREFIX + uuid.uuid4().hex[:8]
    emergency = emergency_numbers() if emergency is None else list(emergency)
    interactive = stdin is sys.stdin and out is sys.stdout

    def say(line: str = "") -> None:
        print(line, file=out, flush=True)

    def read() -> Optional[str]:
        if interactive:
            try:
                return input(PROMPT)
            except EOFError:
                return None
        out.write(PROMPT)
        out.flush()
        line = stdin.readline()
        return line.rstrip("\n") if line else None

    say(f"Chatting with the MISS assistant through {webhook} (conversation {sender}).")
    say("Type a question; type a number to pick a choice; /quit or Ctrl-D to end.")
    choices: List[Dict[str, str]] = []
    while True:
        width = min(shutil.get_terminal_size((80, 24)).columns, 100) - 1
        try:
            line = read()
        except KeyboardInterrupt:
            say()
            line = None
        if line is None:
            say()
            break
        text = line.strip()
        if not text:
            continue
        if text.lower() in QUIT_COMMANDS:
            break
        message = text
        if text.isdigit() and choices:
            index = int(text)
            if not 1 <= index <= len(choices):
                say(f"There is no choice {index}: pick 1 to {len(choices)}, or type a question.")
                continue
            message = choices[index - 1]["payload"]
            say(f"  (you picked {index}. {choices[index - 1]['title']})")
        try:
            replies = group_replies(post(webhook, sender, message), emergency)
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", None) or error
            say(f"The assistant did not answer ({reason}). Is it running? "
                "Start it with `make run`, or use `make shell`.")
            continue
        if not replies:
            say(BOT + "(no answer)")
        for rendered in render(replies, width):
            say(rendered)
        choices = choices_of(replies)
    # The assistant's own goodbye (domain.yml), so the farewell has one source.
    say(BOT + " ".join(domain_responses()["utter_goodbye"][0]["text"].split()))
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    from assistant.quiet import quiet_dependencies

    quiet_dependencies()
    from assistant.processes import browser_url

    parser = argparse.ArgumentParser(description="Readable chat with a running MISS assistant.")
    settings = load_settings()
    default_url = browser_url(settings.host, settings.port)
    parser.add_argument("--url", default=default_url,
                        help="the Rasa server (default %(default)s)")
    parser.add_argument("--sender", default=None,
                        help="conversation id (default shell-<random>)")
    args = parser.parse_args(argv)
    return chat(args.url.rstrip("/") + REST_PATH, sender=args.sender)


if __name__ == "__main__":
    sys.exit(main())
