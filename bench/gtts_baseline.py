"""gTTS on its own, as its users call it: ``gTTS(text, lang="ar").save(path)``, sequential requests.

Its endpoint is pointed at $BRIEFING_GTTS_URL (the local stub) by replacing the URL builder gTTS calls.
Usage: python bench/gtts_baseline.py TEXT_FILE OUT_MP3
"""

import os
import sys

import gtts.tts
from gtts import gTTS

gtts.tts._translate_url = lambda tld="com", path="": os.environ["BRIEFING_GTTS_URL"]

if __name__ == "__main__":
    source, target = sys.argv[1:]
    gTTS(open(source, encoding="utf-8").read(), lang="ar").save(target)
