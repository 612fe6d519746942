"""Fetching an article from a link: http and https only, bounded in time, size and redirects.

A newsroom's links lead to pages that answer slowly, redirect in circles, or turn out to be an image;
each of these ends in one line naming the URL and the cause, and nothing is kept of a half-read page.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from briefing.errors import InputError, NetworkError
from briefing.version import __version__

CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 30.0
"""Seconds for the whole fetch, redirects and body included."""
MAX_REDIRECTS = 5
MAX_BYTES = 20_000_000
USER_AGENT = (
    f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 "
    f"briefing/{__version__}"
)
"""Sites answer a browser's User-Agent; the tool's name and version at its end say who is asking."""
ARTICLE_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": None,
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
}
"""Content types an article comes in, and the format each is read as (None: by a look at the text)."""
FEED_TYPES = {
    "application/rss+xml": None,
    "application/atom+xml": None,
    "application/xml": None,
    "text/xml": None,
    "application/rdf+xml": None,
    **ARTICLE_TYPES,
}
"""Content types a feed comes in: its own, and the article types servers mislabel feeds with."""


@dataclass(frozen=True)
class Fetched:
    """A page as it arrived: its bytes, the charset its headers declare, the format its type says, where it
    ended up after redirects."""

    data: bytes
    charset: str | None
    format: str | None
    url: str


def is_url(source: str) -> bool:
    return str(source).lower().startswith(("http://", "https://"))


def fetch(url: str, types: dict[str, str | None] = ARTICLE_TYPES, private: bool = True) -> Fetched:
    """Download ``url``. Network faults raise :class:`NetworkError`; a body that is none of ``types`` (by
    default an article: wrong content type, too large) or an address that is none raise
    :class:`InputError`. Without ``private``, a link (or a redirect) to a loopback, private, link-local or
    other non-public address is refused: a service must not be made to read its own network."""

    try:
        parts = urlsplit(url)
        web = parts.scheme.lower() in ("http", "https") and parts.hostname and url.isprintable()
    except ValueError:  # http://[127.0.0.1
        web = False
    if not web:
        raise InputError(f"{url!r}: not an http or https address")
    # httpx bounds each read, not the whole: headers sent a byte a second would hold a run for minutes. The
    # download runs on a thread of its own, and the caller stops waiting at the deadline.
    outcome: list = []
    worker = threading.Thread(target=lambda: outcome.append(_attempt(url, types, private)), daemon=True)
    worker.start()
    worker.join(TOTAL_TIMEOUT + 1)
    if not outcome:
        raise NetworkError(f"{url}: took longer than {TOTAL_TIMEOUT:.0f} s to arrive")
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]


def _attempt(url: str, types: dict[str, str | None], private: bool) -> Fetched | Exception:
    """One download, as :func:`fetch` describes it; its error returned rather than raised."""
    try:
        return _download(url, types, private)
    except Exception as exc:  # noqa: BLE001 - handed to the caller's thread, which raises it
        return exc


def _download(url: str, types: dict[str, str | None], private: bool) -> Fetched:
    import httpx

    deadline = time.monotonic() + TOTAL_TIMEOUT
    timeout = httpx.Timeout(TOTAL_TIMEOUT, connect=CONNECT_TIMEOUT)
    try:
        with httpx.Client(
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            timeout=timeout,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
            },
            event_hooks={"request": [] if private else [_public_only]},
        ) as client:
            with client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise NetworkError(
                        f"{url}: the server answered {response.status_code} {response.reason_phrase}"
                    )
                media = response.headers.get("content-type", "text/html").split(";")[0].strip().lower()
                if media not in types:
                    kind = (
                        "an article page (HTML or text)" if types is ARTICLE_TYPES else "a feed (RSS or Atom)"
                    )
                    raise InputError(f"{url}: is {media}, not {kind}")
                declared = int(response.headers.get("content-length") or 0)
                if declared > MAX_BYTES:
                    raise InputError(
                        f"{url}: is larger than {MAX_BYTES // 1_000_000} MB, too large to be an article"
                    )
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_BYTES:
                        raise InputError(
                            f"{url}: is larger than {MAX_BYTES // 1_000_000} MB, too large to be an article"
                        )
                    if time.monotonic() > deadline:
                        raise NetworkError(f"{url}: took longer than {TOTAL_TIMEOUT:.0f} s to arrive")
                return Fetched(bytes(body), response.charset_encoding, types[media], str(response.url))
    except httpx.TooManyRedirects:
        raise NetworkError(f"{url}: redirects more than {MAX_REDIRECTS} times (a redirect loop?)") from None
    except httpx.TimeoutException:
        raise NetworkError(f"{url}: the server did not answer in time") from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol):  # the address was checked: a redirect's is wrong
        raise NetworkError(f"{url}: redirects to an address that is not http or https") from None
    except httpx.ConnectError as exc:
        raise NetworkError(f"{url}: cannot connect ({_cause(exc)})") from None
    except httpx.HTTPError as exc:
        raise NetworkError(f"{url}: the download failed ({_cause(exc)})") from None


def _public_only(request) -> None:
    """Refuse a request (the first or a redirect's) whose host resolves to an address that is not public.
    The name is resolved again to connect: a host that answers differently the second time (DNS rebinding)
    is not caught here; a firewall rule is the sure guard."""
    host = request.url.host
    try:
        found = socket.getaddrinfo(host, request.url.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return  # the connection fails with the resolver's own words
    for *_, address in found:
        ip = ipaddress.ip_address(str(address[0]).split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if not ip.is_global:
            raise InputError(f"{request.url}: leads to {ip}, a private or local address; not fetched")


def _cause(exc: Exception) -> str:
    """The innermost reason, as the operating system words it ("Name or service not known")."""
    text = str(exc) or type(exc).__name__
    return text.split("] ", 1)[-1] if text.startswith("[Errno") else text
