"""The errors a user can cause, as one family the CLI turns into a one-line message."""


class BriefingError(Exception):
    """Base of every error a user can cause: the command line reports it as one line, with ``exit_code``.

    ``option`` names the library parameter that would fix it (``max_chars``, ``speaker``...), so that the
    command line can point at its own flag; the message itself speaks of the library only.
    """

    exit_code = 1

    def __init__(self, message: str = "", *, option: str | None = None):
        super().__init__(message)
        self.option = option


class InputError(BriefingError):
    """The article or an option cannot be used as given (exit code 2)."""

    exit_code = 2


class TooLongError(InputError):
    """An article, or an episode, has more text than the limit allows (exit code 2)."""


class OutputError(BriefingError):
    """The output path cannot be used as given, found before any work (exit code 2)."""

    exit_code = 2


class WriteError(BriefingError):
    """Writing an output failed (a full disk, a folder that cannot be made...): exit code 1."""

    exit_code = 1


class SynthesisError(BriefingError):
    """Speech could not be produced (exit code 1)."""

    exit_code = 1


class NetworkError(BriefingError):
    """A page or a service could not be reached or answered with an error (exit code 1)."""

    exit_code = 1
