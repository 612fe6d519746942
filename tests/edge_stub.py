"""A local stand-in for Microsoft Edge's read-aloud websocket, speaking the protocol edge-tts uses.

In: a ``speech.config`` text message, then an ``ssml`` one. Out: ``turn.start``, an ``audio.metadata``
word boundary for each word, the MP3 in binary frames (2-byte big-endian header length, headers, audio), ``turn.end``.
Serves on 127.0.0.1 only. ``stub.faults`` is consumed one per request: "no-audio", "drop", "slow:<s>",
or "ok"; ``stub.fail_texts`` gives a fault to every request whose text contains a key.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import threading
import time
from dataclasses import dataclass

from aiohttp import WSMsgType, web

from tests.gtts_stub import MS_PER_CHAR, tone_mp3

FRAME = 4096


@dataclass(frozen=True)
class EdgeRequest:
    text: str
    voice: str
    rate: str
    pitch: str
    fault: str


def _message(path: str, body: str, request_id: str) -> str:
    return (
        f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\nPath:{path}\r\n\r\n"
        f"{body}"
    )


def _audio_frame(data: bytes, request_id: str) -> bytes:
    headers = f"X-RequestId:{request_id}\r\nContent-Type:audio/mpeg\r\nPath:audio\r\n".encode()
    return len(headers).to_bytes(2, "big") + headers + data


class EdgeStub:
    def __init__(self):
        self.requests: list[EdgeRequest] = []
        self.faults: list[str] = []
        self.fail_texts: dict[str, str] = {}
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.url = ""

    async def _handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        ssml = None
        async for message in socket:
            if message.type == WSMsgType.TEXT and "Path:ssml" in message.data:
                ssml = message.data
                break
        if ssml is None:
            return socket
        request_id = re.search(r"X-RequestId:(\w+)", ssml).group(1)
        text = html.unescape(re.search(r"<prosody[^>]*>(.*)</prosody>", ssml, re.S).group(1))
        voice = re.search(r"<voice name='([^']+)'>", ssml).group(1)
        rate = re.search(r"rate='([^']+)'", ssml).group(1)
        pitch = re.search(r"pitch='([^']+)'", ssml).group(1)
        with self._lock:
            fault = next((f for piece, f in self.fail_texts.items() if piece in text), None)
            if fault is None:
                fault = self.faults.pop(0) if self.faults else "ok"
            self.requests.append(EdgeRequest(text, voice, rate, pitch, fault))
        kind, _, value = fault.partition(":")
        if kind == "drop":
            await socket.close()
            request.transport.close()
            return socket
        if kind == "slow":
            await asyncio.sleep(float(value))
        await socket.send_str(_message("turn.start", '{"context":{"serviceTag":"stub"}}', request_id))
        if kind != "no-audio":
            before = 0
            for word in text.split():  # one boundary a word, where the tone reaches it (100 ns ticks)
                at = {
                    "Offset": before * MS_PER_CHAR * 10_000,
                    "Duration": len(word) * MS_PER_CHAR * 10_000,
                    "text": {"Text": word},
                }
                metadata = {"Metadata": [{"Type": "WordBoundary", "Data": at}]}
                await socket.send_str(_message("audio.metadata", json.dumps(metadata), request_id))
                before += len(word) + 1
            audio = tone_mp3(text)
            for start in range(0, len(audio), FRAME):
                await socket.send_bytes(_audio_frame(audio[start : start + FRAME], request_id))
        await socket.send_str(_message("turn.end", "{}", request_id))
        await socket.close()
        return socket

    def __enter__(self) -> EdgeStub:
        def serve():
            asyncio.set_event_loop(self._loop)
            app = web.Application()
            app.router.add_get("/edge/v1", self._handle)
            self._runner = web.AppRunner(app)
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=128)
            self._loop.run_until_complete(site.start())
            port = site._server.sockets[0].getsockname()[1]
            self.url = f"ws://127.0.0.1:{port}/edge/v1?TrustedClientToken=stub"
            self._ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc):
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        time.sleep(0)
