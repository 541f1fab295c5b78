"""The website chat widget: its server, and the demo page end to end in headless Chromium.

One Rasa server for the whole module, behind a small TCP forwarder that the
server-down test closes and opens again (a closed port, as a browser sees a
server that is down). Chromium is Debian's (/usr/bin/chromium), driven by
Playwright for Python; `make widget-deps` installs it and axe-core.
"""
import json
import os
import socket
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List, Optional, Set

import pytest

from assistant.processes import Assistant, free_port
from assistant.widget_server import (WIDGET_CONFIG_PATH, WidgetServer, cors_args, cors_origins,
                                     serving_widget)
from miss_config.knowledge import widget_texts
from miss_config.paths import PROJECT_ROOT
from miss_config.settings import parse_origins
from tests.http_helpers import fresh_sender, send

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM = os.environ.get("MISS_CHROMIUM", "/usr/bin/chromium")
AXE = PROJECT_ROOT / "widget" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

LAUNCHER = "Ask our assistant"
TITLE = "Questions about spine surgery"
ANSWER_TIMEOUT = 60_000  # ms; the first answers of a fresh Rasa server are slow
XSS = '<img src=x onerror="window.__xss=1">'

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}


# --------------------------------------------------------------- the widget server alone

def test_origins_must_be_exact():
    assert parse_origins(" https://www.clinic.example, http://localhost:3000/ ") == [
        "https://www.clinic.example", "http://localhost:3000"]
    for bad in ["*", "https://*.clinic.example", "https://clinic.example/page",
                "clinic.example", "https://clinic.example?x", "http://[::1]:80",
                r"https://clinic\.example"]:
        with pytest.raises(ValueError):
            parse_origins(bad)


def test_demo_origin_is_allowed_by_default_and_clinic_origins_are_added():
    assert cors_origins("http://127.0.0.1:8080", "") == [
        "http://127.0.0.1:8080", "http://localhost:8080"]
    assert cors_origins("http://127.0.0.1:8080", "https://clinic.example") == [
        "http://127.0.0.1:8080", "http://localhost:8080", "https://clinic.example"]
    assert cors_args([]) == []
    assert cors_args(["https://a.example"]) == ["--cors", "https://a.example"]


def _get(url: str, origin: str = ""):
    response = send(url, headers={"Origin": origin} if origin else {}, timeout=10)
    return response.status, response.headers, response.body


def test_widget_server_serves_the_widget_demo_and_config_only():
    rasa_url = 'http://127.0.0.1:5999/"><script>alert(1)</script>'
    with serving_widget(rasa_url, configured_origins="https://clinic.example") as widget:
        status, headers, body = _get(widget.url + "/miss-widget.js")
        assert status == 200 and headers["Content-Type"].startswith("text/javascript")

        status, _, body = _get(widget.demo_url)
        page = body.decode()
        assert status == 200 and "Example Spine Clinic" in page
        # The server URL is filled in escaped: it cannot break out of the attribute.
        assert "<script>alert(1)" not in page
        assert 'data-server="http://127.0.0.1:5999/&quot;&gt;&lt;script&gt;' in page

        status, headers, body = _get(widget.url + WIDGET_CONFIG_PATH, "https://clinic.example")
        config = json.loads(body)
        assert config["emergencyNumber"] == "911" and config["server"] == rasa_url
        assert {"title": "Recovery time", "payload": "/recovery_time"} in config["suggestions"]
        assert headers["Access-Control-Allow-Origin"] == "https://clinic.example"
        _, headers, _ = _get(widget.url + WIDGET_CONFIG_PATH, "https://evil.example")
        assert "Access-Control-Allow-Origin" not in headers

        for path in ["/package.json", "/package-lock.json", "/node_modules/axe-core/axe.min.js",
                     "/../README.md", "/%2e%2e/README.md", "/demo/missing.js", "/.gitignore"]:
            assert _get(widget.url + path)[0] == 404, path


# --------------------------------------------------------------- servers for the browser

class Forwarder:
    """A loopback TCP port in front of Rasa that a test can close and open again."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.delay = 0.0
        self._listener: Optional[socket.socket] = None
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._open: Set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(32)
        listener.settimeout(0.2)
        self._listener, self._stop = listener, threading.Event()
        self._thread = threading.Thread(target=self._accept, args=(listener, self._stop),
                                        daemon=True)
        self._thread.start()

    def down(self) -> None:
        """Port closed and every open connection cut: the server is unreachable."""
        if self._listener is None:
            return
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()
        self._listener = None
        with self._lock:
            for sock in list(self._open):
                _close(sock)
            self._open.clear()

    def _accept(self, listener: socket.socket, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        with self._lock:
            self._open.add(client)
        if self.delay:
            time.sleep(self.delay)
        try:
            upstream = socket.create_connection(self.target, timeout=10)
        except OSError:
            _close(client)
            return
        upstream.settimeout(None)
        with self._lock:
            self._open.add(upstream)
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                _close(sock)
                with self._lock:
                    self._open.discard(sock)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


@dataclass
class Stack:
    widget: WidgetServer
    assistant: Assistant
    forwarder: Forwarder


@pytest.fixture(scope="module")
def stack(assistant) -> Iterator[Stack]:
    """The shared assistant (CORS: its demo page's origin only) behind the forwarder:
    for this module, its widget server sends the page to Rasa through the forwarder."""
    forwarder = Forwarder(assistant.port)
    forwarder.up()
    widget = assistant.widget
    direct, widget.rasa_url = widget.rasa_url, forwarder.url
    try:
        yield Stack(widget, assistant, forwarder)
    finally:
        widget.rasa_url = direct
        forwarder.down()


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make widget-deps` "
                    "(as root it installs Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    # Playwright gives the browser a fresh temporary --user-data-dir and removes it on close.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             chromium_sandbox=False, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Session:
    """One browser tab on the demo page, with the widget's controls."""

    def __init__(self, page, stack: Stack) -> None:
        self.page = page
        self.stack = stack
        self.errors: List[str] = []
        self.requests: List[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda request: self.requests.append(request.url))

    def goto_demo(self) -> None:
        self.page.goto(self.stack.widget.demo_url)
        self.launcher.wait_for()

    @property
    def launcher(self):
        return self.page.get_by_role("button", name=LAUNCHER)

    @property
    def dialog(self):
        return self.page.get_by_role("dialog", name=TITLE)

    @property
    def log(self):
        return self.page.get_by_role("log")

    @property
    def input(self):
        return self.page.get_by_label("Your question")

    @property
    def messages(self):
        return self.page.locator(".mw-msg[data-id]")

    @property
    def bot_messages(self):
        return self.page.locator(".mw-msg--bot[data-id]")

    def open(self) -> None:
        self.launcher.click()
        self.expect(self.dialog).to_be_visible()

    def ask(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def wait_for_answers(self, count: int):
        """The count-th bot message (1-based) once it is there."""
        self.expect(self.bot_messages).to_have_count(count, timeout=ANSWER_TIMEOUT)
        return self.bot_messages.nth(count - 1)

    def active(self) -> dict:
        """The focused element inside the widget, and whether its focus is drawn."""
        return self.page.evaluate("""() => {
            const host = document.activeElement;
            const el = host && host.shadowRoot ? host.shadowRoot.activeElement : host;
            if (!el) return {};
            const style = getComputedStyle(el);
            return {tag: el.tagName, id: el.id, text: (el.textContent || '').trim(),
                    label: el.getAttribute('aria-label') || '',
                    outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth)};
        }""")

    def stored(self) -> dict:
        return self.page.evaluate("""() => {
            const key = Object.keys(sessionStorage).find(k => k.startsWith('miss-widget:'));
            return key ? JSON.parse(sessionStorage.getItem(key)) : {};
        }""")

    @staticmethod
    def expect(locator):
        from playwright.sync_api import expect

        return expect(locator)


@pytest.fixture
def session(browser, stack) -> Iterator[Session]:
    context = browser.new_context(**DESKTOP)
    try:
        yield Session(context.new_page(), stack)
    finally:
        context.close()
        stack.forwarder.delay = 0.0


# --------------------------------------------------------------- end to end

@pytest.mark.server
def test_patient_asks_chooses_a_button_reloads_and_starts_again(session):
    s, expect = session, session.expect
    s.goto_demo()
    s.open()
    greeting = s.page.locator("#mw-greeting")
    expect(greeting).to_contain_text("automated assistant, not a clinician")
    expect(greeting).to_contain_text("minimally invasive spine surgery")
    expect(greeting).to_contain_text("patient guide")
    expect(greeting).to_contain_text("Not for emergencies")
    expect(greeting).to_contain_text("call 911")
    expect(greeting).to_contain_text("healthcare provider")
    expect(s.log).to_have_attribute("aria-live", "polite")
    expect(s.input).to_be_focused()

    # The typing indicator shows while the (slowed) server answers.
    s.stack.forwarder.delay = 1.5
    s.ask("what is minimally invasive spine surgery?")
    expect(s.messages.first).to_contain_text("what is minimally invasive spine surgery?")
    expect(s.input).to_have_value("")
    expect(s.page.get_by_role("status")).to_contain_text("typing")
    answer = s.wait_for_answers(1)
    s.stack.forwarder.delay = 0.0
    expect(answer).to_contain_text("smaller incisions")
    expect(answer).to_contain_text("provider")
    expect(s.page.get_by_role("status")).not_to_contain_text("typing")

    # Buttons from the bot are buttons; choosing one sends its payload.
    s.ask("hello")
    greet = s.wait_for_answers(2)
    replies = greet.get_by_role("group", name="Reply options")
    expect(replies.get_by_role("button")).to_have_count(4)
    replies.get_by_role("button", name="Recovery time").click()
    expect(s.messages.nth(4)).to_have_class("mw-msg mw-msg--user")
    expect(s.messages.nth(4)).to_contain_text("Recovery time")
    recovery = s.wait_for_answers(3)
    expect(recovery).to_contain_text("quicker return to normal activities")
    expect(recovery).to_contain_text("provider")

    # A reload in the same tab keeps the conversation (and the open panel).
    before = s.messages.all_inner_texts()
    assert len(before) == 6
    s.page.reload()
    expect(s.dialog).to_be_visible()
    expect(s.messages).to_have_count(6)
    assert s.messages.all_inner_texts() == before
    stored = s.stored()
    assert [m["from"] for m in stored["messages"]] == ["user", "bot"] * 3
    assert stored["messages"][0]["text"] == "what is minimally invasive spine surgery?"
    assert stored["messages"][4] == {**stored["messages"][4], "text": "Recovery time",
                                     "payload": "/recovery_time", "status": "sent"}
    assert s.page.evaluate("localStorage.length") == 0, "nothing may go to localStorage"
    sender = stored["sender"]

    # "New conversation" clears it; the opening message stays.
    s.page.get_by_role("button", name="New conversation").click()
    expect(s.messages).to_have_count(0)
    expect(greeting).to_be_visible()
    assert s.stored()["messages"] == [] and s.stored()["sender"] != sender
    s.page.reload()
    expect(s.messages).to_have_count(0)

    assert not s.errors, s.errors
    # Offline: every request the page made went to the widget server or the assistant.
    hosts = {u.split("/")[2] for u in s.requests if u.startswith("http")}
    assert hosts <= {s.stack.widget.url.split("/")[2], s.stack.forwarder.url.split("/")[2]}, hosts


@pytest.mark.server
def test_server_down_shows_error_keeps_text_and_retry_succeeds(session):
    s, expect = session, session.expect
    s.goto_demo()
    s.open()
    question = "How long will I stay in hospital?"
    s.stack.forwarder.down()
    try:
        s.ask(question)
        alert = s.page.get_by_role("alert")
        expect(alert).to_contain_text("couldn't reach the assistant")
        expect(alert.get_by_role("button", name="Try again")).to_be_visible()
        failed = s.messages.last
        expect(failed).to_contain_text(question)
        expect(failed).to_contain_text("Not sent")

        # Nothing typed is lost, not even across a reload: the failed message and a draft.
        s.input.fill("and when can I drive")
        s.page.reload()
        expect(s.dialog).to_be_visible()
        expect(s.messages.last).to_contain_text(question)
        expect(s.messages.last).to_contain_text("Not sent")
        expect(s.input).to_have_value("and when can I drive")
        expect(s.page.get_by_role("alert")).to_contain_text("couldn't reach the assistant")
    finally:
        s.stack.forwarder.up()

    s.page.get_by_role("alert").get_by_role("button", name="Try again").click()
    answer = s.wait_for_answers(1)
    expect(answer).to_contain_text("provider")
    expect(s.messages.first).to_contain_text(question)
    expect(s.messages.first).not_to_contain_text("Not sent")
    expect(s.page.get_by_role("alert")).to_have_text("")
    expect(s.input).to_have_value("and when can I drive")
    assert [m["status"] for m in s.stored()["messages"] if m["from"] == "user"] == ["sent"]


@pytest.mark.server
def test_keyboard_only(session):
    s, expect = session, session.expect
    s.goto_demo()
    # Tab from the top of the page reaches the launcher, with a visible focus ring.
    for _ in range(10):
        s.page.keyboard.press("Tab")
        if s.active().get("text") == LAUNCHER:
            break
    focused = s.active()
    assert focused.get("text") == LAUNCHER, focused
    assert focused["outline"] != "none" and focused["outlineWidth"] >= 2, focused

    s.page.keyboard.press("Enter")
    expect(s.dialog).to_be_visible()
    expect(s.input).to_be_focused()
    focused = s.active()
    assert focused["outline"] != "none" and focused["outlineWidth"] >= 2, focused

    # Shift+Tab from the text box reaches the opening message's last suggestion.
    s.page.keyboard.press("Shift+Tab")
    assert s.active()["text"] == "Am I a candidate?"
    s.page.keyboard.press("Enter")
    expect(s.messages.first).to_contain_text("Am I a candidate?")
    expect(s.wait_for_answers(1)).to_contain_text("candidate")

    s.input.focus()
    s.page.keyboard.type("what are the benefits?")
    s.page.keyboard.press("Enter")
    expect(s.wait_for_answers(2)).to_contain_text("provider")

    # Every control has a name.
    for name in ["New conversation", "Close chat", "Send"]:
        expect(s.dialog.get_by_role("button", name=name)).to_be_visible()

    s.page.keyboard.press("Escape")
    expect(s.dialog).to_be_hidden()
    assert s.active().get("text") == LAUNCHER
    expect(s.launcher).to_have_attribute("aria-expanded", "false")


def _answer_preflight(route, request) -> Optional[dict]:
    """The CORS headers a mocked Rasa answers with; None when this was the preflight,
    already answered."""
    cors = {"Access-Control-Allow-Origin": request.headers.get("origin", "*"),
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Allow-Methods": "POST, OPTIONS"}
    if request.method == "OPTIONS":
        route.fulfill(status=204, headers=cors)
        return None
    return cors


def _mock_rasa(page, replies: list) -> List[dict]:
    """Answers the widget's REST calls with ``replies``; returns the bodies it was sent."""
    sent: List[dict] = []

    def handle(route, request):
        cors = _answer_preflight(route, request)
        if cors is None:
            return
        sent.append(request.post_data_json)
        route.fulfill(status=200, headers=cors, content_type="application/json",
                      body=json.dumps(replies))

    page.route("**/webhooks/rest/webhook", handle)
    return sent


@pytest.mark.server
def test_text_is_never_html_links_are_links_and_sources_expand(session):
    s, expect = session, session.expect
    quote = "Smaller incisions mean <script>window.__xss=3</script> less tissue disruption."
    sent = _mock_rasa(s.page, [
        {"recipient_id": "x", "text": f"Read {XSS} https://spine-clinic.example/guide. Thanks"},
        {"recipient_id": "x", "custom": {"source": {"document": "patient guide", "quote": quote}}},
        {"recipient_id": "x", "text": "Pick one", "buttons": [
            {"title": "<b>bold</b>", "payload": "/what_is_miss"}]},
    ])
    s.goto_demo()
    s.open()
    s.ask(XSS)
    user = s.messages.first
    expect(user).to_contain_text(XSS)
    s.wait_for_answers(2)  # one reply: a text with its source note, then one with buttons
    bot = s.bot_messages.first
    expect(bot.locator(".mw-text")).to_have_text(
        f"Read {XSS} https://spine-clinic.example/guide (opens in a new tab). Thanks")

    link = bot.get_by_role("link")
    expect(link).to_have_attribute("href", "https://spine-clinic.example/guide")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")

    source = bot.locator("details.mw-source")
    expect(source.locator("summary")).to_have_text("From our patient guide")
    expect(source.locator("blockquote")).to_be_hidden()
    source.locator("summary").focus()
    s.page.keyboard.press("Enter")
    expect(source.locator("blockquote")).to_have_text(quote)

    choice = s.bot_messages.nth(1).get_by_role("button", name="<b>bold</b>")
    expect(choice).to_be_visible()
    choice.click()
    expect(s.messages.nth(3)).to_contain_text("<b>bold</b>")
    s.wait_for_answers(4)
    assert [body["message"] for body in sent] == [XSS, "/what_is_miss"]

    widget_html = s.page.evaluate("document.getElementById('miss-widget').shadowRoot.innerHTML")
    for tag in ("<img", "<script", "<b>"):
        assert tag not in widget_html
    assert s.page.evaluate("window.__xss") is None
    # The same after a reload, from sessionStorage.
    s.page.reload()
    expect(s.messages).to_have_count(6)
    assert s.page.evaluate("window.__xss") is None
    assert "<img" not in s.page.evaluate(
        "document.getElementById('miss-widget').shadowRoot.innerHTML")


@pytest.mark.server
def test_user_text_with_html_goes_to_the_real_server_as_text(session):
    s, expect = session, session.expect
    s.goto_demo()
    s.open()
    s.ask(XSS)
    expect(s.wait_for_answers(1)).not_to_be_empty()
    expect(s.messages.first).to_contain_text(XSS)
    assert s.page.evaluate("window.__xss") is None
    assert s.page.locator("#miss-widget img").count() == 0


@pytest.mark.server
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_open_widget_is_accessible_and_screenshots(browser, stack, size):
    assert AXE.exists(), f"{AXE} missing: run `make widget-deps` (npm ci in widget/)"
    context = browser.new_context(**(DESKTOP if size == "desktop" else PHONE))
    try:
        s = Session(context.new_page(), stack)
        s.goto_demo()
        s.open()
        s.ask("what is minimally invasive spine surgery?")
        s.expect(s.wait_for_answers(1)).to_contain_text("provider")

        panel = s.dialog.bounding_box()
        viewport = s.page.viewport_size
        if size == "phone":  # full screen
            assert panel == {"x": 0, "y": 0, "width": viewport["width"],
                             "height": viewport["height"]}, panel
            s.expect(s.dialog).to_have_attribute("aria-modal", "true")
        else:
            assert panel["width"] < viewport["width"] / 2 and panel["height"] <= viewport["height"]

        s.page.add_script_tag(path=str(AXE))
        result = s.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        violations = result["violations"]
        for v in violations:
            print(f"axe {v['impact']}: {v['id']}: {v['help']}")
            for node in v["nodes"][:5]:
                print("   ", node["target"], node.get("failureSummary", "").replace("\n", " "))
        bad = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
        assert not bad, f"serious or critical accessibility violations: {bad}"

        ARTIFACTS.mkdir(exist_ok=True)
        s.page.screenshot(path=str(ARTIFACTS / f"widget-{size}.png"))
        assert not s.errors, s.errors
    finally:
        context.close()


@pytest.mark.server
def test_usable_at_200_percent_zoom(browser, stack):
    """1280x800 at 200% zoom is a 640x400 CSS-pixel viewport: full screen, nothing cut off."""
    context = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    try:
        s = Session(context.new_page(), stack)
        s.goto_demo()
        s.open()
        panel = s.dialog.bounding_box()
        assert panel["width"] <= 640 and panel["height"] <= 400
        for control in [s.input, s.dialog.get_by_role("button", name="Send"),
                        s.dialog.get_by_role("button", name="Close chat"),
                        s.dialog.get_by_role("button", name="New conversation")]:
            s.expect(control).to_be_in_viewport()
        overflow = s.page.evaluate("""() => {
            const root = document.getElementById('miss-widget').shadowRoot;
            const panel = root.getElementById('mw-panel');
            return panel.scrollWidth - panel.clientWidth;
        }""")
        assert overflow <= 0
    finally:
        context.close()


@pytest.mark.server
def test_rasa_allows_the_configured_origins_only(stack):
    webhook = stack.assistant.rest_webhook
    body = json.dumps({"sender": fresh_sender("cors-check"), "message": "hello"}).encode()

    def allowed_origin(origin: str, method: str = "POST") -> Optional[str]:
        headers = {"Origin": origin, "Content-Type": "application/json"}
        if method == "OPTIONS":
            headers.update({"Access-Control-Request-Method": "POST",
                            "Access-Control-Request-Headers": "content-type"})
        response = send(webhook, method, body if method == "POST" else None, headers)
        assert response.status < 400, (origin, method, response.status)
        return response.headers.get("Access-Control-Allow-Origin")

    demo = stack.widget.origin
    assert allowed_origin(demo, "OPTIONS") == demo
    assert allowed_origin(demo) == demo
    assert allowed_origin("https://evil.example", "OPTIONS") is None
    assert allowed_origin("https://evil.example") is None


# --------------------------------------------------------------- what the widget says

def test_widget_server_serves_the_stylesheet_the_parts_and_every_text():
    with serving_widget("http://127.0.0.1:5999", configured_origins="") as widget:
        status, headers, body = _get(widget.url + "/miss-widget.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        assert b".mw-launcher" in body
        for part in ("config", "dom", "store", "panel", "messages", "conversation"):
            status, headers, _ = _get(f"{widget.url}/parts/{part}.js")
            assert status == 200 and headers["Content-Type"].startswith("text/javascript"), part
        config = json.loads(_get(widget.url + WIDGET_CONFIG_PATH)[2])
        # Every sentence the widget says is served from knowledge/widget.yml.
        assert config["texts"] == widget_texts()
        assert "not a clinician" in config["texts"]["greeting_who"]


def _route_rasa(page, statuses: dict, replies: list) -> None:
    """The widget's REST calls answered with ``statuses`` (by path end) and ``replies``."""
    def handle(route, request):
        cors = _answer_preflight(route, request)
        if cors is None:
            return
        status = statuses[request.url.rsplit("/", 1)[-1]]
        route.fulfill(status=status, headers=cors, content_type="application/json",
                      body=json.dumps(replies if status == 200 else {}))

    page.route("**/webhooks/rest/*", handle)


@pytest.mark.server
def test_rate_limit_and_feedback_texts_come_from_the_served_config(session):
    s, expect = session, session.expect
    texts = widget_texts()
    statuses = {"webhook": 429, "feedback": 500}
    _route_rasa(s.page, statuses, [
        {"recipient_id": "x", "text": "MISS uses smaller cuts."},
        {"recipient_id": "x", "custom": {"source": {"document": "patient guide",
                                                    "quote": "Smaller incisions."}}}])
    s.goto_demo()
    s.open()
    s.ask("what is MISS?")
    alert = s.page.get_by_role("alert")
    expect(alert).to_contain_text(texts["too_fast"])   # 429: wait a minute, not "couldn't reach"
    expect(s.messages.last).to_contain_text("Not sent")

    statuses["webhook"] = 200
    alert.get_by_role("button", name="Try again").click()
    answer = s.wait_for_answers(1)
    expect(answer.locator("summary")).to_have_text(texts["source"])
    answer.get_by_role("button", name="Yes, this answer helped").click()
    expect(s.page.get_by_role("status")).to_have_text(texts["feedback_error"])
    statuses["feedback"] = 200
    answer.get_by_role("button", name="Yes, this answer helped").click()
    expect(answer).to_contain_text(texts["feedback_thanks"])
    assert not s.errors, s.errors


@pytest.mark.server
def test_without_its_config_the_widget_says_one_line_and_does_not_chat(session):
    s, expect = session, session.expect
    s.page.route("**" + WIDGET_CONFIG_PATH, lambda route, request: route.fulfill(status=500))
    s.goto_demo()
    s.open()
    expect(s.page.locator("#mw-greeting")).to_have_text(
        "The assistant is not available right now. Please try again later.")
    expect(s.input).to_be_hidden()
    expect(s.page.get_by_role("button", name="Close chat")).to_be_focused()
    assert not s.errors, s.errors


class ClinicPage:
    """A clinic's own page on another loopback origin (a real server: Chromium does not
    let a page it cannot place load from loopback), embedding the widget with one tag."""

    def __init__(self) -> None:
        self.script_url = ""
        clinic = self

        class Page(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                body = (f'<!doctype html><html lang="en"><title>Clinic</title><body>'
                        f'<h1>Clinic</h1><script src="{clinic.script_url}" defer '
                        f'data-title="{TITLE}"></script></body></html>').encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        self.origin = f"http://localhost:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_embedded_on_another_origin_the_widget_loads_from_its_own_url(browser):
    """One tag on a clinic's page elsewhere: the parts, the stylesheet and the config
    come from beside the script (the config through CORS)."""
    with ExitStack() as stack:
        clinic = ClinicPage()
        stack.callback(clinic.close)
        widget = stack.enter_context(serving_widget("http://127.0.0.1:5999",
                                                    configured_origins=clinic.origin))
        clinic.script_url = widget.url + "/miss-widget.js"
        context = browser.new_context(**DESKTOP)
        stack.callback(context.close)
        page = context.new_page()
        errors: List[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(clinic.origin + "/")
        launcher = page.get_by_role("button", name=LAUNCHER)
        launcher.wait_for()
        assert page.evaluate("""() => getComputedStyle(document.getElementById('miss-widget')
            .shadowRoot.querySelector('.mw-launcher')).position""") == "fixed"
        launcher.click()
        greeting = page.locator("#mw-greeting")
        Session.expect(greeting).to_contain_text(widget_texts()["greeting_what"])
        Session.expect(greeting).to_contain_text("call 911")
        assert not errors, errors
