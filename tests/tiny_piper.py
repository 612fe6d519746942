"""A tiny Piper voice the tests build themselves with the onnx helper API: same inputs and output as a real
Piper voice, but its "speech" is a tone, SAMPLES_PER_ID samples per phoneme id scaled by length_scale, whose
pitch rises with the speaker id. Paired with a config (espeak voice "ar") whose phoneme map covers IPA."""

from __future__ import annotations

import json
from pathlib import Path

import onnx
from onnx import TensorProto, helper

SAMPLE_RATE = 16000
SAMPLES_PER_ID = 256


def build_voice(folder: Path, speakers: int = 1, language: str = "ar", name: str = "tiny") -> Path:
    """Write NAME.onnx and NAME.onnx.json into ``folder``; return the model's path."""

    def constant(name, value, kind=TensorProto.FLOAT):
        return helper.make_node(
            "Constant", [], [name], value=helper.make_tensor(name + "_v", kind, [], [value])
        )

    nodes = [
        constant("zero_i", 0, TensorProto.INT64),
        constant("one_i", 1, TensorProto.INT64),
        constant("per_id", float(SAMPLES_PER_ID)),
        constant("two_pi_over_rate", 6.283185307 / SAMPLE_RATE),
        constant("base_hz", 220.0),
        constant("step_hz", 110.0),
        constant("amplitude", 0.5),
        helper.make_node(
            "Constant", [], ["scale_index"], value=helper.make_tensor("si", TensorProto.INT64, [], [1])
        ),
        helper.make_node("Gather", ["scales", "scale_index"], ["length_scale"], axis=0),
        helper.make_node("ReduceMax", ["input_lengths"], ["ids"], keepdims=0),
        helper.make_node("Cast", ["ids"], ["ids_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["ids_f", "per_id"], ["samples_f0"]),
        helper.make_node("Mul", ["samples_f0", "length_scale"], ["samples_f"]),
        helper.make_node("Cast", ["samples_f"], ["samples"], to=TensorProto.INT64),
        helper.make_node("Range", ["zero_i", "samples", "one_i"], ["n"]),
        helper.make_node("Cast", ["n"], ["n_f"], to=TensorProto.FLOAT),
    ]
    inputs = [
        helper.make_tensor_value_info("input", TensorProto.INT64, [1, "phonemes"]),
        helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
        helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
    ]
    if speakers > 1:
        inputs.append(helper.make_tensor_value_info("sid", TensorProto.INT64, [1]))
        nodes += [
            helper.make_node("ReduceMax", ["sid"], ["speaker"], keepdims=0),
            helper.make_node("Cast", ["speaker"], ["speaker_f"], to=TensorProto.FLOAT),
            helper.make_node("Mul", ["speaker_f", "step_hz"], ["shift_hz"]),
            helper.make_node("Add", ["base_hz", "shift_hz"], ["hz"]),
        ]
    else:
        nodes.append(helper.make_node("Identity", ["base_hz"], ["hz"]))
    nodes += [
        helper.make_node("Mul", ["hz", "two_pi_over_rate"], ["radians_per_sample"]),
        helper.make_node("Mul", ["n_f", "radians_per_sample"], ["phase"]),
        helper.make_node("Sin", ["phase"], ["wave"]),
        helper.make_node("Mul", ["wave", "amplitude"], ["quiet"]),
        helper.make_node(
            "Constant", [], ["shape"], value=helper.make_tensor("sh", TensorProto.INT64, [3], [1, 1, -1])
        ),
        helper.make_node("Reshape", ["quiet", "shape"], ["output"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_piper",
        inputs,
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, "samples"])],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="briefing-tests"
    )
    onnx.checker.check_model(model)
    path = folder / f"{name}.onnx"
    onnx.save(model, path)
    Path(f"{path}.json").write_text(json.dumps(config(speakers, language)), encoding="utf-8")
    return path


def config(speakers: int, language: str) -> dict:
    """A Piper voice config: espeak phonemes, one id per character of the IPA and Latin ranges."""
    symbols = ["_", "^", "$", " ", "!", "'", "(", ")", ",", "-", ".", ":", ";", "?", "؟", "،", "؛"]
    symbols += [chr(c) for c in range(0x61, 0x7B)] + [chr(c) for c in range(0xE6, 0x2B0)]
    symbols += [chr(c) for c in range(0x2B0, 0x370)] + ["β", "θ", "χ", "ħ", "ʕ", "ʔ"]
    unique = list(dict.fromkeys(symbols))
    return {
        "audio": {"sample_rate": SAMPLE_RATE},
        "espeak": {"voice": language},
        "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_id_map": {symbol: [number] for number, symbol in enumerate(unique)},
        "num_symbols": len(unique),
        "num_speakers": speakers,
        "speaker_id_map": {f"speaker{n}": n for n in range(speakers)} if speakers > 1 else {},
    }
