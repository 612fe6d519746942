"""MP3 in and out without any system package or subprocess: miniaudio decodes, lameenc encodes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from briefing.errors import SynthesisError
from briefing.segment import AudioSegment


def decode_mp3(data: bytes) -> AudioSegment:
    """Decode MP3 bytes in-process (miniaudio's dr_mp3) to 16-bit PCM at the stream's own rate, mono."""
    import miniaudio

    try:
        decoded = miniaudio.mp3_read_s16(data)
    except miniaudio.DecodeError:
        raise SynthesisError("audio could not be decoded as MP3") from None
    if not decoded.samples:
        raise SynthesisError("audio holds no samples")
    clip = AudioSegment(data=decoded.samples.tobytes(), sample_width=2, frame_rate=decoded.sample_rate,
                        channels=decoded.nchannels)  # fmt: skip
    return clip.set_channels(1)


DEFAULT_BITRATE = 64
"""kb/s; plenty for one voice in mono."""
BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160)
"""The bitrates MP3 has at every sample rate offered (MPEG-1 at 44.1 and 48 kHz, MPEG-2 at 16 to 24 kHz):
LAME would silently take the nearest one for any other, and the manifest would record what was not done."""

MP3_QUALITY = 7
"""LAME's algorithm quality (0 best .. 9 fastest). For one voice at 64 kb/s, 7 encodes 2.5x faster than 3
and its decoded waveform measured closer to the source (SNR 25 dB against 23 dB on eSpeak speech)."""


def encode_mp3(pcm: Iterable[bytes], sample_rate: int, bitrate_kbps: int, quality: int = MP3_QUALITY) -> Iterator[bytes]:
    """Encode 16-bit mono PCM pieces to MP3 frames as they come, holding no whole track in memory."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_out_sample_rate(sample_rate)  # LAME resamples low bitrates by default: the timeline would lie
    encoder.set_channels(1)
    encoder.set_quality(quality)
    for piece in pcm:
        if piece:
            yield bytes(encoder.encode(piece))
    yield bytes(encoder.flush())


ENCODER_DELAY = 1105
"""Samples of silence every decoder plays before the first one encoded: LAME's 576 plus the MP3
decoder's 529. lameenc writes no gapless header that would let players skip them."""


_BITRATES_KBPS = {1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
                  2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}  # fmt: skip
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
"""Layer III bitrates by MPEG version (1; 2 and 2.5 share a table) and sample rates by version bits."""


def frame_length(header: bytes) -> int:
    """The length in bytes of the Layer III frame that starts with ``header`` (4 bytes); 0 if none does."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0 or (header[1] >> 1) & 3 != 1:
        return 0
    version, bitrate_index, rate_index = (header[1] >> 3) & 3, header[2] >> 4, (header[2] >> 2) & 3
    if version == 1 or bitrate_index in (0, 15) or rate_index == 3:
        return 0
    bitrate = _BITRATES_KBPS[1 if version == 3 else 2][bitrate_index] * 1000
    rate = _RATES[version][rate_index]
    return (144 if version == 3 else 72) * bitrate // rate + ((header[2] >> 1) & 1)


def info_frame(first: bytes, frames: int, size: int) -> bytes:
    """A Xing "Info" frame (LAME's, for a constant bitrate) to put before ``frames`` audio frames of ``size``
    bytes whose first frame header is ``first``: players then know the exact length instead of estimating it
    from the bitrate. No LAME extension: its encoder delay would have gapless players trim the start, and
    every time in the manifest counts that delay in. Decoders skip this frame; it plays no sound."""
    header = bytes([first[0], first[1] | 1, first[2] & ~2 & 0xFF, first[3]])  # no CRC, no padding
    mono = (first[3] >> 6) == 3
    side_info = (17 if mono else 32) if (first[1] >> 3) & 3 == 3 else (9 if mono else 17)
    length = frame_length(header)
    body = b"Info" + (3).to_bytes(4, "big") + frames.to_bytes(4, "big") + (size + length).to_bytes(4, "big")
    return (header + bytes(side_info) + body).ljust(length, b"\0")


def with_info_frame(path) -> None:
    """Put an :func:`info_frame` before the MP3 frames of ``path`` (a file of frames alone, as encoded), in
    place: the frames are moved up by the frame's length, so the disk needs no room for a second copy."""
    import mmap

    with open(path, "r+b") as audio:
        end = audio.seek(0, 2)
        if end < 4:
            return
        with mmap.mmap(audio.fileno(), 0, access=mmap.ACCESS_READ) as frames_of:
            first, frames, size = frames_of[:4], 0, 0
            while length := frame_length(frames_of[size : size + 4]):
                frames, size = frames + 1, size + length
        if not frames:
            return
        info = info_frame(first, frames, size)
        position = end
        while position > 0:  # from the end, so that nothing is overwritten before it is moved
            start = max(0, position - (1 << 20))
            audio.seek(start)
            block = audio.read(position - start)
            audio.seek(start + len(info))
            audio.write(block)
            position = start
        audio.seek(0)
        audio.write(info)
