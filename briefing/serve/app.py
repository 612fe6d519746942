"""The HTTP face of the service: a JSON API (its OpenAPI schema at ``/openapi.json``), the files with range
requests, the podcast feed, an OpenAI-shaped speech endpoint, and a page to submit and listen at ``/``."""

from __future__ import annotations

import asyncio
import hmac
import logging
import sqlite3
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from briefing.errors import BriefingError, InputError, NetworkError, OutputError, SynthesisError
from briefing.serve.service import Service, Submission
from briefing.serve.speech import SPEECH_FORMATS, speak
from briefing.serve.store import DB_NAME, STATUSES, QueueFull, Record
from briefing.speech.voice import RATES

log = logging.getLogger("briefing.serve")

FILE_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".m4b": "audio/mp4",
    ".opus": "audio/ogg; codecs=opus",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/rss+xml; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}
"""What the service serves from the output folder, and as what."""
SPEECH_CHARS = 20_000
"""The longest text a speech request takes (about 20 minutes of audio): the answer waits for all of it."""
RETRY_AFTER = 30
"""Seconds a client is asked to wait when the queue is full."""


class Pauses(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sentence: int = Field(350, ge=0, le=5000, description="Milliseconds between sentences.")
    section: int = Field(1000, ge=0, le=10000, description="Milliseconds before each heading.")
    chime: bool = Field(True, description="A soft tone between sections.")


class BriefingRequest(BaseModel):
    """An article (exactly one of ``url``, ``text``, ``markdown``, ``html``) and how to narrate it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [
                {"required": [name], "properties": {name: {"type": "string"}}}
                for name in ("url", "text", "markdown", "html")
            ]
        },
    )
    url: str | None = Field(None, min_length=1, description="An http(s) link to an article page.")
    text: str | None = Field(None, min_length=1, description="Plain text: a title line, then paragraphs.")
    markdown: str | None = Field(None, min_length=1)
    html: str | None = Field(None, min_length=1)
    title: str | None = Field(None, max_length=1000, description="Instead of the detected title.")
    lang: Literal["ar", "en"] = "ar"
    engine: Literal["auto", "gtts", "espeak", "edge"] | None = Field(
        None, description="Speech engine; the server's default when omitted."
    )
    voice: str | None = Field(None, max_length=100, description="Edge voice name, e.g. ar-EG-SalmaNeural.")
    rate: float = Field(1.0, ge=RATES[0], le=RATES[1], description="Speed (espeak, edge).")
    pitch: str | None = Field(None, max_length=20, description="Edge pitch shift, e.g. +5Hz.")
    format: Literal["mp3", "m4a", "m4b", "opus"] = "mp3"
    bitrate: int | None = Field(None, ge=16, le=160, description="kb/s: MP3 32-160, M4A 48-160, Opus 16-128.")
    lexicon: dict[str, str] = Field(default_factory=dict, description="Written form -> spoken form.")
    vowels: bool | None = Field(None, description="Add vowel marks (default: for the offline voices).")
    months: Literal["latin", "syriac"] = "latin"
    pauses: Pauses = Pauses()
    per_section: bool = Field(False, description="Also one audio file per section.")

    @model_validator(mode="after")
    def one_article(self) -> BriefingRequest:
        given = [name for name in ("url", "text", "markdown", "html") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of url, text, markdown, html (given: {', '.join(given) or 'none'})"
            )
        return self


class Links(BaseModel):
    status: str
    page: str | None = None
    audio: str | None = None
    captions: str | None = None
    subtitles: str | None = None
    manifest: str | None = None


class Briefing(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float = Field(description="From 0 to 1.")
    error: str | None = None
    title: str | None = None
    source: str
    format: str
    created: float
    started: float | None = None
    finished: float | None = None
    links: Links


class BriefingList(BaseModel):
    briefings: list[Briefing]
    total: int
    next: str | None = Field(None, description="The next page, if any.")


class SpeechRequest(BaseModel):
    """The OpenAI ``/v1/audio/speech`` request: text straight to audio."""

    model_config = ConfigDict(extra="ignore")
    input: str = Field(
        min_length=1,
        max_length=SPEECH_CHARS,
        description="The text to say; a longer one is an article for /v1/briefings.",
    )
    model: str | None = Field(None, description="Accepted and ignored: the voice decides.")
    voice: str = Field(
        "auto",
        description="An engine (auto, gtts, espeak, edge) or an Edge voice name; any other name (alloy...) "
        "is the server's default voice.",
    )
    response_format: Literal["mp3", "opus", "aac", "wav"] = "mp3"
    speed: float = Field(1.0, ge=RATES[0], le=RATES[1])


class Failure(BaseModel):
    error: str


def create_app(service: Service) -> FastAPI:
    """The application for ``service``: its workers start with the app and drain when it stops."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await asyncio.to_thread(service.start)
        try:
            yield
        finally:
            await asyncio.to_thread(service.stop)

    app = FastAPI(
        title="briefing",
        summary="Arabic news articles to narrated audio briefings.",
        lifespan=lifespan,
        docs_url=None,  # the interactive docs load scripts from a CDN: no external resources
        redoc_url=None,
        responses={"default": {"model": Failure}},
    )
    app.add_middleware(BodyLimit, limit=service.settings.max_body)
    _errors(app)
    guard = Guard(service.settings.token, service.settings.private_reads)
    _briefing_routes(app, service, guard)
    _file_routes(app, service)
    _speech_route(app, service, guard)
    return app


class Guard:
    """The bearer token as FastAPI dependencies: :meth:`write` for what creates or deletes, :meth:`read`
    for API reads (asked only with ``private_reads``)."""

    def __init__(self, token: str | None, private_reads: bool):
        self.token, self.private_reads = token, private_reads

    def write(self, request: Request) -> None:
        if not self.token:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self.token.encode()):
            raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})

    def read(self, request: Request) -> None:
        if self.private_reads:
            self.write(request)


def shown(record: Record, request: Request) -> Briefing:
    """A record as the API shows it, with links to its files once it is done."""
    stem = PurePosixPath(record.name).stem

    def file(name: str) -> str | None:
        return str(request.url_for("files", path=name)) if record.status == "done" else None

    links = Links(
        status=str(request.url_for("briefing", id=record.id)),
        page=file(f"{stem}.html"),
        audio=file(record.name),
        captions=file(f"{stem}.vtt"),
        subtitles=file(f"{stem}.srt"),
        manifest=file(f"{stem}.json"),
    )
    return Briefing(
        id=record.id,
        status=record.status,  # type: ignore[arg-type]
        progress=record.progress,
        error=record.error,
        title=record.title,
        source=record.source,
        format=record.options.get("format", "mp3"),
        created=record.created,
        started=record.started,
        finished=record.finished,
        links=links,
    )


def _briefing_routes(app: FastAPI, service: Service, guard: Guard) -> None:
    settings = service.settings

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(
            resources.files("briefing.serve").joinpath("page.html").read_text(encoding="utf-8")
        )

    @app.post(
        "/v1/briefings",
        status_code=202,
        response_model=Briefing,
        dependencies=[Depends(guard.write)],
        responses={200: {"model": Briefing, "description": "Asked for before: the same briefing."}},
    )
    def submit(body: BriefingRequest, request: Request, response: Response) -> Briefing:
        """Queue a briefing; the same article with the same options returns the briefing made or making."""
        options = body.model_dump(exclude={"url", "text", "markdown", "html"})
        options["engine"] = options["engine"] or settings.engine
        if body.url is not None:
            submission = Submission(body.url.strip(), None, None, options)
        else:
            fmt = "text" if body.text is not None else "markdown" if body.markdown is not None else "html"
            content = body.text if body.text is not None else body.markdown or body.html or ""
            submission = Submission(f"the {fmt} sent", content, fmt, options)
        try:
            record, queued = service.submit(submission)
        except QueueFull:
            raise HTTPException(
                429, "the queue is full; try again later", headers={"Retry-After": str(RETRY_AFTER)}
            ) from None
        if not queued:
            response.status_code = 200
        briefing = shown(record, request)
        response.headers["Location"] = briefing.links.status
        return briefing

    @app.get("/v1/briefings", response_model=BriefingList, dependencies=[Depends(guard.read)])
    def listing(
        request: Request,
        limit: Annotated[int, Query(ge=1, le=200)] = 20,
        offset: Annotated[int, Query(ge=0, le=2**53)] = 0,
        status: Annotated[Literal["queued", "running", "done", "failed"] | None, Query()] = None,
    ) -> BriefingList:
        """Briefings, newest first, a page at a time."""
        records, total = service.store.newest(limit, offset, status)
        after = offset + len(records)
        following = str(request.url.include_query_params(offset=after)) if after < total else None
        return BriefingList(briefings=[shown(r, request) for r in records], total=total, next=following)

    @app.get(
        "/v1/briefings/{id}", response_model=Briefing, dependencies=[Depends(guard.read)], name="briefing"
    )
    def status(id: str, request: Request) -> Briefing:
        """Where a briefing stands, and links to its files once it is done."""
        record = service.store.get(id)
        if record is None:
            raise HTTPException(404, f"no briefing {id}")
        return shown(record, request)

    @app.delete("/v1/briefings/{id}", status_code=204, dependencies=[Depends(guard.write)])
    def delete(id: str) -> Response:
        """Remove a briefing: its entry and every file it made."""
        if not service.delete(id):
            raise HTTPException(404, f"no briefing {id}")
        return Response(status_code=204)


def _file_routes(app: FastAPI, service: Service) -> None:
    settings = service.settings

    @app.get("/files/{path:path}", name="files", include_in_schema=False)
    def files(path: str) -> FileResponse:
        return FileResponse(_served(settings.out_dir, path), media_type=FILE_TYPES[Path(path).suffix.lower()])

    @app.get("/feed.xml", include_in_schema=False)
    def feed(request: Request) -> FileResponse:
        found = service.feed(str(request.base_url))
        if found is None:
            raise HTTPException(404, "no briefing is done yet: the feed has no episode")
        return FileResponse(found, media_type=FILE_TYPES[".xml"])

    @app.get("/v1/health")
    def health() -> dict:
        """Whether the service runs (``ready`` once every worker is up), and how much work waits."""
        counts = {name: service.store.newest(1, status=name)[1] for name in STATUSES}
        return {
            "status": "ready" if service.ready else "starting",
            "briefings": counts,
            "workers": service.workers.slots if service.workers else 0,
        }


def _speech_route(app: FastAPI, service: Service, guard: Guard) -> None:
    settings = service.settings

    @app.post(
        "/v1/audio/speech",
        dependencies=[Depends(guard.write)],
        response_class=Response,
        responses={200: {"content": {f"audio/{f}": {} for f in ("mpeg", "ogg", "aac", "wav")}}},
    )
    async def speech(body: SpeechRequest) -> Response:
        """Plain text straight to audio (OpenAI's request shape), at the tool's loudness and reading."""
        engine, name = _voice(body.voice, settings.engine)
        future = service.call(speak, body.input, engine, name, body.speed, body.response_format)
        audio = await asyncio.wrap_future(future)
        return Response(audio, media_type=SPEECH_FORMATS[body.response_format])


def _voice(voice: str, default: str) -> tuple[str, str | None]:
    """An engine and an Edge voice name from an OpenAI ``voice``."""
    if voice in ("auto", "gtts", "espeak", "edge"):
        return voice, None
    if voice.endswith("Neural"):
        return "edge", voice
    return default, None


def _served(folder: Path, path: str) -> Path:
    """The file of the output folder at ``path`` (a name, or a section folder's file), never anything
    hidden, outside it, or of a type the service does not serve."""
    parts = PurePosixPath(path).parts
    if (
        not parts
        or len(parts) > 2
        or any(part.startswith(".") or "\\" in part for part in parts)
        or PurePosixPath(path).suffix.lower() not in FILE_TYPES
        or parts[-1] == DB_NAME
    ):
        raise HTTPException(404, "no such file")
    found = folder.joinpath(*parts)
    if not found.is_file():
        raise HTTPException(404, "no such file")
    return found


def _errors(app: FastAPI) -> None:
    """Every error as ``{"error": "..."}`` with its status; never a traceback to the client."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only those of the route tried first
            routes = [r for r in app.routes if r.matches(request.scope)[0] == Match.PARTIAL]
            headers["Allow"] = ", ".join(
                sorted({m for r in routes for m in getattr(r, "methods", None) or ()})
            )
        return JSONResponse({"error": str(exc.detail)}, exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for problem in exc.errors():
            if problem.get("type") == "json_invalid":
                problems.append("the request body is not valid JSON")
                continue
            where = ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
            said = str(problem.get("msg")).removeprefix("Value error, ")
            problems.append(f"{where}: {said}" if where else said)
        return JSONResponse({"error": "; ".join(problems)}, 422)

    @app.exception_handler(BriefingError)
    async def refused(request: Request, exc: BriefingError) -> JSONResponse:
        status = 400 if isinstance(exc, (InputError, OutputError)) else 502
        if not isinstance(exc, (InputError, OutputError, NetworkError, SynthesisError)):
            status = 500
        return JSONResponse({"error": str(exc)}, status)

    @app.exception_handler(sqlite3.Error)
    async def unrecorded(request: Request, exc: sqlite3.Error) -> JSONResponse:
        log.error("%s %s: the service's record failed: %s", request.method, request.url.path, exc)
        return JSONResponse({"error": f"the service cannot keep its record now ({exc})"}, 503)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return JSONResponse({"error": f"internal error ({type(exc).__name__}); see the server's log"}, 500)


class BodyLimit:
    """Refuse a request body larger than ``limit`` bytes with 413, whether it says its length or not (one
    sent in chunks is cut off as soon as it passes the limit)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        too_large = f"the request body is larger than {self.limit:,} bytes"
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.limit:
            response = JSONResponse({"error": too_large}, 413, headers={"Connection": "close"})
            return await response(scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, too_large)
            return message

        await self.app(scope, counted, send)
