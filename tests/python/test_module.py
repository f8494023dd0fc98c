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
