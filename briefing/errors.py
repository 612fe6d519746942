"""The errors a user can cause, as one family the CLI turns into a one-line message."""

from __future__ import annotations


class BriefingError(Exception):
    """Base of every error a user can cause: the command line reports it as one line (its exit code is the
    command line's business).

    ``option`` names the library parameter that would fix it (``max_chars``, ``speaker``...), so that the
    command line can point at its own flag; the message itself speaks of the library only.
    """

    def __init__(self, message: str = "", *, option: str | None = None):
        super().__init__(message)
        self.option = option

    def __reduce__(self):
        """An error raised on a worker process travels back whole, whatever its class's constructor takes."""
        return (_rebuilt, (type(self), str(self), self.__dict__))


def _rebuilt(kind: type[BriefingError], message: str, state: dict) -> BriefingError:
    error = kind.__new__(kind)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class InputError(BriefingError):
    """The article or an option cannot be used as given."""


class TooLongError(InputError):
    """An article, or an episode, has more text than the limit allows."""


class OutputError(BriefingError):
    """The output path cannot be used as given, found before any work."""


class WriteError(BriefingError):
    """Writing an output failed (a full disk, a folder that cannot be made...)."""


class SynthesisError(BriefingError):
    """Speech could not be produced."""


class NetworkError(BriefingError):
    """A page or a service could not be reached or answered with an error."""
