"""Imported before the command in a child process: encoding an MP3 part first creates ``$ENCODING_STARTED``
and then takes a minute, so that a signal lands while parts are being encoded."""

import os
import time
from pathlib import Path

from briefing.formats.mp3 import Mp3

_encode = Mp3.encode


def _slow_encode(self, pcm, sample_rate, bitrate, target):
    Path(os.environ["ENCODING_STARTED"]).touch()
    time.sleep(60)
    return _encode(self, pcm, sample_rate, bitrate, target)


Mp3.encode = _slow_encode
