"""A local stand-in for Google Translate's batchexecute endpoint, speaking the protocol gTTS uses.

It answers each POST with real MP3 bytes (a tone whose length follows the text) in the same envelope
Google sends, records every request, and serves on 127.0.0.1 only. Tests script faults per request:
``stub.faults`` is consumed one per request in arrival order, and ``stub.fail_texts`` maps a piece of
text to a fault given to every request whose text contains it. Faults: "429", "429:<Retry-After>",
"500", "503", "400", "slow:<seconds>", "empty", "garbage" (base64 of bytes that are not audio), "notbase64",
"drop"; "ok" answers normally.
"""

from __future__ import annotations

import base64
import functools
import json
import math
import struct
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import lameenc

SAMPLE_RATE = 24000
MS_PER_CHAR = 60

_ONE_SECOND = b"".join(
    struct.pack("<h", int(6000 * math.sin(2 * math.pi * 220 * i / SAMPLE_RATE))) for i in range(SAMPLE_RATE)
)  # exactly 220 periods, so it repeats seamlessly


def tone_mp3(text: str) -> bytes:
    """MP3 of a soft 220 Hz tone lasting MS_PER_CHAR per character: audio that decodes, of known length."""
    return _tone_mp3(len(text))


@functools.lru_cache(maxsize=512)
def _tone_mp3(characters: int) -> bytes:
    """Encoded once per length: the stub answers as fast as a server would, not at lameenc's pace."""
    frames = SAMPLE_RATE * MS_PER_CHAR * characters // 1000
    pcm = (_ONE_SECOND * (frames // SAMPLE_RATE + 1))[: frames * 2]
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(32)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_out_sample_rate(SAMPLE_RATE)  # as Google's: 24 kHz mono at 32 kb/s (LAME would pick 22.05)
    encoder.set_channels(1)
    return bytes(encoder.encode(pcm) + encoder.flush())


def envelope(audio: bytes | None) -> bytes:
    """The batchexecute answer gTTS parses: base64 audio after ``jQ1olc","[\\"`` (None: text that is not
    base64 there, as a garbled reply has)."""
    payload = json.dumps(
        [base64.b64encode(audio).decode() if audio is not None else "g@rbage!"], separators=(",", ":")
    )
    line = json.dumps([["wrb.fr", "jQ1olc", payload, None, None, None, "generic"]], separators=(",", ":"))
    return f")]}}'\n\n{len(line)}\n{line}\n".encode()


@dataclass(frozen=True)
class Request:
    text: str
    lang: str
    fault: str
    at: float


class GttsStub:
    """Run with ``with GttsStub() as stub:``; point ``BRIEFING_GTTS_URL`` at ``stub.url``."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.requests: list[Request] = []
        self.faults: list[str] = []
        self.fail_texts: dict[str, str] = {}
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                rpc = json.loads(parse_qs(body)["f.req"][0])
                text, lang = json.loads(rpc[0][0][1])[:2]
                fault = stub._next_fault(text, lang)
                with stub._lock:
                    stub.in_flight += 1
                    stub.most_in_flight = max(stub.most_in_flight, stub.in_flight)
                time.sleep(stub.delay)
                with stub._lock:  # before answering: once answered, the client may send its next request
                    stub.in_flight -= 1
                self._answer(text, fault)

            def _answer(self, text: str, fault: str):
                kind, _, value = fault.partition(":")
                if kind == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if kind == "slow":
                    time.sleep(float(value))
                if kind in ("429", "500", "503", "400", "403", "404"):
                    self._send(int(kind), b"error", {"Retry-After": value} if value else {})
                elif kind == "empty":
                    self._send(200, b")]}'\n\n")
                elif kind == "garbage":
                    self._send(200, envelope(b"this is not audio at all" * 20))
                elif kind == "notbase64":
                    self._send(200, envelope(None))
                else:
                    self._send(200, envelope(tone_mp3(text)))

            def _send(self, status: int, body: bytes, headers: dict | None = None):
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up waiting (a timeout test)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # concurrent clients; the default backlog of 5 drops connections
            daemon_threads = True
            block_on_close = False

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = (
            f"http://127.0.0.1:{self.server.server_address[1]}/_/TranslateWebserverUi/data/batchexecute"
        )

    def _next_fault(self, text: str, lang: str) -> str:
        with self._lock:
            fault = next((f for piece, f in self.fail_texts.items() if piece in text), None)
            if fault is None:
                fault = self.faults.pop(0) if self.faults else "ok"
            self.requests.append(Request(text, lang, fault, time.monotonic()))
            return fault

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.requests]

    @property
    def langs(self) -> list[str]:
        return [r.lang for r in self.requests]

    @property
    def answered(self) -> list[str]:
        """Texts that got audio."""
        return [r.text for r in self.requests if r.fault == "ok"]

    def __enter__(self) -> GttsStub:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
