"""The website chat widget's own server: widget/ as static files, the demo page
with the clinic's details filled in, and the widget's config (what it says and
to which Rasa server), built from knowledge/ and domain.yml.

`make run` serves it from a thread on loopback; the Rasa server allows the demo
page's origin plus MISS_CORS_ORIGINS through CORS (cors_args).
"""
import html
import json
import re
import threading
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence

from assistant.processes import browser_url
from miss_config.knowledge import domain_responses, load_clinic, widget_texts
from miss_config.paths import PROJECT_ROOT
from miss_config.settings import load_settings, parse_origins

WIDGET_DIR = PROJECT_ROOT / "widget"
WIDGET_CONFIG_PATH = "/miss-widget-config.json"
_WIDGET_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


def cors_origins(widget_origin: Optional[str] = None,
                 configured: Optional[str] = None) -> List[str]:
    """The demo page's origin (and its localhost alias) plus ``configured``
    (default: MISS_CORS_ORIGINS)."""
    extra = (list(load_settings().cors_origins) if configured is None
             else parse_origins(configured))
    origins: List[str] = []
    if widget_origin:
        origins.append(widget_origin)
        if widget_origin.startswith("http://127.0.0.1:"):
            origins.append(widget_origin.replace("127.0.0.1", "localhost", 1))
    origins += extra
    return list(dict.fromkeys(origins))


def cors_args(origins: Sequence[str]) -> List[str]:
    """`rasa run` arguments allowing exactly these origins (none: no CORS header at all)."""
    return ["--cors", *origins] if origins else []


def widget_config(rasa_url: str) -> Dict[str, object]:
    """What the widget fetches at start: the server, the clinic's own details, the
    greeting's suggested questions (the domain's greeting buttons) and every text the
    widget says itself (knowledge/widget.yml): the widget carries no wording of its own."""
    clinic = load_clinic()
    greet = (domain_responses().get("utter_greet") or [{}])[0]
    suggestions = [{"title": str(b["title"]), "payload": str(b["payload"])}
                   for b in greet.get("buttons") or [] if b.get("title") and b.get("payload")]
    return {
        "server": rasa_url,
        "clinicName": clinic["clinic_name"],
        "emergencyNumber": clinic["emergency_number"],
        "suggestions": suggestions,
        "texts": widget_texts(),
    }


def widget_file(url_path: str) -> Optional[Path]:
    """The file under widget/ that a URL path names, if it may be served."""
    parts = [p for p in urllib.parse.unquote(url_path).split("/") if p]
    if not parts or any(p.startswith(".") or p == "node_modules" for p in parts):
        return None
    path = (WIDGET_DIR / Path(*parts)).resolve()
    if WIDGET_DIR.resolve() not in path.parents or path.suffix not in _WIDGET_TYPES:
        return None
    return path if path.is_file() else None


def render_demo_page(rasa_url: str) -> bytes:
    """widget/demo/index.html with the Rasa URL and the clinic's details filled in."""
    values = {**load_clinic(), "server": rasa_url}
    page = (WIDGET_DIR / "demo" / "index.html").read_text("utf-8")
    page = re.sub(r"\{\{(\w+)\}\}",
                  lambda m: html.escape(values.get(m.group(1), m.group(0)), quote=True), page)
    return page.encode("utf-8")


class _WidgetHandler(BaseHTTPRequestHandler):
    server_version = "miss-widget"
    sys_version = ""
    widget: "WidgetServer"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        path = urllib.parse.urlsplit(self.path).path
        headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
        if path in ("/", "/demo"):
            self.send_response(302)
            self.send_header("Location", "/demo/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            if path == WIDGET_CONFIG_PATH:
                body = json.dumps(widget_config(self.widget.rasa_url)).encode("utf-8")
                content_type = "application/json"
                origin = self.headers.get("Origin", "")
                if origin.lower() in self.widget.cors_origins:
                    headers["Access-Control-Allow-Origin"] = origin
                headers["Vary"] = "Origin"
            elif path in ("/demo/", "/demo/index.html"):
                body, content_type = render_demo_page(self.widget.rasa_url), _WIDGET_TYPES[".html"]
            else:
                file = widget_file(path)
                if file is None:
                    self.send_error(404)
                    return
                body, content_type = file.read_bytes(), _WIDGET_TYPES[file.suffix]
        except Exception as error:  # a broken clinic.yml must not kill the server
            self.log_error("cannot serve %s: %s", path, error)
            self.send_error(500)
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        if self.widget.verbose:
            super().log_message(format, *args)


@dataclass
class WidgetServer:
    """The widget's files and demo page, served from a thread of this process."""
    httpd: ThreadingHTTPServer
    rasa_url: str
    cors_origins: List[str]
    verbose: bool = False
    thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return browser_url(str(host), int(port))

    @property
    def origin(self) -> str:
        return self.url

    @property
    def demo_url(self) -> str:
        return f"{self.url}/demo/"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)


def start_widget_server(rasa_url: str, host: str = "127.0.0.1", port: int = 0,
                        configured_origins: Optional[str] = None,
                        verbose: bool = False) -> WidgetServer:
    """Serves widget/ on host:port (0: a free port); the demo page talks to rasa_url.

    Its ``cors_origins`` (demo origin + MISS_CORS_ORIGINS) are the ones to give
    `rasa run` with ``cors_args``.
    """
    handler = type("WidgetHandler", (_WidgetHandler,), {})
    httpd = ThreadingHTTPServer((host, port), handler)
    httpd.daemon_threads = True
    widget = WidgetServer(httpd, rasa_url, [], verbose)
    try:
        widget.cors_origins = cors_origins(widget.origin, configured_origins)
    except ValueError:
        httpd.server_close()
        raise
    handler.widget = widget
    widget.thread = threading.Thread(target=httpd.serve_forever, name="miss-widget", daemon=True)
    widget.thread.start()
    return widget


@contextmanager
def serving_widget(rasa_url: str, host: str = "127.0.0.1", port: int = 0,
                   configured_origins: Optional[str] = None) -> Iterator[WidgetServer]:
    widget = start_widget_server(rasa_url, host, port, configured_origins)
    try:
        yield widget
    finally:
        widget.close()
