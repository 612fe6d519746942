"""Readers: raw bytes -> text (any common Arabic encoding) -> blocks, for each supported format.

Each format is a module with ``parse(text) -> Parsed`` (title, blocks, metadata, notes).
"""

from __future__ import annotations

import codecs
import re
from importlib import import_module
from pathlib import Path

from briefing.characters import without_controls
from briefing.errors import InputError
from briefing.readers.base import Parsed

FORMATS = {
    "text": "briefing.readers.text",
    "markdown": "briefing.readers.markdown",
    "html": "briefing.readers.html",
}
EXTENSIONS = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

_LOOKS_HTML = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<article|<p[\s>])", re.IGNORECASE)
_LOOKS_MARKDOWN = re.compile(r"^#{1,6}\s", re.MULTILINE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([a-zA-Z0-9_\-]+)""", re.IGNORECASE)

MAX_INPUT_BYTES = 20_000_000
"""Largest input read, markup included: a saved news page is rarely over 3 MB; past this it is not one."""


def load_bytes(path: Path) -> bytes:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not an article")
    try:
        with path.open("rb") as stream:
            return read_limited(stream, str(path))
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def read_limited(stream, label: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read ``stream`` to its end, but never more than ``limit`` bytes: ``/dev/zero`` or an endless pipe
    stops with an error instead of filling the memory."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{label}: is larger than {limit // 1_000_000} MB, too large to be an article")
    return data


def decode(data: bytes, label: str, encoding: str | None = None, sent: str | None = None) -> tuple[str, str]:
    """Decode ``data``: with ``encoding`` if given, else by BOM, strict UTF-8, the charset the server
    ``sent``, a page's own ``<meta charset>``, then charset detection. A charset that reads the bytes as a
    jumble of accented Latin letters (a server saying ISO-8859-1 of a cp1256 page) is passed over.

    Returns the text (line endings normalized to ``\\n``) and the name of the encoding used.
    """
    if encoding:
        try:
            return _lines(data.decode(encoding)), codecs.lookup(encoding).name
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{label}: is not valid {encoding} (byte {exc.start})") from None
    for bom, name in BOMS:
        if data.startswith(bom):
            return _lines(data.decode(name)), name
    _refuse_binary(data, label)
    try:
        return _lines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    for declared in (_text_encoding(sent), _declared_charset(data)):
        if declared:
            try:
                text = data.decode(declared)
            except UnicodeDecodeError:
                continue  # the server's or the page's word is wrong: detect
            if not _jumbled(text):
                return _lines(text), declared
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(
            f"{label}: cannot be decoded as text in any known encoding; name its encoding", option="encoding"
        )
    return _lines(str(best)), codecs.lookup(best.encoding).name


def _declared_charset(data: bytes) -> str | None:
    """The text encoding an HTML page declares in its first bytes, when Python knows it."""
    found = _META_CHARSET.search(data[:4096])
    return _text_encoding(found.group(1).decode("ascii")) if found else None


def _text_encoding(name: str | None) -> str | None:
    """``name``'s codec when it is a text encoding Python knows (not base64, rot13...)."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
        b"a".decode(codec)
    except LookupError:
        return None
    return codec


def _jumbled(text: str) -> bool:
    """Whether most letters are accented Latin ones (À-ÿ): bytes of another script read as Latin-1."""
    letters = [ch for ch in text[:20000] if ch.isalpha()]
    return bool(letters) and sum("\u00c0" <= ch <= "\u00ff" for ch in letters) > len(letters) / 4


def _refuse_binary(data: bytes, label: str) -> None:
    import filetype

    kind = filetype.guess(data[:8192])
    if kind is not None:
        raise InputError(f"{label}: is a {kind.extension.upper()} file ({kind.mime}), not a text article")
    if b"\x00" in data[:8192] and not _utf16_without_bom(data):
        raise InputError(f"{label}: is a binary file, not a text article")


def _utf16_without_bom(data: bytes) -> bool:
    """UTF-16 text without a BOM has a NUL in every other byte of its ASCII; binary rarely does."""
    head = data[:4096]
    return len(head) >= 2 and (head[0::2].count(0) > len(head) // 4 or head[1::2].count(0) > len(head) // 4)


def _lines(text: str) -> str:
    return without_controls(text.replace("\r\n", "\n").replace("\r", "\n"))


def detect_format(source: str, text: str) -> str:
    """By extension; for stdin or an unknown extension, by a look at the text."""
    by_extension = EXTENSIONS.get(Path(source).suffix.lower())
    if by_extension:
        return by_extension
    if _LOOKS_HTML.match(text):
        return "html"
    return "markdown" if _LOOKS_MARKDOWN.search(text) else "text"


def parse(text: str, format: str) -> Parsed:
    try:
        module = FORMATS[format]
    except KeyError:
        raise InputError(f"unknown format {format!r}; choose one of: {', '.join(FORMATS)}") from None
    return import_module(module).parse(text)
