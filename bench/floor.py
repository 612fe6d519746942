"""The least work that turns text into an MP3: one eSpeak NG call on the raw text, one lameenc encode.

Same engine library, voice, rate, bitrate and encoder quality as ``briefing generate --engine espeak``.
Usage: python bench/floor.py TEXT_FILE OUT_MP3
"""

import sys

from briefing.formats.mp3 import DEFAULT_BITRATE, encode_mp3
from briefing.speech.engines.espeak import EspeakEngine


def main(source: str, target: str) -> None:
    engine = EspeakEngine()
    text = open(source, encoding="utf-8").read()
    pcm = engine.synthesize(text)
    with open(target, "wb") as out:
        for frames in encode_mp3([pcm.raw_data], pcm.frame_rate, DEFAULT_BITRATE):
            out.write(frames)


if __name__ == "__main__":
    main(*sys.argv[1:])
