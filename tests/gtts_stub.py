"""A local stand-in for Google Translate's batchexecute endpoint, speaking the protocol gTTS uses.

It answers each POST with real MP3 bytes (a tone whose length follows the text) in the same envelope
Google sends, records every text it was asked to speak, and serves on 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import json
import math
import struct
import threading
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
    frames = SAMPLE_RATE * MS_PER_CHAR * len(text) // 1000
    pcm = (_ONE_SECOND * (frames // SAMPLE_RATE + 1))[: frames * 2]
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(32)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    return bytes(encoder.encode(pcm) + encoder.flush())


def envelope(audio: bytes) -> bytes:
    """The batchexecute answer gTTS parses: base64 audio after ``jQ1olc","[\\"``."""
    payload = json.dumps([base64.b64encode(audio).decode()], separators=(",", ":"))
    line = json.dumps([["wrb.fr", "jQ1olc", payload, None, None, None, "generic"]], separators=(",", ":"))
    return f")]}}'\n\n{len(line)}\n{line}\n".encode()


class GttsStub:
    """Run with ``with GttsStub() as stub:``; point ``BRIEFING_GTTS_URL`` at ``stub.url``."""

    def __init__(self):
        self.texts: list[str] = []
        self.langs: list[str] = []
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                rpc = json.loads(parse_qs(body)["f.req"][0])
                text, lang = json.loads(rpc[0][0][1])[:2]
                with stub._lock:
                    stub.texts.append(text)
                    stub.langs.append(lang)
                answer = envelope(tone_mp3(text))
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # concurrent clients; the default backlog of 5 drops connections
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/_/TranslateWebserverUi/data/batchexecute"

    def __enter__(self) -> GttsStub:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
