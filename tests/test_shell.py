"""The command-line shell (`make shell`, assistant/shell.py), driven through a
pseudo-terminal as a tester would, and its rendering of the REST channel's replies."""
import io
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List

import pexpect
import pytest

from miss_config.knowledge import clinic
from assistant import shell
from assistant.processes import base_env, free_port
from miss_config.paths import PROJECT_ROOT

GREETING = [{"recipient_id": "shell-t", "text": "Hello! What would you like to know?",
             "buttons": [{"title": "What is MISS?", "payload": "/what_is_miss"},
                         {"title": "Recovery time", "payload": "/recovery_time"}]}]
ANSWER = [{"recipient_id": "shell-t", "text": "MISS uses small incisions. Please discuss "
                                              "your options with your healthcare provider."},
          {"recipient_id": "shell-t",
           "custom": {"source": {"document": "patient guide",
                                 "quote": "Minimally invasive spine surgery uses\nsmaller "
                                          "incisions \u2026 less damage to muscles"}}}]
EMERGENCY = [{"recipient_id": "shell-t", "text": "This could be an emergency. Call 911 or go "
                                                 "to the nearest emergency department now."}]


# --- Rendering (no server) -----------------------------------------------------------

def test_buttons_become_numbered_choices():
    replies = shell.group_replies(GREETING, ["911"])
    lines = shell.render(replies)
    assert lines[0].startswith("Assistant: Hello!")
    assert any(line.strip() == "1. What is MISS?" for line in lines)
    assert any(line.strip() == "2. Recovery time" for line in lines)
    assert shell.choices_of(replies)[0]["payload"] == "/what_is_miss"
    assert not any("!!" in line for line in lines)


def test_source_is_one_readable_line_not_json():
    replies = shell.group_replies(ANSWER, ["911"])
    assert len(replies) == 1  # the custom item belongs to the text before it
    text = "\n".join(shell.render(replies, width=1000))
    assert ("From our patient guide: \u201cMinimally invasive spine surgery uses smaller "
            "incisions \u2026 less damage to muscles\u201d") in text
    assert "{" not in text and "custom" not in text.lower()


@pytest.mark.parametrize("messages", [
    EMERGENCY,
    [{"text": "Please get help now."}, {"custom": {"triage": "acute"}}],
    [{"text": "Please get help now.", "custom": {"triage": "acute"}}],
])
def test_emergency_advice_is_marked(messages):
    lines = shell.render(shell.group_replies(messages, ["911"]))
    assert lines[0].startswith("!! URGENT")
    assert all(line.startswith("!!") for line in lines)


@pytest.mark.parametrize("messages", [
    [{"text": "Call us on (555) 010-0199 or 9110 3456."}],
    # an answer that names a red flag in passing, with when to call 911: the marker decides
    [{"text": "Recovery takes weeks. If you ever have chest pain, call 911 right away."},
     {"custom": {"triage": "mentioned", "source": {"quote": "q"}}}],
    [{"text": "Please call your surgeon's office today. Call 911 if ...",
      "custom": {"triage": "after_surgery"}}],
])
def test_other_numbers_and_triage_values_are_not_urgent(messages):
    assert not shell.group_replies(messages, ["911"])[0].urgent


def test_emergency_number_comes_from_the_clinic_file(tmp_path):
    assert shell.emergency_numbers() == [clinic()["emergency_number"]]
    other = tmp_path / "clinic.yml"
    other.write_text('clinic_name: "X"\nemergency_number: "999"  # UK\n')
    assert shell.emergency_numbers(other) == ["999"]


class FakeRest:
    """A REST channel on loopback answering from a script; records what it got."""

    def __init__(self, answers: Dict[str, List[Dict]]) -> None:
        self.received: List[Dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.received.append(body)
                data = json.dumps(answers.get(body["message"], [])).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.webhook = f"http://127.0.0.1:{self.httpd.server_address[1]}{shell.REST_PATH}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_a_number_picks_that_choice_and_is_sent_as_its_payload():
    rest = FakeRest({"hello": GREETING, "/recovery_time": ANSWER})
    out = io.StringIO()
    try:
        code = shell.chat(rest.webhook, sender="shell-test",
                          stdin=io.StringIO("hello\n7\n2\n/quit\n"), stdout=out,
                          emergency=["911"])
    finally:
        rest.close()
    assert code == 0
    assert [m["message"] for m in rest.received] == ["hello", "/recovery_time"]
    assert all(m["sender"] == "shell-test" for m in rest.received)
    text = out.getvalue()
    assert "There is no choice 7: pick 1 to 2" in text
    assert "(you picked 2. Recovery time)" in text
    assert "From our patient guide:" in text


def test_an_unreachable_server_is_explained():
    out = io.StringIO()
    webhook = f"http://127.0.0.1:{free_port()}{shell.REST_PATH}"
    shell.chat(webhook, stdin=io.StringIO("hello\n"), stdout=out, emergency=[])
    assert "did not answer" in out.getvalue() and "make run" in out.getvalue()


def test_the_shell_uses_the_shell_sender_prefix():
    rest = FakeRest({})
    try:
        shell.chat(rest.webhook, stdin=io.StringIO("hi\n"), stdout=io.StringIO(), emergency=[])
    finally:
        rest.close()
    assert rest.received[0]["sender"].startswith("shell-")


# --- Through a pseudo-terminal, against the real servers ---------------------------------

def spawn(args: List[str], timeout: float, **settings: str) -> pexpect.spawn:
    env = {**base_env(), **settings}
    env["TERM"] = "dumb"
    return pexpect.spawn(sys.executable, args, cwd=str(PROJECT_ROOT), env=env,
                         encoding="utf-8", timeout=timeout, dimensions=(50, 120))


@pytest.mark.server
def test_readable_shell_question_choice_source_and_emergency(assistant, assistant_data):
    """The readable client on the shared servers: what a tester typing would see."""
    emergency_number = clinic()["emergency_number"]
    # The shell proves itself with the server's token, from the server's data folder.
    term = spawn(["-m", "assistant.shell", "--url", assistant.url], timeout=60,
                 MISS_DATA_DIR=str(assistant_data))
    try:
        term.expect_exact("You: ")
        # a question: the answer, its source as one line, the provider
        term.sendline("how long would I stay in hospital?")
        term.expect_exact("Assistant: ")
        term.expect_exact("From our patient guide: \u201c")
        answer = term.before
        assert "provider" in answer.lower()
        assert "{" not in answer and "Custom json" not in answer
        term.expect_exact("You: ")
        # a greeting: numbered buttons; "1" picks the first
        term.sendline("hello")
        term.expect(r"\s1\. (.+?)\r?\n")
        first = term.match.group(1).strip()
        term.expect_exact("You: ")
        term.sendline("1")
        term.expect_exact(f"(you picked 1. {first})")
        term.expect_exact("Assistant: ")
        term.expect_exact("From our patient guide:")
        term.expect_exact("You: ")
        # an emergency: marked before the advice, which gives the emergency number
        term.sendline("since this morning I can't control my bladder and my legs are numb")
        term.expect_exact("!! URGENT")
        term.expect_exact(emergency_number)
        term.expect_exact("You: ")
        term.sendline("/quit")
        term.expect(pexpect.EOF)
    finally:
        if term.isalive():
            term.terminate(force=True)
    term.close()
    assert term.exitstatus == 0


@pytest.mark.server
def test_make_shell_starts_the_servers_and_answers_readably(trained_model, tmp_path):
    """`make shell`'s command: it starts its own servers, chats, and stops them."""
    term = spawn(["-m", "assistant.launcher", "shell", "--port", str(free_port())],
                 timeout=240, MISS_DATA_DIR=str(tmp_path))
    try:
        term.expect_exact("Starting the assistant for the shell")
        term.expect_exact("You: ")
        term.sendline("what is minimally invasive spine surgery?")
        term.expect_exact("From our patient guide:", timeout=60)
        term.expect_exact("You: ")
        term.sendline("/quit")
        term.expect(pexpect.EOF, timeout=60)
        assert "Custom json" not in (term.before or "")
    finally:
        if term.isalive():
            term.terminate(force=True)


def test_rasa_console_stays_available_as_an_option():
    from assistant import launcher

    assert "shell --rasa-console" in (PROJECT_ROOT / "Makefile").read_text()
    source = (PROJECT_ROOT / "assistant" / "launcher.py").read_text()
    assert "--rasa-console" in source and "record_messages" in source
    assert launcher.SHELL_SENDER_PREFIX == shell.SENDER_PREFIX
