"""The least work that turns text into audio: one eSpeak NG call on the raw text, then one encode.

Same engine library, voice and rate as ``briefing generate --engine espeak``.
Usage: python bench/floor.py TEXT_FILE OUT.mp3   (lameenc at briefing's bitrate and encoder quality)
       python bench/floor.py TEXT_FILE OUT.wav   (for an ``ffmpeg`` encode after it: the bare pipeline)
"""

import sys
import wave

from briefing.formats.mp3 import DEFAULT_BITRATE, encode_mp3
from briefing.speech.engines.espeak import EspeakEngine


def main(source: str, target: str) -> None:
    engine = EspeakEngine()
    text = open(source, encoding="utf-8").read()
    pcm = engine.synthesize(text)
    if target.endswith(".wav"):
        with wave.open(target, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(pcm.frame_rate)
            out.writeframes(pcm.raw_data)
        return
    with open(target, "wb") as out:
        for frames in encode_mp3([pcm.raw_data], pcm.frame_rate, DEFAULT_BITRATE):
            out.write(frames)


if __name__ == "__main__":
    main(*sys.argv[1:])
