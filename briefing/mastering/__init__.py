"""Mastering: an assembled track brought to -16 LUFS under a true-peak limit and encoded, every file decoded
and measured. ``loudness`` finds the gain and limits, ``meter`` measures (BS.1770), ``parts`` cuts the track
for the cores and places its timeline in the decoded files, ``encode`` runs it all. Every setting of the
mastering is here."""

TARGET_LUFS = -16.0
"""The common podcast target."""

TRUE_PEAK_LIMIT = -1.2
"""dBTP an encoded file's peaks are held under: -1 dBTP, the podcast limit, with a margin for meters that
oversample differently."""

CEILING_DBFS = -1.5
"""Sample-peak ceiling of the limiter: half a dB under the -1 dBTP limit, for inter-sample peaks and the
MP3 encoder's overshoot. Lowered for an encoder whose peaks go further (see :func:`trial`)."""

OVER_MARGIN = 0.3
"""dB the limiter's ceiling is lowered past what an encoder's peaks went over the limit: the peaks of a
lossy encoder move a little with what it is given."""

PROBE_SECONDS = 20
"""How much of the track the limiter is tried on to learn how much loudness it takes away."""

CODEC_PROBE_SECONDS = 10
"""How much of the track is sent through the encoder and back to measure what encoding takes away."""

MOST_LIMITING = 10.0
"""dB of gain at most past what brings the speech to the target: where the limiter takes all of any more
gain, more would only distort."""

GAIN_STEPS = 4
"""Secant steps of :func:`gain_for` at most: each is one pass of the limiter over the probe."""

GAIN_TOLERANCE = 0.1
"""LU within which :func:`gain_for` takes a gain as found."""

LOUDNESS_TOLERANCE = 0.3
"""LU a decoded file may miss the target by before it is encoded again: the promise is 0.5, the rest is
room for meters that differ."""

ENCODINGS = 5
"""Encodings of a file at most. Each file is decoded and measured; one off target (the limiter or the
encoder took more or less than the probe foresaw) is encoded again, corrected by what was measured. The
last keeps the true-peak limit whatever it costs in loudness."""

PROBE_SHARE = 0.01
"""Of a track longer than ``loudness.PROBE_SECONDS`` a hundred times, its probe is this share."""

DIP_MS = 25
"""How far either side of an encoder's overshoot the limiter's ceiling is lowered: about a codec frame."""

VERSION = 7
"""Of the mastering's algorithm, in the cache key of encoded files: raise it to renew every entry."""
