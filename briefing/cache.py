"""A content-addressed cache of synthesized clips, so that reruns and resumed runs cost nothing.

A clip's entry name is the SHA-256 of everything that decides its sound: engine, voice, options and
the exact text. Mastering keeps its encoded files here too, named after the exact PCM and settings
they came from. Each entry holds a checksum of its payload, so a truncated or corrupt entry is
detected, discarded and made again. Entries are written atomically.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import InputError, WriteError

MAGIC = b"BRIEFING-CLIP-1\n"
PAYLOAD_OFFSET = len(MAGIC) + 32
"""Where an entry's payload starts: after the magic line and the payload's SHA-256."""
CACHE_VARIABLE = "BRIEFING_CACHE_DIR"
SIZE_VARIABLE = "BRIEFING_CACHE_MAX"
DEFAULT_MAX_BYTES = 2_000_000_000
"""The cache is kept under this size (or ``$BRIEFING_CACHE_MAX``, e.g. ``500M``) after every run, the
least recently used entries going first."""


def parse_size(text: str) -> int:
    """Bytes from ``2G``, ``500M``, ``1.5GB``, ``800k`` or a plain number."""
    import re

    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?|\.\d+)\s*([kmgt]?)i?b?\s*", str(text).lower())
    if not found:
        raise InputError(f"{text!r} is not a size (write 2G, 500M or a number of bytes)")
    return int(float(found.group(1)) * 1000 ** " kmgt".index(found.group(2) or " "))


def default_max_bytes() -> int:
    if not os.environ.get(SIZE_VARIABLE):
        return DEFAULT_MAX_BYTES
    try:
        return parse_size(os.environ[SIZE_VARIABLE])
    except InputError as exc:
        raise InputError(f"${SIZE_VARIABLE}: {exc}") from None


def default_cache_dir() -> Path:
    """``$BRIEFING_CACHE_DIR``, else the user cache folder of this platform (via platformdirs)."""
    if os.environ.get(CACHE_VARIABLE):
        return Path(os.environ[CACHE_VARIABLE])
    import platformdirs

    return Path(platformdirs.user_cache_dir("briefing", appauthor=False)) / "clips"


def clip_key(sound: dict, text: str) -> str:
    """The entry name for ``text`` spoken with the ``sound`` settings (engine, voice, options)."""
    identity = json.dumps({**sound, "text": text}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheStats:
    folder: Path
    clips: int
    tracks: int
    spoken: int
    bytes: int
    max_bytes: int


class ClipCache:
    def __init__(self, folder: Path, max_bytes: int | None = None):
        self.folder = Path(folder)
        self.max_bytes = default_max_bytes() if max_bytes is None else max_bytes

    def _path(self, key: str, kind: str = "clip") -> Path:
        return self.folder / key[:2] / f"{key}.{kind}"

    def get_bytes(self, key: str, kind: str) -> bytes | None:
        """The stored payload, or None when absent or corrupt (a corrupt entry is removed)."""
        path = self.checked(key, kind)
        if path is None:
            return None
        with contextlib.suppress(OSError), path.open("rb") as entry:
            entry.seek(PAYLOAD_OFFSET)
            return entry.read()
        return None

    def checked(self, key: str, kind: str) -> Path | None:
        """The entry's file, its payload from :data:`PAYLOAD_OFFSET` on, once its checksum holds (read in
        blocks: an encoded track may be hundreds of megabytes); None when absent or corrupt (removed)."""
        path = self._path(key, kind)
        digest = hashlib.sha256()
        try:
            with path.open("rb") as entry:
                head = entry.read(PAYLOAD_OFFSET)
                while block := entry.read(1 << 20):
                    digest.update(block)
        except OSError:
            return None
        if head[: len(MAGIC)] == MAGIC and head[len(MAGIC) :] == digest.digest():
            with contextlib.suppress(OSError):
                os.utime(path)  # used now: the last to go when the cache is pruned
            return path
        self.discard(key, kind)
        return None

    def discard(self, key: str, kind: str) -> None:
        """Remove a damaged entry; on a cache that cannot be written (read-only) it is simply not used."""
        with contextlib.suppress(OSError):
            self._path(key, kind).unlink(missing_ok=True)

    def problem(self) -> str | None:
        """Why this cache cannot be used at all (its folder is a file), or None."""
        if self.folder.exists() and not self.folder.is_dir():
            return f"the cache folder {self.folder} is a file, not a folder; clips are not cached in this run"
        return None

    def put_stream(self, key: str, kind: str, payload: Iterable[bytes]) -> None:
        """Store the payload written piece by piece, atomically, its checksum set in place at the end; a
        cache that cannot be written is skipped, never fatal."""
        path = self._path(key, kind)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        except OSError:
            return
        try:
            digest = hashlib.sha256()
            with os.fdopen(handle, "wb") as out:
                out.write(MAGIC + bytes(32))
                for piece in payload:
                    digest.update(piece)
                    out.write(piece)
                out.seek(len(MAGIC))
                out.write(digest.digest())
            os.replace(temporary, path)
        except BaseException as exc:
            Path(temporary).unlink(missing_ok=True)
            if not isinstance(exc, OSError):
                raise

    def put_files(self, key: str, kind: str, about: dict, files: list[Path]) -> None:
        """Store ``files`` as one entry, with ``about`` them (JSON), streamed: they may be hundreds of MB."""

        def payload():
            yield json.dumps({**about, "sizes": [path.stat().st_size for path in files]}).encode() + b"\n"
            for path in files:
                with path.open("rb") as stream:
                    while block := stream.read(1 << 20):
                        yield block

        self.put_stream(key, kind, payload())

    def get_files(self, key: str, kind: str, targets: list[Path]) -> dict | None:
        """An entry's files written to ``targets``, and what was stored about them; None on a miss."""
        entry = self.checked(key, kind)
        if entry is None:
            return None
        try:
            with entry.open("rb") as stream:
                stream.seek(PAYLOAD_OFFSET)
                about = json.loads(stream.readline())
                for target, size in zip(targets, about.pop("sizes"), strict=True):
                    with target.open("wb") as out:
                        while size > 0:
                            block = stream.read(min(size, 1 << 20))
                            if not block:
                                return None
                            out.write(block)
                            size -= len(block)
        except (OSError, ValueError, KeyError, AttributeError):  # another layout, or removed meanwhile
            return None
        return about

    def entries(self, *kinds: str) -> list[Path]:
        """Entry files of the given kinds (default: clips, encoded tracks and spoken forms)."""
        if not self.folder.is_dir():
            return []
        return [
            path for kind in kinds or ("clip", "track", "spoken") for path in self.folder.glob(f"??/*.{kind}")
        ]

    def stats(self) -> CacheStats:
        files = self.entries()
        return CacheStats(
            self.folder,
            len(self.entries("clip")),
            len(self.entries("track")),
            len(self.entries("spoken")),
            sum(f.stat().st_size for f in files),
            self.max_bytes,
        )

    def prune(self, max_bytes: int | None = None) -> tuple[int, int]:
        """Remove least recently used entries down to ``max_bytes`` (default: the cap); (entries, bytes)
        gone."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        entries = []
        for path in self.entries():
            with contextlib.suppress(OSError):
                info = path.stat()
                entries.append((info.st_mtime, info.st_size, path))
        total = sum(size for _, size, _ in entries)
        removed = freed = 0
        for _, size, path in sorted(entries):
            if total - freed <= limit:
                break
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                break  # read-only: nothing can be pruned
            removed, freed = removed + 1, freed + size
        return removed, freed

    def clear(self) -> int:
        """Remove every entry (and leftover temporary files); returns how many entries went. A cache that
        cannot be changed (read-only) is a :class:`WriteError`."""
        removed = 0
        try:
            for path in self.entries():
                path.unlink(missing_ok=True)
                removed += 1
            for leftover in self.folder.glob("??/.*.part") if self.folder.is_dir() else []:
                leftover.unlink(missing_ok=True)
            for shard in self.folder.glob("??") if self.folder.is_dir() else []:
                if shard.is_dir() and not any(shard.iterdir()):
                    shard.rmdir()
        except OSError as exc:
            raise WriteError(
                f"{self.folder}: the cache cannot be emptied ({exc.strerror or exc}); "
                f"{removed} entries were removed"
            ) from None
        return removed
