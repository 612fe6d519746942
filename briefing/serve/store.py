"""The service's memory: every briefing asked for, its article and options and where its work stands, in one
SQLite file beside the outputs. It outlives the server: one killed and started again finds what was queued
and what was running, and loses nothing done."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DB_NAME = ".briefing-serve.sqlite"
"""Hidden beside the outputs; the service never serves it."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS briefings (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    error TEXT,
    title TEXT,
    source TEXT NOT NULL,
    options TEXT NOT NULL,
    article BLOB NOT NULL,
    charset TEXT,
    format TEXT,
    url TEXT,
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    runs INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS by_status ON briefings (status, created);
CREATE INDEX IF NOT EXISTS by_created ON briefings (created);
"""

STATUSES = ("queued", "running", "done", "failed")


@dataclass(frozen=True)
class Record:
    """One briefing as the store holds it (the article's bytes are read only to run it)."""

    id: str
    key: str
    name: str
    status: str
    progress: float
    error: str | None
    title: str | None
    source: str
    options: dict
    created: float
    started: float | None
    finished: float | None
    runs: int


COLUMNS = "id, key, name, status, progress, error, title, source, options, created, started, finished, runs"


class QueueFull(Exception):
    """As many briefings are waiting as the service takes."""


def _waiting(db: sqlite3.Connection) -> int:
    """Briefings queued or running: what the queue's bound counts."""
    return db.execute("SELECT COUNT(*) FROM briefings WHERE status IN ('queued', 'running')").fetchone()[0]


def _record(row: tuple) -> Record:
    values = list(row)
    values[8] = json.loads(values[8])
    return Record(*values)


class Store:
    """The SQLite file of one output folder, safe to use from every thread of the server (each call opens
    its own connection; WAL lets readers go on while a job is recorded)."""

    def __init__(self, folder: Path):
        self.path = folder / DB_NAME
        self._lock = threading.Lock()  # one writer at a time in this process: no "database is locked"
        with self._connection() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute(
            "PRAGMA synchronous=NORMAL"
        )  # with WAL: safe from a killed process, one flush a checkpoint
        try:
            with db:
                yield db
        finally:
            db.close()

    def add(
        self,
        key: str,
        name: str,
        title: str | None,
        source: str,
        options: dict,
        article: tuple[bytes, str | None, str | None, str | None],
        room: int,
    ) -> tuple[Record, bool]:
        """The briefing of ``key``, and whether it is new. One asked for before is returned as it is (done,
        queued or running); one that failed is queued again. Raises :class:`QueueFull` rather than queue
        one more when ``room`` briefings are queued or running."""
        data, charset, fmt, url = article
        with self._lock, self._connection() as db:
            row = db.execute(f"SELECT {COLUMNS} FROM briefings WHERE key = ?", (key,)).fetchone()
            if (row is None or row[3] == "failed") and _waiting(db) >= room:
                raise QueueFull
            if row is None:
                db.execute(
                    "INSERT INTO briefings (id, key, name, status, title, source, options, article, charset,"
                    " format, url, created) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        key[:16],
                        key,
                        name,
                        title,
                        source,
                        json.dumps(options),
                        data,
                        charset,
                        fmt,
                        url,
                        time.time(),
                    ),
                )
            elif row[3] == "failed":
                db.execute(
                    "UPDATE briefings SET status = 'queued', progress = 0, error = NULL WHERE key = ?", (key,)
                )
            found = db.execute(f"SELECT {COLUMNS} FROM briefings WHERE key = ?", (key,)).fetchone()
        return _record(found), row is None or row[3] == "failed"

    def get(self, id: str) -> Record | None:
        with self._connection() as db:
            row = db.execute(f"SELECT {COLUMNS} FROM briefings WHERE id = ?", (id,)).fetchone()
        return _record(row) if row else None

    def article(self, id: str) -> tuple[bytes, str | None, str | None, str | None]:
        """The article's bytes, charset, format and the address it came from."""
        with self._connection() as db:
            row = db.execute(
                "SELECT article, charset, format, url FROM briefings WHERE id = ?", (id,)
            ).fetchone()
        return tuple(row) if row else (b"", None, None, None)  # type: ignore[return-value]

    def newest(self, limit: int, offset: int = 0, status: str | None = None) -> tuple[list[Record], int]:
        """A page of briefings, newest first, and how many there are in all."""
        where, args = ("WHERE status = ?", (status,)) if status else ("", ())
        with self._connection() as db:
            rows = db.execute(
                f"SELECT {COLUMNS} FROM briefings {where} ORDER BY created DESC, id LIMIT ? OFFSET ?",
                (*args, limit, offset),
            ).fetchall()
            total = db.execute(f"SELECT COUNT(*) FROM briefings {where}", args).fetchone()[0]
        return [_record(row) for row in rows], total

    def claim(self) -> Record | None:
        """The oldest queued briefing, now marked running (a run counted), or None."""
        with self._lock, self._connection() as db:
            row = db.execute(
                f"SELECT {COLUMNS} FROM briefings WHERE status = 'queued' ORDER BY created, id LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE briefings SET status = 'running', progress = 0, started = ?, runs = runs + 1"
                " WHERE id = ?",
                (time.time(), row[0]),
            )
            row = db.execute(f"SELECT {COLUMNS} FROM briefings WHERE id = ?", (row[0],)).fetchone()
        return _record(row)

    def running(self) -> list[Record]:
        with self._connection() as db:
            rows = db.execute(f"SELECT {COLUMNS} FROM briefings WHERE status = 'running'").fetchall()
        return [_record(row) for row in rows]

    def finish(self, id: str, error: str | None = None, title: str | None = None) -> None:
        """Mark a running briefing done (``error`` None) or failed with ``error``."""
        with self._lock, self._connection() as db:
            db.execute(
                "UPDATE briefings SET status = ?, error = ?, progress = ?, finished = ?,"
                " title = COALESCE(?, title) WHERE id = ?",
                ("failed" if error else "done", error, 0 if error else 1, time.time(), title, id),
            )

    def requeue(self, id: str) -> None:
        """Put a briefing whose run was cut short back in the queue, ahead of nothing it was not ahead of."""
        with self._lock, self._connection() as db:
            db.execute("UPDATE briefings SET status = 'queued', progress = 0 WHERE id = ?", (id,))

    def delete(self, id: str) -> bool:
        with self._lock, self._connection() as db:
            return db.execute("DELETE FROM briefings WHERE id = ?", (id,)).rowcount > 0
