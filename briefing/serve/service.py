"""The service behind ``briefing serve``: requests become the jobs ``briefing batch`` runs, on the same local
pool or Dask cluster, recorded in the :class:`Store` at every step so that a restart loses nothing done."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import queue
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from briefing.article import DEFAULT_MAX_CHARS, Loaded, from_loaded, load
from briefing.batch import Job, Outcome, job_key, run_job, unchanged, write_outcome
from briefing.batch.pools import Workers
from briefing.errors import BriefingError, InputError, OutputError
from briefing.publishing.sets import remove_set
from briefing.readers.fetch import is_url
from briefing.serve.store import Record, Store
from briefing.spoken import Lexicon

log = logging.getLogger("briefing.serve")

START = "spawn"
"""Workers start as new processes: a fork of a server, whose other threads may hold locks (SQLite's, the
logger's), can wait forever on one of them."""
MAX_RUNS = 3
"""Runs a briefing gets when its worker dies under it (a crash, the memory killer) before it is failed."""


@dataclass(frozen=True)
class Settings:
    """How a service runs; every field but the folder has a default."""

    out_dir: Path
    workers: int = 2
    cluster: str | None = None
    token: str | None = None
    """Asked of every request that creates or deletes (and, with ``private_reads``, of API reads)."""
    private_reads: bool = False
    allow_private_urls: bool = False
    max_body: int = 2_000_000
    queue_size: int = 100
    public_url: str | None = None
    """The address listeners reach the service at, for the feed's links; None: the address each request
    for the feed came to."""
    drain_seconds: float = 60.0
    engine: str = "auto"
    """The engine of a request that names none."""

    def __post_init__(self) -> None:
        for name in ("workers", "queue_size", "max_body"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise InputError(f"{name} must be a whole number of at least 1, not {getattr(self, name)!r}")
        if not self.drain_seconds >= 0:
            raise InputError(f"drain_seconds must be 0 or more, not {self.drain_seconds!r}")


@dataclass(frozen=True)
class Submission:
    """An article as a request gives it (``url``, or the text in one of three formats) and the options of
    ``generate`` that a service offers, as plain data."""

    source: str
    content: str | None
    format: str | None
    options: dict


def job_arguments(options: dict, format: str | None) -> tuple[dict, dict, dict]:
    """The reading, narrating and saving arguments of a job from a request's options."""
    from briefing.publishing.sets import Companions
    from briefing.script import Pauses
    from briefing.speech.voice import Voice
    from briefing.spoken import Pronunciation

    pauses = options.get("pauses") or {}
    reading = dict(
        format=format,
        encoding=None,
        max_chars=DEFAULT_MAX_CHARS,
        lang=options["lang"],
        title=options["title"],
    )
    narrating = dict(
        lang=options["lang"],
        voice=Voice(options["engine"], options["voice"], options["rate"], options["pitch"]),
        pronunciation=Pronunciation(
            vowels=options["vowels"], lexicon=dict(options["lexicon"]) or None, months=options["months"]
        ),
        pauses=Pauses(**pauses),
        cache=True,
    )
    saving = dict(
        format=options["format"],
        formats=[],
        bitrate=options["bitrate"],
        companions=Companions(page=True, per_section=options["per_section"]),
    )
    return reading, narrating, saving


class Progress:
    """Told of each clip a worker speaks (the first 80 %) and of how far the encoding is (the rest, from
    the stage lines that end in a percentage), it records the share done in the store, twice a second at
    most. Plain data, so it travels to a pool's process (a Dask worker has no access to the store: none is
    sent)."""

    SPEAKING = 0.8

    def __init__(self, path: Path, id: str):
        self.path, self.id, self._last = path, id, 0.0

    def __call__(self, done: int, total: int, label: str) -> None:
        self._record(self.SPEAKING * done / max(total, 1), done >= total)

    def stage(self, line: str) -> None:
        percent = re.search(r"(\d+)%$", line)
        if percent:
            share = self.SPEAKING + (0.99 - self.SPEAKING) * int(percent.group(1)) / 100
            self._record(share, percent.group(1) == "100")

    def _record(self, share: float, last: bool) -> None:
        now = time.monotonic()
        if now - self._last < 0.5 and not last:
            return
        self._last = now
        with contextlib.suppress(sqlite3.Error):
            db = sqlite3.connect(self.path, timeout=2)
            db.execute("PRAGMA synchronous=NORMAL")  # a progress figure is not worth a disk flush
            with db:
                db.execute(
                    "UPDATE briefings SET progress = MAX(progress, ?) WHERE id = ? AND status = 'running'",
                    (round(share, 3), self.id),
                )
            db.close()


class Service:
    """Takes briefings, runs them on the workers in the order they came, and writes each one's files into
    the output folder as ``batch`` does (staged, renamed, the manifest last)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        try:
            settings.out_dir.mkdir(parents=True, exist_ok=True)
            self.store = Store(settings.out_dir)
            self._owner = os.open(self.store.path, os.O_RDWR | os.O_CLOEXEC)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"{settings.out_dir}: cannot hold the service's record ({exc})") from None
        try:  # the queue is run by one service only (SQLite's own locks are of another kind: no clash)
            fcntl.flock(self._owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"{settings.out_dir}: another briefing service is using this folder") from None
        self.workers: Workers | None = None
        self._running: dict[str, Future] = {}  # a Dask future has the same methods
        self._events: queue.Queue = queue.Queue()
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._writing = threading.Lock()  # a briefing's files are written or deleted, not both at once
        self._feed_stale = True
        self._feed_base = ""
        self._thread: threading.Thread | None = None

    # -- requests ---------------------------------------------------------------------------------------

    def submit(self, submission: Submission) -> tuple[Record, bool]:
        """The briefing of an article and options, queued unless the same was asked before (then the same
        record, whatever its state; a failed one is queued again). Raises what reading the article raises:
        a link that cannot be fetched or is private, an empty or too long text, another language; and
        :class:`QueueFull` when ``queue_size`` briefings are queued or running already."""
        from briefing.formats import audio_format
        from briefing.publishing.sets import OutputSet

        reading, narrating, saving = job_arguments(submission.options, submission.format)
        Lexicon.load(submission.options["lexicon"], environment=False)  # its entries checked now
        if submission.content is None:
            if not is_url(submission.source):  # never a path: a client must not read the server's files
                raise InputError(f"{submission.source!r}: not an http or https address")
            loaded = load(submission.source, private=self.settings.allow_private_urls)
        else:
            loaded = Loaded(submission.source, submission.content.encode("utf-8"), "utf-8", submission.format)
        article = from_loaded(loaded, **reading)
        key = job_key(loaded, reading, narrating, saving)
        name = f"{key[:16]}{audio_format(saving['format']).suffix}"
        OutputSet.at(self.settings.out_dir / name, **saving)  # the bitrate checked now, not in the worker
        record, queued = self.store.add(
            key,
            name,
            article.title,
            submission.source,
            {**submission.options, "format_read": submission.format},
            (loaded.data, loaded.charset, loaded.format, loaded.url),
            self.settings.queue_size,
        )
        if queued:
            self._events.put(None)  # the dispatcher looks for work now
        return record, queued

    def delete(self, id: str) -> bool:
        """Remove a briefing's entry and files; one under way is dropped when it ends."""
        record = self.store.get(id)
        if record is None:
            return False
        with self._writing:
            self.store.delete(id)
            remove_set((self.settings.out_dir / record.name).with_suffix(".json"))
            self._feed_stale = True
        return True

    def feed(self, asked_at: str) -> Path | None:
        """The podcast feed of every done briefing, its links made from ``public_url`` or else ``asked_at``
        (the service's address as the request named it); written again when a briefing was added or
        removed since, or the address differs."""
        from briefing.publishing.feed import FEED_NAME, Channel, write_feed

        path = self.settings.out_dir / FEED_NAME
        base = (self.settings.public_url or asked_at).rstrip("/") + "/files/"
        with self._writing:
            if self._feed_stale or base != self._feed_base or not path.is_file():
                if not self.store.newest(1, status="done")[0]:
                    path.unlink(missing_ok=True)
                    return None
                write_feed(self.settings.out_dir, Channel(base))
                self._feed_stale, self._feed_base = False, base
        return path

    # -- running ----------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers; what a killed server left running is done (when its files are whole) or
        queued again."""
        for record in self.store.running():
            if unchanged(self.settings.out_dir, record.name, record.key):
                self.store.finish(record.id)
            else:
                self.store.requeue(record.id)
        self.workers = Workers(self.settings.workers, self.settings.cluster, start=START)
        self._events.put(self._start_workers)  # by the dispatcher: a worker dies with the thread starting it
        self._thread = threading.Thread(target=self._dispatch, name="briefing-dispatch", daemon=True)
        self._thread.start()
        self._events.put(None)  # what waits from before starts now

    @property
    def ready(self) -> bool:
        """Whether every worker is up: a readiness probe's answer."""
        return self._ready.is_set()

    def _start_workers(self) -> None:
        assert self.workers is not None
        started = self.workers.start()
        left = [len(started)]
        if not started:
            self._ready.set()

        def up(_) -> None:
            left[0] -= 1
            if left[0] == 0:
                self._ready.set()

        for future in started:
            future.add_done_callback(up)

    def call(self, function: Callable, *args) -> Future:
        """``function(*args)`` on a worker, outside the queue (a speech request): handed over by the
        dispatcher, so that every worker process is started by the one thread that outlives them all (a
        worker dies with the thread that started it)."""
        result: Future = Future()
        self._events.put((function, args, result))
        return result

    def stop(self) -> None:
        """Drain: take no more work, let what runs finish for ``drain_seconds``, queue again what did not."""
        self._stopping.set()
        self._events.put(None)
        deadline = time.monotonic() + self.settings.drain_seconds
        while self._running and time.monotonic() < deadline:
            time.sleep(0.1)
        cut = list(self._running)
        for id in cut:
            self.store.requeue(id)
            log.info("briefing %s queued again: the server stopped before it ended", id)
        if self.workers is not None:
            self.workers.close(kill=bool(cut))
        if self._thread is not None:
            self._events.put(False)
            self._thread.join()

    def _dispatch(self) -> None:
        """The one thread that hands out work and writes what comes back; a fault in handling one event
        is logged and the service goes on."""
        while True:
            event = self._events.get()
            if event is False:
                return
            try:
                self._handle(event)
                self._fill()
            except Exception:  # noqa: BLE001 - the queue must not stop for one briefing's fault
                log.exception("the dispatcher met an error; it goes on")

    def _handle(self, event) -> None:
        if callable(event):
            event()
        elif isinstance(event, tuple) and len(event) == 3:
            self._call(*event)
        elif event is not None:
            record, future = event
            current = self._running.get(record.id)
            if current is not None and current is future:  # else a run given up (its pool broke)
                del self._running[record.id]
                self._fill()  # the next briefing starts while this one's files are written
                self._finished(record, current)

    def _fill(self) -> None:
        """Start queued briefings, oldest first, while a worker is free."""
        while not self._stopping.is_set() and self.workers and len(self._running) < self.workers.slots:
            record = self.store.claim()
            if record is None:
                return
            self._launch(record)

    def _launch(self, record: Record) -> None:
        assert self.workers is not None
        options = dict(record.options)
        reading, narrating, saving = job_arguments(options, options.get("format_read"))
        data, charset, fmt, url = self.store.article(record.id)
        job = Job(
            record.name,
            Loaded(record.source, data, charset, fmt, url),
            reading,
            narrating,
            saving,
            record.key,
        )
        local = self.settings.cluster is None
        progress = Progress(self.store.path, record.id) if local else None
        stage = progress.stage if progress else None
        future = self.workers.submit(
            run_job, job, self.workers.cores, progress, stage, key=f"briefing-{record.id}"
        )
        self._running[record.id] = future
        log.info("briefing %s running (%s)", record.id, record.source)
        future.add_done_callback(lambda done: self._events.put((record, done)))

    def _call(self, function: Callable, args: tuple, result: Future) -> None:
        if self.workers is None or self._stopping.is_set():
            result.set_exception(RuntimeError("the service is stopping"))
            return
        future = self.workers.submit(function, *args, key=f"briefing-call-{id(result)}")

        def passed(done) -> None:
            try:
                result.set_result(done.result())
            except BaseException as exc:  # noqa: BLE001 - the caller's to raise
                result.set_exception(exc)

        future.add_done_callback(passed)

    def _finished(self, record: Record, future: Future) -> None:
        try:
            outcome: Outcome = future.result()
        except (CancelledError, Exception) as exc:  # noqa: BLE001 - a worker died, a cluster went away
            self._lost(record, exc)
            return
        with self._writing:
            if self.store.get(record.id) is None:
                return  # deleted while it ran
            if outcome.status != "done":
                self.store.finish(record.id, outcome.reason)
                log.info("briefing %s failed: %s", record.id, outcome.reason)
                return
            try:
                write_outcome(self.settings.out_dir, outcome)
            except (BriefingError, OSError) as exc:
                self.store.finish(record.id, f"cannot be written: {exc}")
                return
            self.store.finish(record.id)
            self._feed_stale = True
        log.info("briefing %s done in %.1f s", record.id, outcome.seconds)

    def _lost(self, record: Record, exc: BaseException) -> None:
        """A job whose worker went away: queued again (a pool with a dead process is made anew), or failed
        after :data:`MAX_RUNS` runs; when the server is stopping, left for the next start."""
        if self._stopping.is_set():
            return
        if isinstance(exc, BrokenProcessPool) and self.workers is not None:
            self.workers.close(kill=True)
            for other in list(self._running):  # their futures broke with the pool: they run again
                del self._running[other]
                self.store.requeue(other)
            self.workers = Workers(self.settings.workers, self.settings.cluster, start=START)
            self._start_workers()
        if record.runs < MAX_RUNS:
            self.store.requeue(record.id)
            log.warning("briefing %s queued again: its worker stopped (%s)", record.id, type(exc).__name__)
        else:
            self.store.finish(record.id, f"its worker stopped {record.runs} times ({type(exc).__name__})")
        self._events.put(None)
