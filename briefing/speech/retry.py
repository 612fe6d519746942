"""Retries with exponential backoff and jitter for engines that speak over a network.

An engine raises :class:`TransientError` for what may pass (429, 5xx, timeouts, dropped
connections, answers without usable audio) and plain ``SynthesisError`` for what will not.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import (
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_when_event_set,
    wait_exponential,
    wait_random,
)

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


def call_with_retries(
    call: Callable[[], T], policy: RetryPolicy | None = None, abort: threading.Event | None = None
) -> T:
    """``call()``, tried again on TransientError; after the last attempt its error is raised, counted.

    Setting ``abort`` (another call gave up) stops further tries at once.
    """
    policy = policy or DEFAULT_POLICY
    backoff = wait_exponential(multiplier=policy.initial, max=policy.max_wait) + wait_random(0, policy.jitter)

    def wait(state) -> float:
        asked = getattr(state.outcome.exception(), "retry_after", None) or 0
        return min(max(backoff(state), asked), policy.max_wait)

    stop = stop_after_attempt(policy.attempts)
    if abort is not None:
        stop = stop | stop_when_event_set(abort)
    retrying = Retrying(stop=stop, wait=wait, reraise=True, retry=retry_if_exception_type(TransientError))
    try:
        return retrying(call)
    except TransientError as exc:
        attempts = retrying.statistics.get("attempt_number", policy.attempts)
        raise SynthesisError(f"{exc} (gave up after {attempts} attempts)") from None


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
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
