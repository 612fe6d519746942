"""A local web server with the faults real news sites have: redirect chains and loops, 404 and 500, a page
that never answers, a body that never ends, an image where a page was expected, a cp1256 page whose
headers name no charset."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).parent / "pages"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.server.paths.append(self.path)
        self.server.agents.append(self.headers.get("User-Agent", ""))
        route = self.path.split("?")[0]
        if route == "/news/water-plant.html":
            self._send(200, "text/html; charset=utf-8", (PAGES / "ar-share-byline.html").read_bytes())
        elif route == "/windows":
            self._send(200, "text/html", (PAGES / "ar-cp1256-ads.html").read_bytes())
        elif route == "/lying":  # the cp1256 page, its header saying it is Latin-1
            self._send(200, "text/html; charset=iso-8859-1", (PAGES / "ar-cp1256-ads.html").read_bytes())
        elif route == "/english":
            self._send(200, "text/html; charset=utf-8", (PAGES / "en-menus-share.html").read_bytes())
        elif route == "/plain.txt":
            self._send(
                200,
                "text/plain; charset=utf-8",
                "عنوان الخبر\nهذا نص الخبر، وهو قصير ولكنه كاف للقراءة.\n".encode(),
            )
        elif route.startswith(
            "/feed."
        ):  # a feed under its own content type, listing two pages of this server
            kind = {"/feed.rss": "application/rss+xml", "/feed.atom": "application/atom+xml"}.get(
                route, "text/xml"
            )
            home = f"http://127.0.0.1:{self.server.server_address[1]}"
            links = "".join(
                f"<item><title>خبر</title><link>{home}{path}</link></item>"
                for path in ("/news/water-plant.html", "/plain.txt")
            )
            self._send(
                200,
                kind,
                f"<?xml version='1.0'?><rss version='2.0'><channel>{links}</channel></rss>".encode(),
            )
        elif route == "/data":
            self._redirect("data:text/html,<p>hi</p>")
        elif route.startswith("/hop/"):
            left = int(route.rsplit("/", 1)[1])
            self._redirect("/news/water-plant.html" if left == 0 else f"/hop/{left - 1}")
        elif route == "/loop":
            self._redirect("/loop")
        elif route == "/ftp":
            self._redirect("ftp://127.0.0.1/file.txt")
        elif route == "/missing":
            self._send(404, "text/html", b"<h1>Not Found</h1>")
        elif route == "/broken":
            self._send(500, "text/html", b"<h1>Internal Server Error</h1>")
        elif route == "/image":
            self._send(200, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64))
        elif route == "/slow":
            time.sleep(self.server.slow_seconds)
            self._send(200, "text/html", b"<p>late</p>")
        elif route == "/trickle":  # headers a byte at a time: every read is quick, the whole never ends
            try:
                for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"a" * 200:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
            self.close_connection = True
        elif route == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + "كلام بلا نهاية ".encode() * 500 + b"</p>\n"
            deadline = time.monotonic() + 20
            try:
                while time.monotonic() < deadline:  # bounded: the client gives up long before
                    self.wfile.write(chunk)
            except OSError:
                pass
            self.close_connection = True
        else:
            self._send(404, "text/plain", b"no such page")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that hangs up early (as a fetch refusing a page does) is no error here: print nothing,
        or it lands in the output a test is reading."""


class PageServer:
    """``with PageServer() as server: server.url("/path")``; ``paths`` lists what was asked for."""

    def __init__(self, slow_seconds: float = 3.0):
        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.paths, self.httpd.agents, self.httpd.slow_seconds = [], [], slow_seconds

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    @property
    def paths(self) -> list[str]:
        return self.httpd.paths

    @property
    def agents(self) -> list[str]:
        return self.httpd.agents

    def __enter__(self) -> PageServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
