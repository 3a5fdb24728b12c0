"""The HTTP side of ``archdoc serve`` (the standard library's server, one thread a request).

It listens on 127.0.0.1 only and answers only requests addressed to 127.0.0.1:PORT or
localhost:PORT, so that a web page whose name is made to point at this machine (DNS
rebinding) cannot read it. It serves archdoc's own pages and rendered files, looked up
by name in what archdoc rendered, never a path taken from the request; and every page
forbids scripts other than its own live script (Content-Security-Policy).
"""

from __future__ import annotations

from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from urllib.parse import parse_qs, unquote, urlsplit

from archdoc.serve.live import LiveRun
from archdoc.serve.page import SCRIPT, SERVED_FILES

LIVE_SCRIPT = files("archdoc.serve").joinpath("live.js").read_bytes()
KEEP_ALIVE_SECONDS = 15  # an event stream says something this often, so that a closed page is noticed

# Pages run archdoc's live script and nothing else; the diagram's icons are data: images.
PAGE_POLICY = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; "
               "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
# A rendered file is shown as it is, sandboxed: no script, not even archdoc's.
FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".md": "text/markdown; charset=utf-8",
                 ".svg": "image/svg+xml", ".json": "application/json"}


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an event stream never holds up the end

    def __init__(self, port: int, live: LiveRun) -> None:
        self.live = live
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def allowed_hosts(self) -> frozenset[str]:
        return frozenset({f"127.0.0.1:{self.port}", f"localhost:{self.port}"})

    def handle_error(self, request: object, client_address: object) -> None:
        """A request that fails (a page closed while it was sent) is that request's end, never a trace."""


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "archdoc"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged: the terminal shows what was rendered."""

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        if self.headers.get("Host", "").lower() not in self.server.allowed_hosts():
            self._send(HTTPStatus.FORBIDDEN, b"archdoc serve answers only requests for 127.0.0.1 or localhost "
                       b"at its own port\n", "text/plain; charset=utf-8")
            return
        address = urlsplit(self.path)
        if address.path == "/events":
            self._stream_events(address.query)
        elif address.path == SCRIPT:
            self._send(HTTPStatus.OK, LIVE_SCRIPT, "text/javascript; charset=utf-8")
        else:
            self._send_page_or_file([unquote(part) for part in address.path.split("/")[1:]])

    def _send_page_or_file(self, parts: list[str]) -> None:
        """``/``, ``/FOLDER/`` (a design's page) or ``/FOLDER/FILE`` (one of its rendered files)."""
        live = self.server.live
        if parts in ([""], []):
            page = live.page(None)
        elif len(parts) == 1 or (len(parts) == 2 and parts[1] == ""):
            page = live.page(parts[0])
        else:
            page = None
            path = live.file_path(parts[0], parts[1]) if len(parts) == 2 and parts[1] in SERVED_FILES else None
            if path is not None:
                try:
                    self._send(HTTPStatus.OK, path.read_bytes(), CONTENT_TYPES[path.suffix], FILE_POLICY)
                    return
                except OSError:  # not rendered in that format, or being replaced by a new render
                    pass
        if page is None:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")
        else:
            self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8")

    def _headers(self, status: HTTPStatus, content_type: str, policy: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", policy)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, policy: str = PAGE_POLICY) -> None:
        self._headers(status, content_type, policy)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream_events(self, query: str) -> None:
        """Server-sent events: 'update' each time the pages change, until the page or the server goes."""
        since = max(_number(parse_qs(query).get("since", ["0"])[0]), _number(self.headers.get("Last-Event-ID", "0")))
        self._headers(HTTPStatus.OK, "text/event-stream; charset=utf-8", PAGE_POLICY)
        self.end_headers()
        self.close_connection = True
        busy = False  # whether the page was told a render runs long (it is not redrawn for that)
        try:
            while True:
                state = self.server.live.wait_for_update(since, KEEP_ALIVE_SECONDS, busy)
                if state is None:
                    return
                version, now_busy = state
                if version > since:
                    message = f"id: {version}\nevent: update\ndata: {version}\n\n"
                elif now_busy != busy:
                    message = f"event: {'busy' if now_busy else 'idle'}\ndata: {version}\n\n"
                else:
                    message = ": waiting\n\n"
                busy = now_busy
                self.wfile.write(message.encode("ascii"))
                self.wfile.flush()
                since = version
        except OSError:  # the page was closed or reloaded
            return


def _number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0
