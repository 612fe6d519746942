"""MP3 in and out without any system package: ffmpeg from the imageio-ffmpeg wheel decodes, lameenc encodes."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Iterator

from pydub import AudioSegment

from briefing.errors import SynthesisError


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def decode_mp3(data: bytes) -> AudioSegment:
    """Decode MP3 bytes to 16-bit mono PCM at the stream's own sample rate."""
    if not data:
        raise SynthesisError("empty audio")
    probe = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-f", "mp3", "-i", "pipe:0", "-f", "s16le", "-ac", "1",
         "-acodec", "pcm_s16le", "pipe:1"],
        input=data, capture_output=True, check=False,
    )  # fmt: skip
    rate = _stream_rate(probe.stderr.decode("utf-8", "replace"))
    if probe.returncode != 0 or rate is None or not probe.stdout:
        raise SynthesisError("audio could not be decoded as MP3")
    return AudioSegment(data=probe.stdout, sample_width=2, frame_rate=rate, channels=1)


def _stream_rate(ffmpeg_log: str) -> int | None:
    """The sample rate ffmpeg reports for the decoded stream ("Audio: pcm_s16le, 24000 Hz")."""
    for line in ffmpeg_log.splitlines():
        if "Audio: pcm_s16le" in line and " Hz" in line:
            return int(line.split(" Hz")[0].rsplit(" ", 1)[-1])
    return None


def encode_mp3(pcm: Iterable[bytes], sample_rate: int, bitrate_kbps: int, quality: int = 3) -> Iterator[bytes]:
    """Encode 16-bit mono PCM pieces to MP3 frames as they come, holding no whole track in memory."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(quality)
    for piece in pcm:
        if piece:
            yield bytes(encoder.encode(piece))
    yield bytes(encoder.flush())
