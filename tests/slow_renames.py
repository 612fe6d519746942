"""Imported before the command in a child process: each final rename of the output set waits
``$SLOW_RENAMES`` seconds first, so that two runs at once would interleave their renames without a lock."""

import os
import time

from briefing.publishing import staging

_replace = staging._replace


def _slow_replace(temporary, target, folder):
    time.sleep(float(os.environ["SLOW_RENAMES"]))
    _replace(temporary, target, folder)


staging._replace = _slow_replace
