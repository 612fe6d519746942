"""pydub's AudioSegment, imported without its warning that no system ffmpeg exists: briefing never asks
pydub to run one (miniaudio decodes, lameenc and PyAV encode). The warning is silenced for this import
only, not for the program importing briefing."""

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Couldn't find ffmpeg or avconv", category=RuntimeWarning)
    from pydub import AudioSegment

__all__ = ["AudioSegment"]
