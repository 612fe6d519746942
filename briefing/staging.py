"""Writing several outputs as one: each under a temporary name beside its target, all renamed into place
only when every one is complete."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from briefing.errors import OutputError


class Staging:
    """Temporary files and folders beside their targets, renamed into place together on success.

    Used as ``with Staging() as stage:``; ``stage.file(target)`` and ``stage.folder(target)`` give
    the temporary to write; ``stage.scratch(beside)`` a working folder removed at the end in any case.
    On any failure, Ctrl-C included, every temporary is removed and no target is touched.
    """

    def __init__(self):
        self.pending: list[tuple[Path, Path, bool]] = []
        self.scratches: list[Path] = []

    def file(self, target: Path) -> Path:
        return self._make(target, folder=False, keep=True)

    def folder(self, target: Path) -> Path:
        return self._make(target, folder=True, keep=True)

    def scratch(self, beside: Path) -> Path:
        return self._make(beside, folder=True, keep=False)

    def _make(self, target: Path, folder: bool, keep: bool) -> Path:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            options = {"dir": target.parent, "prefix": f".{target.name}.", "suffix": ".part"}
            if folder:
                temporary = Path(tempfile.mkdtemp(**options))
            else:
                handle, name = tempfile.mkstemp(**options)
                os.close(handle)
                temporary = Path(name)
            os.chmod(temporary, (0o777 if folder else 0o666) & ~_umask())  # mkstemp's are private
        except OSError as exc:
            raise OutputError(f"{target.parent}: cannot write there ({exc.strerror or exc})") from None
        if keep:
            self.pending.append((temporary, target, folder))
        else:
            self.scratches.append(temporary)
        return temporary

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        try:
            if error_type is None:
                for temporary, target, folder in self.pending:
                    _replace(temporary, target, folder)
                self.pending = []
        finally:
            for temporary, _, folder in self.pending:
                _remove(temporary, folder)
            for temporary in self.scratches:
                _remove(temporary, True)


def _replace(temporary: Path, target: Path, folder: bool) -> None:
    if folder and target.exists():
        retired = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
        os.replace(target, retired / "old")
        os.replace(temporary, target)
        shutil.rmtree(retired)
    else:
        os.replace(temporary, target)


def _remove(path: Path, folder: bool) -> None:
    if folder:
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
