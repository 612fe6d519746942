"""More voices: a Piper voice file (real piper code on a tiny voice the tests build), and Edge's neural
voices (real edge-tts code against a local websocket server speaking its protocol)."""

import json
import re
import sys

import pytest
from mutagen.id3 import ID3

from briefing.cli import cli
from briefing.errors import InputError
from briefing.speech.engines import create_engine
from briefing.speech.engines.base import VoiceOptions
from tests.conftest import decoded_seconds, ffmpeg
from tests.tiny_piper import SAMPLES_PER_ID, build_voice

TEXT = "مرحبا بكم في موجز الأخبار."


@pytest.fixture(scope="module")
def voices(tmp_path_factory):
    folder = tmp_path_factory.mktemp("voices")
    return {
        "single": build_voice(folder, name="single"),
        "multi": build_voice(folder, speakers=3, name="multi"),
        "english": build_voice(folder, language="en-us", name="english"),
    }


def piper(model, **options):
    engine, _ = create_engine("piper", VoiceOptions(model=model, **options))
    return engine


def phoneme_ids(engine, text):
    """What piper's own phonemizer (with its tashkeel model) makes of the text."""
    return sum(len(engine.piper.phonemes_to_ids(p)) for p in engine.piper.phonemize(text))


def test_piper_audio_follows_the_phonemes_and_the_rate(voices):
    engine = piper(voices["single"])
    ids = phoneme_ids(engine, TEXT)
    assert ids > 20
    clip = engine.synthesize(TEXT)
    assert clip.frame_rate == 16000 and int(clip.frame_count()) == ids * SAMPLES_PER_ID
    faster = piper(voices["single"], rate=1.25).synthesize(TEXT)
    assert int(faster.frame_count()) == int(ids * SAMPLES_PER_ID / 1.25)
    longer = engine.synthesize(TEXT + " " + TEXT)
    assert int(longer.frame_count()) > 1.9 * int(clip.frame_count())


def test_piper_speaker_changes_the_voice(voices):
    first = piper(voices["multi"], speaker=0).synthesize(TEXT)
    second = piper(voices["multi"], speaker=2).synthesize(TEXT)
    assert first.frame_count() == second.frame_count() and first.raw_data != second.raw_data
    with pytest.raises(InputError, match="has 3 speaker"):
        piper(voices["multi"], speaker=3)


def test_piper_briefing_goes_through_the_whole_pipeline(runner, voices, example_txt, tmp_path):
    out = tmp_path / "piper.mp3"
    result = runner.invoke(
        cli,
        [
            "generate",
            str(example_txt),
            "-o",
            str(out),
            "--engine",
            "piper",
            "--voice-model",
            str(voices["single"]),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "engine piper (Piper single)" in result.output
    manifest = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert manifest["engine"]["name"] == "piper" and manifest["audio"]["sample_rate"] == 16000
    assert len(ID3(out).getall("CHAP")) == 3
    assert abs(decoded_seconds(out) * 1000 - manifest["audio"]["duration_ms"]) <= 100
    log = ffmpeg("-i", str(out), "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-").stderr
    assert -17 <= float(re.search(r"I:\s+(-?[\d.]+) LUFS", log).group(1)) <= -15
    assert out.with_suffix(".vtt").read_text(encoding="utf-8").count("-->") >= len(
        manifest["cues"]
    )  # long ones split


def test_piper_errors_are_one_line(runner, voices, example_txt, tmp_path, monkeypatch):
    def run(*args):
        return runner.invoke(
            cli, ["generate", str(example_txt), "-o", str(tmp_path / "x.mp3"), "--engine", "piper", *args]
        )

    cases = [
        ([], "needs a voice model, a .onnx file (see README: Piper voices) (see --voice-model)"),
        (["--voice-model", str(tmp_path / "none.onnx")], "none.onnx: no such voice model"),
        (
            ["--voice-model", str(voices["single"]), "--voice-config", str(tmp_path / "none.json")],
            "none.json: no such voice config",
        ),
        (
            ["--voice-model", str(voices["single"]), "--voice", "ar-SA-HamedNeural"],
            "the voice's name does not apply to the piper engine (see --voice)",
        ),
    ]
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"not a model at all")
    (tmp_path / "garbage.onnx.json").write_text(voices["single"].with_suffix(".onnx.json").read_text())
    cases.append((["--voice-model", str(garbage)], "garbage.onnx: is not a Piper voice model"))
    foreign = tmp_path / "foreign.onnx"
    foreign.write_bytes(voices["single"].read_bytes())
    (tmp_path / "foreign.onnx.json").write_text('{"name": "something else"}')
    cases.append((["--voice-model", str(foreign)], "foreign.onnx.json: is not a Piper voice config"))
    for args, message in cases:
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output and result.output.count("\n") == 1, result.output
    assert not (tmp_path / "x.mp3").exists()

    english = run("--voice-model", str(voices["english"]))
    assert english.exit_code == 0
    assert "Warning: english.onnx is a voice for 'en-us', not 'ar'" in english.output

    monkeypatch.setitem(sys.modules, "piper", None)  # as if the extra were not installed
    monkeypatch.delitem(sys.modules, "briefing.speech.engines.piper", raising=False)
    missing = run("--voice-model", str(voices["single"]))
    assert missing.exit_code == 2
    assert (
        missing.output
        == "Error: the piper engine needs its extra (piper is missing): pip install 'briefing[piper]'\n"
    )


def test_edge_briefing_through_the_local_service(runner, example_txt, tmp_path, edge_stub):
    out = tmp_path / "edge.mp3"
    result = runner.invoke(
        cli,
        [
            "generate",
            str(example_txt),
            "-o",
            str(out),
            "--engine",
            "edge",
            "--voice",
            "ar-EG-SalmaNeural",
            "--rate",
            "1.1",
            "--pitch",
            "-5Hz",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "engine edge (Microsoft Edge ar-EG-SalmaNeural)" in result.output
    requests = edge_stub.requests
    assert len(requests) == 15  # one per spoken cue: intro, 2 headings, 11 sentences, outro
    assert {r.voice for r in requests} == {
        "Microsoft Server Speech Text to Speech Voice (ar-EG, SalmaNeural)"
    }
    assert {(r.rate, r.pitch) for r in requests} == {("+10%", "-5Hz")}
    assert decoded_seconds(out) > 20 and len(ID3(out).getall("CHAP")) == 3

    edge_stub.requests.clear()  # the same cache as every engine
    assert (
        runner.invoke(
            cli,
            [
                "generate",
                str(example_txt),
                "-o",
                str(out),
                "--engine",
                "edge",
                "--voice",
                "ar-EG-SalmaNeural",
                "--rate",
                "1.1",
                "--pitch",
                "-5Hz",
            ],
        ).exit_code
        == 0
    )
    assert edge_stub.requests == []


@pytest.mark.parametrize("fault", ["no-audio", "drop", "slow:3"])
def test_edge_faults_are_retried(runner, tmp_path, edge_stub, monkeypatch, fault):
    from briefing.speech.engines import edge

    monkeypatch.setattr(edge, "TIMEOUT", (2, 1))
    article = tmp_path / "a.txt"
    article.write_text("جملة قصيرة للاختبار.", encoding="utf-8")
    edge_stub.faults = [fault]
    result = runner.invoke(cli, ["generate", str(article), "-o", str(tmp_path / "a.mp3"), "--engine", "edge"])
    assert result.exit_code == 0, result.output
    assert len(edge_stub.requests) == 3 + 1  # intro, sentence, outro, and one retry
    assert decoded_seconds(tmp_path / "a.mp3") > 1


def test_edge_permanent_failure_and_bad_options(runner, tmp_path, edge_stub):
    article = tmp_path / "a.txt"
    article.write_text("جملة قصيرة للاختبار.", encoding="utf-8")
    edge_stub.fail_texts = {"للاختبار": "no-audio"}
    result = runner.invoke(cli, ["generate", str(article), "-o", str(tmp_path / "a.mp3"), "--engine", "edge"])
    assert (
        result.exit_code == 1
        and "«جملة قصيرة للاختبار.»" in result.output
        and "NoAudioReceived" in result.output
    )
    assert not (tmp_path / "a.mp3").exists()
    for args, message in (
        (["--voice", "en-US-AriaNeural"], "not an Edge voice for language 'ar'"),
        (["--pitch", "higher"], "write it as +5Hz or -10Hz"),
        (["--speaker", "1"], "speaker does not apply to the edge engine (see --speaker)"),
    ):
        result = runner.invoke(cli, ["generate", str(article), "--engine", "edge", *args])
        assert result.exit_code == 2 and message in result.output


def test_voices_lists_every_engine(runner):
    result = runner.invoke(cli, ["voices"])
    assert result.exit_code == 0
    for name in ("gtts", "espeak", "piper", "edge"):
        assert re.search(rf"^{name}  \((online|offline); ", result.output, re.M), name
    assert "espeak  (offline; available)" in result.output
    assert "cannot be reached from here" in result.output  # Edge's voice list, offline
    only = runner.invoke(cli, ["voices", "--engine", "piper"])
    assert only.output.startswith("piper  (offline;") and "bring your own" in only.output
