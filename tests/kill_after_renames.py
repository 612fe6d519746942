"""Imported before the command in a child process: SIGKILL the process after the Nth final rename of its
output set, as a power cut or the OOM killer would, to leave a torn set behind."""

import os
import signal

from briefing.publishing import staging

_renames = {"done": 0}
_replace = staging._replace


def _replace_then_die(temporary, target, folder):
    _replace(temporary, target, folder)
    _renames["done"] += 1
    if _renames["done"] >= int(os.environ["KILL_AFTER_RENAMES"]):
        os.kill(os.getpid(), signal.SIGKILL)


staging._replace = _replace_then_die
