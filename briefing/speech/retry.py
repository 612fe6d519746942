"""Retries with exponential backoff and jitter for engines that speak over a network.

An engine raises :class:`TransientError` for what may pass (429, 5xx, timeouts, dropped
connections, answers without usable audio) and plain ``SynthesisError`` for what will not.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from briefing.errors import SynthesisError

T = TypeVar("T")


class TransientError(SynthesisError):
    """A failure worth another try; ``retry_after`` is the server's wish in seconds, if it said one."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    """Tries in all, the first included."""
    initial: float = 0.5
    """Seconds before the first retry; doubled each time, plus up to ``jitter`` random seconds."""
    jitter: float = 0.5
    max_wait: float = 30.0
    """No single wait is longer, whatever the backoff or a Retry-After header says."""


DEFAULT_POLICY = RetryPolicy()
DEFAULT_DEADLINE = 120.0
"""Seconds a run may spend retrying in all, however many requests fail."""


class Failures:
    """What every request of one run shares: failed requests counted with the last cause, a deadline for
    all retries, and a line for the user when a server asks for a longer wait than the tool will make."""

    def __init__(self, deadline_s: float = DEFAULT_DEADLINE, notify: Callable[[str], None] | None = None):
        self.deadline_s = deadline_s
        self.ends = time.monotonic() + deadline_s
        self.count = 0
        self.last = ""
        self.notify = notify or (lambda message: None)
        self.told: set[int] = set()
        self._lock = threading.Lock()

    def failed(self, cause: str) -> None:
        with self._lock:
            self.count += 1
            self.last = cause

    def asked(self, seconds: float, waiting: float) -> None:
        """A server asked for ``seconds`` (Retry-After) and the tool waits ``waiting``: say so, once each."""
        with self._lock:
            if round(seconds) in self.told:
                return
            self.told.add(round(seconds))
        self.notify(f"The server asked to wait {seconds:.0f} s before trying again; waiting {waiting:.0f} s")

    def past_deadline(self, after: float = 0.0) -> bool:
        return time.monotonic() + after > self.ends


def call_with_retries(
    call: Callable[[], T],
    policy: RetryPolicy | None = None,
    abort: threading.Event | None = None,
    failures: Failures | None = None,
) -> T:
    """``call()``, tried again on TransientError; after the last attempt its error is raised, counted.

    Setting ``abort`` (Ctrl-C, or another call gave up) stops at once: no wait finishes and no request
    starts after it. Past the ``failures`` deadline no further try is made.
    """
    from tenacity import (  # here: the command line loads this module for its defaults
        Retrying,
        retry_if_exception_type,
        stop_after_attempt,
        stop_when_event_set,
        wait_exponential,
        wait_random,
    )

    policy = policy or DEFAULT_POLICY
    failures = failures or Failures()
    abort = abort or threading.Event()
    backoff = wait_exponential(multiplier=policy.initial, max=policy.max_wait) + wait_random(0, policy.jitter)

    def wait(state) -> float:
        asked = getattr(state.outcome.exception(), "retry_after", None) or 0
        seconds = min(max(backoff(state), asked), policy.max_wait)
        if asked > policy.max_wait:
            failures.asked(asked, seconds)
        return seconds

    def attempt() -> T:
        if abort.is_set():
            raise Stopped("stopped")
        try:
            return call()
        except TransientError as exc:
            failures.failed(str(exc))
            raise

    def out_of_time(state) -> bool:
        asked = getattr(state.outcome.exception(), "retry_after", None) or 0
        return failures.past_deadline(after=min(max(asked, policy.initial), policy.max_wait))

    stop = stop_after_attempt(policy.attempts) | stop_when_event_set(abort) | out_of_time  # type: ignore[operator]
    retrying = Retrying(
        stop=stop,
        wait=wait,
        sleep=abort.wait,  # type: ignore[arg-type]
        reraise=True,
        retry=retry_if_exception_type(TransientError),
    )
    try:
        return retrying(attempt)
    except TransientError as exc:
        if failures.past_deadline(after=policy.initial):
            raise SynthesisError(
                f"gave up after {failures.deadline_s:.0f} s of retries: {failures.count} requests "
                f"failed, the last with: {failures.last}"
            ) from None
        attempts = retrying.statistics.get("attempt_number", policy.attempts)
        raise SynthesisError(f"{exc} (gave up after {attempts} attempts)") from None


class Stopped(SynthesisError):
    """The run was stopped (Ctrl-C, or another request gave up): no further request is made."""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    import email.utils

    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
