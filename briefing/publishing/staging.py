"""Writing several outputs as one: each under a temporary name beside its target, all renamed into place
only when every one is complete, under a lock that keeps two runs from mixing their files."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import platformdirs

from briefing.errors import OutputError, WriteError

TEMPORARY_SUFFIXES = (".part", ".old")
"""What staging names its temporaries ``.<target name>.<random><suffix>``; nothing else is named so."""


class Staging:
    """Temporary files and folders beside their targets, renamed into place together on success.

    Used as ``with Staging() as stage:``; ``stage.file(target)`` and ``stage.folder(target)`` give
    the temporary to write; ``stage.scratch(beside)`` a working folder removed at the end in any case.
    Targets are renamed in the order they were staged, so the one staged last lands last. On any
    failure, Ctrl-C included, every temporary is removed, no target is touched, and folders made for
    the targets are removed again.
    """

    def __init__(self):
        self.pending: list[tuple[Path, Path, bool]] = []
        self.scratches: list[Path] = []
        self.made_folders: list[Path] = []
        self.current: Path | None = None
        """The target last handed out: the one being written when a write fails without naming a file."""

    def file(self, target: Path) -> Path:
        return self._make(target, folder=False, keep=True)

    def folder(self, target: Path) -> Path:
        return self._make(target, folder=True, keep=True)

    def scratch(self, beside: Path) -> Path:
        return self._make(beside, folder=True, keep=False)

    def make_parent(self, target: Path) -> None:
        """Create ``target``'s folder, remembering what was made so that a failure removes it again."""
        missing = [folder for folder in (target.parent, *target.parent.parents) if not folder.exists()]
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(f"{target.parent}: cannot be created ({exc.strerror or exc})") from None
        self.made_folders += [folder for folder in missing if folder not in self.made_folders]

    def _make(self, target: Path, folder: bool, keep: bool) -> Path:
        self.make_parent(target)
        try:
            where, prefix = target.parent, f".{target.name}."
            if folder:
                temporary = Path(tempfile.mkdtemp(dir=where, prefix=prefix, suffix=".part"))
            else:
                handle, name = tempfile.mkstemp(dir=where, prefix=prefix, suffix=".part")
                os.close(handle)
                temporary = Path(name)
            os.chmod(temporary, (0o777 if folder else 0o666) & ~_umask())  # mkstemp's are private
        except OSError as exc:
            raise WriteError(f"{target}: cannot be written ({exc.strerror or exc})") from None
        if keep:
            self.pending.append((temporary, target, folder))
        else:
            self.scratches.append(temporary)
        self.current = target
        return temporary

    def failed_target(self, error: OSError) -> Path | None:
        """The target a failed write was for: the one whose temporary the error names, else the current."""
        named = Path(error.filename) if error.filename else None
        for temporary, target, _ in self.pending:
            if named is not None and (named == temporary or temporary in named.parents):
                return target
        return self.current

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        try:
            if error_type is None:
                for temporary, target, folder in self.pending:
                    self.current = target
                    _replace(temporary, target, folder)
                self.pending = []
        finally:
            failed = bool(self.pending)
            for temporary, _, folder in self.pending:
                _remove(temporary, folder)
            for temporary in self.scratches:
                _remove(temporary, True)
            if failed or error_type is not None:
                for made in sorted(
                    self.made_folders, key=lambda f: len(f.parts), reverse=True
                ):  # deepest first
                    with contextlib.suppress(OSError):
                        made.rmdir()  # only if nothing else is in it


def remove_leftovers(targets: list[Path]) -> list[Path]:
    """Remove the temporaries an earlier run to these targets left when it was killed (SIGKILL, power
    loss): ``.<name>.*.part`` and ``.<name>.*.old`` beside each. Call it holding the targets' lock."""
    removed = []
    for target in targets:
        if not target.parent.is_dir():
            continue
        for leftover in target.parent.glob(f".{_glob_escape(target.name)}.*"):
            if leftover.name.endswith(TEMPORARY_SUFFIXES):
                _remove(leftover, leftover.is_dir())
                removed.append(leftover)
    return removed


def lock_folder() -> Path:
    """Where the locks live: ``$TMPDIR/briefing-locks-UID`` when it is a folder only this user owns and can
    write; else (another user made it first, to make every run wait on locks it holds) the user's cache."""
    for folder in (
        Path(tempfile.gettempdir()) / f"briefing-locks-{os.getuid()}",
        Path(platformdirs.user_cache_dir("briefing")) / "locks",
    ):
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            found = os.lstat(folder)
        except OSError:
            continue
        if stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid() and not found.st_mode & 0o022:
            return folder
    raise WriteError(f"no folder of this user's own for locks: {folder} is another user's or shared")


@contextlib.contextmanager
def locked(target: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``target``'s output set for the block: a second run writing the same
    output waits (``waiting`` is told once) until the first has renamed all its files. Use it around the
    staging (``with locked(target), stage:``) so that the renames happen under the lock.

    The lock file lives in a folder of the user's own, named by the target's absolute path, so that no file
    is left beside the outputs; it is never deleted, since deleting it could let a third run lock a new
    file while a second still waits on the old one.
    """
    folder = lock_folder()
    digest = hashlib.sha256(str(target.absolute().resolve()).encode()).hexdigest()[:32]
    try:
        handle = os.open(folder / f"{digest}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        raise WriteError(f"{folder}: a lock cannot be taken there ({exc.strerror or exc})") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _glob_escape(name: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in name)


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


def check_targets(files: list[Path], folders: list[Path]) -> None:
    """Refuse, before any work, targets that could not be replaced: a file target that is a folder, a
    folder target that is a file, or one path asked for twice."""
    every = files + folders
    if len({path.absolute() for path in every}) < len(every):
        raise OutputError(f"{every[0]}: two outputs of this run would have the same name")
    for path in files:
        if path.is_dir():
            raise OutputError(f"{path}: is a directory; it cannot be replaced by this run's file")
    for path in folders:
        if path.exists() and not path.is_dir():
            raise OutputError(f"{path}: is a file; it cannot be replaced by this run's folder")
