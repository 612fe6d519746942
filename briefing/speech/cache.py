"""A content-addressed cache of synthesized clips, so that reruns and resumed runs cost nothing.

An entry's name is the SHA-256 of everything that decides the sound: the engine, its voice and
sound options, and the exact text. Each entry holds a checksum of its WAV payload, so a truncated or
corrupt entry is detected, discarded and synthesized again. Entries are written atomically.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from pydub import AudioSegment

MAGIC = b"BRIEFING-CLIP-1\n"
CACHE_VARIABLE = "BRIEFING_CACHE_DIR"


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
    entries: int
    bytes: int


class ClipCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.clip"

    def get(self, key: str) -> AudioSegment | None:
        """The cached clip, or None when absent or corrupt (a corrupt entry is removed)."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        checksum, payload = data[len(MAGIC) : len(MAGIC) + 32], data[len(MAGIC) + 32 :]
        try:
            if not data.startswith(MAGIC) or hashlib.sha256(payload).digest() != checksum:
                raise ValueError("checksum mismatch")
            with wave.open(io.BytesIO(payload)) as wav:
                return AudioSegment(data=wav.readframes(wav.getnframes()), sample_width=wav.getsampwidth(),
                                    frame_rate=wav.getframerate(), channels=wav.getnchannels())  # fmt: skip
        except (ValueError, EOFError, wave.Error):
            path.unlink(missing_ok=True)
            return None

    def put(self, key: str, clip: AudioSegment) -> None:
        """Store ``clip``; a cache that cannot be written is skipped, never fatal."""
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            wav.setnchannels(clip.channels)
            wav.setsampwidth(clip.sample_width)
            wav.setframerate(clip.frame_rate)
            wav.writeframes(clip.raw_data)
        payload = buffer.getvalue()
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(temporary, path)
        except BaseException as exc:
            Path(temporary).unlink(missing_ok=True)
            if not isinstance(exc, OSError):
                raise

    def entries(self) -> list[Path]:
        return list(self.folder.glob("??/*.clip")) if self.folder.is_dir() else []

    def stats(self) -> CacheStats:
        files = self.entries()
        return CacheStats(self.folder, len(files), sum(f.stat().st_size for f in files))

    def clear(self) -> int:
        """Remove every entry (and leftover temporary files); returns how many entries went."""
        removed = 0
        for path in self.entries():
            path.unlink(missing_ok=True)
            removed += 1
        for leftover in self.folder.glob("??/.*.part") if self.folder.is_dir() else []:
            leftover.unlink(missing_ok=True)
        for shard in self.folder.glob("??") if self.folder.is_dir() else []:
            if shard.is_dir() and not any(shard.iterdir()):
                shard.rmdir()
        return removed
