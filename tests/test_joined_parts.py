"""Every format is encoded in parts on every core and joined: the file plays whole, its timeline is where
the voice is, it is leveled right the first time on ordinary speech, and AAC has the bitrate it declares."""

import pytest

from briefing import Article, Companions, Voice, narrate
from briefing.publishing.sets import OutputSet
from tests.conftest import EXAMPLES, decoded_seconds, loudness_of


@pytest.fixture(scope="module")
def narration():
    return narrate(Article.from_file(EXAMPLES / "solar-plant.txt"), voice=Voice("espeak"), cache=False)


@pytest.mark.parametrize("name", ["mp3", "m4a", "opus"])
def test_a_file_joined_from_parts_plays_whole_with_its_cues_where_the_voice_is(narration, name, tmp_path):
    stages: list[str] = []
    out = OutputSet.at(tmp_path / f"joined.{name}", companions=Companions(subtitles=False))
    published = narration.publish(out, stage=stages.append, cores=3)  # three parts, whatever the machine
    assert abs(decoded_seconds(published.audio) * 1000 - published.timeline.duration_ms) < 30
    lufs, peak = loudness_of(published.audio)
    assert abs(lufs + 16) <= 0.5 and peak <= -1.0, (lufs, peak)
    # each cue sits where it was in the track, moved only by the encoders' priming and the padding of the
    # parts before it (under two codec frames, about 110 ms, a part): never earlier, never backwards
    spoken = [timed for timed in published.timeline.cues if timed.cue.voiced]
    assert [timed.cue for timed in spoken] == [timed.cue for timed in narration.cues]
    shifts = [round(placed.start_ms - made.start_ms, 2) for placed, made in zip(spoken, narration.cues)]
    assert 0 <= shifts[0] and shifts == sorted(shifts) and shifts[-1] < 3 * 110, shifts
    # ordinary speech is leveled right the first time: one encoding, its progress told as it goes
    assert not [line for line in stages if "again" in line]
    assert f"Encoding {name.upper()} 100%" in stages


def test_aac_has_the_bitrate_it_declares(narration, tmp_path):
    published = narration.save(tmp_path / "a.m4a", companions=Companions(subtitles=False, manifest=False))
    kbps = published.audio.stat().st_size * 8 / published.timeline.duration_ms
    assert abs(kbps - 64) <= 6.4, kbps
