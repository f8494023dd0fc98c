"""The Python module against the command line of the same build: the same accuracy, rates,
activity and silicon numbers, spikes as NumPy arrays that are views of the engine's buffers,
errors with the command line's messages."""
import json

import numpy as np
import pytest

from conftest import cli, source
from spikformer_ref import fashion_mnist

MODEL = source("models", "spikformer-fmnist.toml")
MOE = source("models", "moe-fmnist.toml")


def test_infer_matches_command_line(ss):
    m = ss.Model(MODEL, mode="int")
    assert m.mode == "int" and m.classes == 10 and m.input_shape == (1, 28, 28)
    r = m.infer(limit=64, spikes=True)
    j = json.loads(cli("infer", "-m", MODEL, "--mode", "int", "-n", 64, "--json", "-q").stdout)
    assert r.samples == j["samples"] == 64
    assert r.correct == j["correct"]
    assert r.accuracy == pytest.approx(j["accuracy"], abs=0)
    assert list(r.spikes) == m.layers == [l["name"] for l in j["layers"]]
    for layer in j["layers"]:
        s = r.spikes[layer["name"]]
        assert s.dtype == np.uint8 and s.shape == (64, *layer["shape"])
        # an array over the engine's buffer, not a copy of it
        assert not s.flags.owndata and s.base is not None
        # the rate from the spikes themselves, against the engine's trace
        assert s.mean() == pytest.approx(layer["firing_rate"], rel=1e-12)
        assert r.rates[layer["name"]] == pytest.approx(layer["firing_rate"], rel=1e-12)
    assert r.trace["layers"] == j["layers"]
    assert (r.predictions == r.logits.argmax(axis=1)).all()
    assert (r.labels == fashion_mnist("test", 64)[1]).all()


def test_images_from_numpy_equal_the_data_set(ss):
    m = ss.Model(MODEL)
    images, labels = fashion_mnist("test", 20)
    a = m.infer(images=images, labels=labels)
    b = m.infer(limit=20)
    assert (a.predictions == b.predictions).all() and a.correct == b.correct
    assert np.array_equal(a.logits, b.logits)
    one = m.infer(images=images[3])  # a single [C, H, W] image, no labels
    assert one.samples == 1 and one.accuracy is None and one.predictions[0] == a.predictions[3]


def test_moe_routes(ss):
    r = ss.Model(MOE, mode="int").infer(limit=4, spikes=True)
    route = r.routes["blocks.0"]
    assert route.dtype == np.int32 and route.shape == (4, 49, 2)
    assert ((route >= 0) & (route < 4)).all()
    assert (route[:, :, 0] != route[:, :, 1]).all()


def test_simulate_and_silicon_match_command_line(ss, tmp_path):
    doc = ss.simulate(MOE, limit=2)
    ref = json.loads(cli("sim", "-m", MOE, "-n", 2, "--json").stdout)
    assert doc == ref
    styles = {s["style"] for s in doc["silicon"]["styles"]}
    assert set(ss.styles()) <= styles
    # the physical model alone, from the activity tree, for two of the styles
    act = {k: v for k, v in doc.items() if k != "silicon"}
    two = ss.silicon(act, arch=ss.Arch(source("configs", "arch", "paper.toml")), styles=["2d", "3d-lol"])
    assert two["styles"] == [s for s in doc["silicon"]["styles"] if s["style"] in ("2d", "3d-lol")]
    analytical = ss.simulate(MOE, mode="analytical", limit=2, silicon=False)
    assert "silicon" not in analytical and analytical["mode"] == "analytical"


def test_errors_are_the_command_line_messages(ss, tmp_path):
    missing = str(tmp_path / "none.toml")
    with pytest.raises(ss.Error) as e:
        ss.Model(missing)
    r = cli("infer", "-m", missing, check=False)
    assert r.returncode == 1
    assert r.stderr == "spikestack: error: %s\n" % e.value
    assert "\n" not in str(e.value)
    with pytest.raises(ss.UsageError):
        ss.simulate(MOE, styles=["4d"])
    with pytest.raises(ss.Error, match="uint8"):
        ss.Model(MODEL).infer(images=np.zeros((1, 1, 28, 28), np.float32))
    with pytest.raises(ss.Error, match="model expects 1x28x28"):
        ss.Model(MODEL).infer(images=np.zeros((1, 3, 32, 32), np.uint8))
    with pytest.raises(ss.Error, match="none.toml: cannot open file"):
        ss.Technology(str(tmp_path / "none.toml"))


def _read_safetensors(path):
    b = open(path, "rb").read()
    n = int.from_bytes(b[:8], "little")
    h = json.loads(b[8:8 + n])
    kinds = {"U8": "u1", "I32": "<i4", "I64": "<i8", "F64": "<f8", "F32": "<f4"}
    return {k: np.frombuffer(b[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]], kinds[v["dtype"]]).reshape(v["shape"])
            for k, v in h.items() if k != "__metadata__"}


def test_head_pruning(ss, tmp_path):
    """head_keep (issue 17): the heads that ran per image, against a ranking recomputed here from
    the Q spikes (top ceil(p H) by Q spike count over steps, tokens and the head's channels, ties
    to the lower index) and against the command line's spike dump with the same --set."""
    m = ss.Model(MODEL, mode="int", head_keep=0.5)
    assert (m.heads, m.head_keep, m.heads_kept) == (4, 0.5, 2)
    r = m.infer(limit=16, spikes=True)
    assert list(r.heads) == ["blocks.0.attn"]
    ran = r.heads["blocks.0.attn"]
    assert ran.dtype == np.uint8 and ran.shape == (16, 4)
    assert (ran.sum(axis=1) == 2).all()
    q = r.spikes["blocks.0.attn.q"].astype(np.int64)  # [samples, T, tokens, D]
    score = q.reshape(16, q.shape[1], q.shape[2], 4, 16).sum(axis=(1, 2, 4))
    expect = np.zeros((16, 4), np.uint8)
    for i in range(16):
        order = sorted(range(4), key=lambda h: (-score[i, h], h))
        expect[i, order[:2]] = 1
    assert np.array_equal(ran, expect)
    assert len({tuple(x) for x in ran}) > 1  # the choice depends on the image
    k = r.spikes["blocks.0.attn.k"].reshape(16, 4, 49, 4, 16)
    for i in range(16):
        for h in range(4):
            if not ran[i, h]:
                assert not k[i, :, :, h].any()  # a pruned head computes no K
    dump = tmp_path / "d.st"
    cli("infer", "-m", MODEL, "--mode", "int", "-n", 16, "-q", "--set", "model.attention.head_keep=0.5",
        "--dump-spikes", dump)
    assert np.array_equal(_read_safetensors(dump)["heads.blocks.0.attn"], ran)
    # without pruning (the model file's ratio, or 1 over a pruned model's): no record, every
    # head's K computed
    assert ss.Model(MODEL, mode="int").infer(limit=2).heads == {}
    full = ss.Model(source("models", "spikformer-fmnist-keep50.toml"), mode="int", head_keep=1)
    assert full.heads_kept == 4 and full.infer(limit=2).heads == {}
    assert ss.Model(source("models", "spikformer-fmnist-keep50.toml")).head_keep == 0.5
    # a ratio outside (0, 1]: one line naming the model file and the field
    with pytest.raises(ss.Error) as e:
        ss.Model(MODEL, head_keep=0)
    assert MODEL in str(e.value) and "attention.head_keep" in str(e.value) and "(0, 1]" in str(e.value)
    assert "\n" not in str(e.value)
    with pytest.raises(ss.Error, match="multi-head"):
        ss.Model(source("models", "semm-fmnist.toml"), head_keep=0.5)
