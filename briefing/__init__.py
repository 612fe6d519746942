"""briefing: narrate Arabic news articles as one MP3 audio briefing."""

import warnings

__version__ = "0.1.0"

# pydub looks for a system ffmpeg when imported and warns when there is none. briefing never uses
# that one: it decodes with the imageio-ffmpeg binary and encodes with lameenc.
warnings.filterwarnings("ignore", message="Couldn't find ffmpeg or avconv", category=RuntimeWarning)
