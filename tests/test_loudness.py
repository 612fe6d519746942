"""Every voice at the podcast target: -16 ± 0.5 LUFS and at most -1 dBTP, as ffmpeg's ebur128 (an
independent meter) measures the decoded files; whole files and per-section files, for each engine and
for synthetic voices with very different crest factors. And our own meter agrees with ffmpeg's."""

import json
import wave

import numpy as np
import pytest

from briefing import Article, narrate
from briefing.meter import Meter
from briefing.speech.engines import ENGINES
from tests.conftest import loudness_of
from tests.synthetic_voices import RATE, VOICES, speech
from tests.tiny_piper import build_voice

TEXT = """# موجز الطاقة

افتتحت الحكومة اليوم محطة جديدة للطاقة الشمسية قرب مدينة الواحة، بقدرة مئة ميغاواط. وقال الوزير إن المحطة ستغطي حاجة خمسين ألف منزل.

## تفاصيل المشروع

تمتد الألواح على مساحة مئتي هكتار، وتعمل معها بطاريات تخزن الطاقة لساعات المساء. وبلغت كلفة المشروع مئة وعشرين مليون دولار.

## ماذا ينتظر السكان

يتوقع السكان انخفاض فواتير الكهرباء بدءا من الشهر المقبل، بحسب الشركة المشغلة. ويأمل المزارعون أن تصل الكهرباء إلى الآبار.
"""


@pytest.fixture
def synthetic(monkeypatch):
    monkeypatch.setitem(ENGINES, "synthetic", "tests.synthetic_voices:SyntheticEngine")


def assert_at_target(path, manifest=None):
    lufs, peak = loudness_of(path)
    assert abs(lufs + 16) <= 0.5 and peak <= -1.0, (path.name, lufs, peak)
    if manifest:  # what the manifest says the file measures is what ffmpeg measures
        audio = json.loads(manifest.read_text())["audio"]
        assert abs(audio["loudness_lufs"] - lufs) <= 0.15 and audio["true_peak_dbtp"] <= -1.0, (audio, lufs)


@pytest.mark.parametrize("voice", VOICES)
def test_synthetic_voices_at_the_target_whole_and_per_section(synthetic, tmp_path, voice):
    narration = narrate(Article.from_text(TEXT, format="markdown"), engine="synthetic", voice=voice, cache=False)
    published = narration.save(tmp_path / f"{voice}.mp3", per_section=True)
    assert_at_target(published.audio, published.manifest)
    assert len(published.section_files) == 3
    for section in published.section_files:
        assert_at_target(tmp_path / section)


@pytest.mark.parametrize("voice", VOICES)
@pytest.mark.parametrize("suffix", [".m4a", ".opus"])
def test_synthetic_voices_at_the_target_in_other_formats(synthetic, tmp_path, voice, suffix):
    narration = narrate(Article.from_text(TEXT, format="markdown"), engine="synthetic", voice=voice, cache=False)
    published = narration.save(tmp_path / f"{voice}{suffix}", per_section=True)
    for path in [published.audio, *(tmp_path / section for section in published.section_files)]:
        assert_at_target(path, published.manifest if path == published.audio else None)


@pytest.fixture
def engine_options(request, tmp_path_factory):
    """narrate() options for each engine: eSpeak; gTTS and Edge against their local stubs; a tiny Piper voice."""
    if request.param == "gtts":
        request.getfixturevalue("gtts_stub")
    if request.param == "edge":
        request.getfixturevalue("edge_stub")
    if request.param == "piper":
        return {"engine": "piper", "model": build_voice(tmp_path_factory.mktemp("voice"))}
    return {"engine": request.param}


@pytest.mark.parametrize("engine_options", ["espeak", "gtts", "edge", "piper"], indirect=True)
def test_every_engine_at_the_target_in_every_format(engine_options, tmp_path):
    narration = narrate(Article.from_text(TEXT, format="markdown"), cache=False, **engine_options)
    for suffix in (".mp3", ".m4a", ".opus"):
        published = narration.save(tmp_path / f"briefing{suffix}")
        assert_at_target(published.audio, published.manifest)


def write_wav(path, samples, rate):
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


@pytest.mark.parametrize("voice", VOICES)
def test_our_meter_agrees_with_ffmpeg(tmp_path, voice):
    samples = speech("نص للقياس يتكرر عدة مرات " * 12, voice) * (0.5 if voice != "soft" else 20)
    write_wav(tmp_path / "x.wav", samples, RATE)
    meter = Meter(RATE)
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    for start in range(0, len(pcm), 7777 * 2):  # pieces of any length
        meter.add(pcm[start : start + 7777 * 2])
    lufs, peak = loudness_of(tmp_path / "x.wav")
    assert abs(meter.loudness - lufs) <= 0.1 and abs(meter.true_peak - peak) <= 0.3, (meter.loudness, meter.true_peak, lufs, peak)
