"""`spikestack import` on a checkpoint trained here: an independent PyTorch Spikformer
(spikformer_ref.py, the public code's names and semantics) is trained for a few hundred steps
on Fashion-MNIST, saved with torch.save(model.state_dict(), path) as the public code does,
imported, and run by the engine in float mode. Its predictions must equal PyTorch's on every
test image; the share of spikes that differ (rounding at the threshold: PyTorch sums in
another order and applies BN after the conv, the engine folds it) is printed and bounded."""
import json
import os
import time

import numpy as np
import pytest
import torch

from conftest import cli
from spikformer_ref import Spikformer, engine_layout, fashion_mnist

STEPS, BATCH, TEST_IMAGES = 300, 16, 500
HEADS = 2


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    torch.manual_seed(0)
    torch.set_num_threads(1)  # two busy cores: one thread each is fastest
    model = Spikformer(in_channels=1, num_classes=10, embed_dims=32, num_heads=HEADS, mlp_ratio=4, depths=1, T=4)
    images, labels = fashion_mnist("train", 60000)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    g = torch.Generator().manual_seed(0)
    t0 = time.time()
    for _ in range(STEPS):
        idx = torch.randint(0, len(images), (BATCH,), generator=g).numpy()
        x = torch.from_numpy(images[idx]).float() / 255
        loss = torch.nn.functional.cross_entropy(model(x), torch.from_numpy(labels[idx]))
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    d = tmp_path_factory.mktemp("import")
    path = d / "spikformer.pth"
    torch.save(model.state_dict(), path)  # as the public code saves its weights
    print("\ntrained %d steps of %d images in %.1f s" % (STEPS, BATCH, time.time() - t0))
    return model, path, d


def reference(model, images):
    record = {}
    with torch.no_grad():
        logits = model(torch.from_numpy(images).float() / 255, record)
    return logits.numpy(), {k: engine_layout(v) for k, v in record.items()}


def test_engine_reproduces_pytorch(trained, ss):
    model, pth, d = trained
    out = d / "fm.toml"
    r = cli("import", pth, "--heads", HEADS, "--input", "1,28,28", "--out", out)
    # ignored: the two LayerNorms the public Block never calls and BN's num_batches_tracked
    assert "(spikformer layout): 63 tensors, 15 unused by the forward pass ignored" in r.stdout
    images, labels = fashion_mnist("test", TEST_IMAGES)
    logits, spikes = reference(model, images)
    engine = ss.Model(str(out), mode="float").infer(images=images, labels=labels, spikes=True)
    assert sorted(engine.spikes) == sorted(spikes)
    total = differ = 0
    for name, s in spikes.items():
        e = engine.spikes[name]
        assert e.shape == s.shape, name
        n = int((e != s).sum())
        print("%-22s %9d spikes compared, %5d differ (%.2e), PyTorch rate %.3f" % (name, s.size, n, n / s.size, s.mean()))
        total, differ = total + s.size, differ + n
    print("all layers: %d of %d spikes differ (%.2e); accuracy %.4f (PyTorch %.4f) on %d images"
          % (differ, total, differ / total, engine.accuracy, (logits.argmax(1) == labels).mean(), len(labels)))
    assert engine.accuracy > 0.5  # it learned (chance is 0.1): not a comparison of two silent networks
    assert (engine.predictions == logits.argmax(1)).all()
    assert differ / total < 1e-3
    np.testing.assert_allclose(engine.logits, logits, atol=0.05)


def test_own_layout_and_command_line_study(trained, ss):
    """The same weights under this project's names import to the same model; the imported
    model runs through `spikestack run`."""
    model, pth, d = trained
    sd = torch.load(pth)
    own = {}
    for k, v in sd.items():
        k = (k.replace("patch_embed.proj_conv.", "sps.conv0.").replace("patch_embed.proj_bn.", "sps.conv0.bn.")
             .replace("patch_embed.rpe_conv.", "sps.rpe.").replace("patch_embed.rpe_bn.", "sps.rpe.bn.")
             .replace("block.", "blocks.").replace(".mlp.", ".ffn."))
        for i in "123":
            k = k.replace("patch_embed.proj_conv%s." % i, "sps.conv%s." % i).replace("patch_embed.proj_bn%s." % i, "sps.conv%s.bn." % i)
        for p in ["q", "k", "v", "proj", "fc1", "fc2"]:
            k = k.replace(".%s_linear." % p, ".%s." % p).replace(".%s_bn." % p, ".%s.bn." % p)
        if ".norm" not in k:
            own[k] = v
    torch.save({"state_dict": own, "epoch": 3}, d / "own.pth")  # a training checkpoint dict
    cli("import", d / "own.pth", "--heads", HEADS, "--input", "1,28,28", "--out", d / "own.toml")
    cli("import", pth, "--heads", HEADS, "--input", "1,28,28", "--out", d / "pub.toml", "-q")
    images, labels = fashion_mnist("test", 50)
    a = ss.Model(str(d / "own.toml")).infer(images=images)
    b = ss.Model(str(d / "pub.toml")).infer(images=images)
    assert np.array_equal(a.logits, b.logits)
    run = json.loads(cli("run", "-m", d / "pub.toml", "-n", 50, "--sim-samples", 2, "--styles", "2d,3d-mol",
                         "--out", d / "report", "--json").stdout)
    assert os.path.exists(d / "report" / "index.html") and run


def write_state_dict(path, sd):
    torch.save(sd, path)
    return path


@pytest.mark.parametrize("case", ["truncated", "not_spikformer", "wrong_shape", "unknown_tensor", "missing_tensor", "no_heads"])
def test_bad_checkpoints_write_nothing(trained, case, tmp_path):
    _, pth, _ = trained
    sd = torch.load(pth)
    args = ["--heads", HEADS, "--input", "1,28,28"]
    if case == "truncated":
        data = open(pth, "rb").read()
        src = tmp_path / "cut.pth"
        src.write_bytes(data[: len(data) // 2])
        expect = "not a readable PyTorch checkpoint"
    elif case == "not_spikformer":
        src = write_state_dict(tmp_path / "lin.pth", torch.nn.Linear(3, 2).state_dict())
        expect = "not a Spikformer checkpoint"
    elif case == "wrong_shape":
        sd["block.0.attn.q_linear.weight"] = torch.zeros(32, 33)
        src = write_state_dict(tmp_path / "shape.pth", sd)
        expect = "block.0.attn.q_linear.weight: shape [32, 33], expected [32, 32]"
    elif case == "unknown_tensor":
        sd["block.0.attn.extra_linear.weight"] = torch.zeros(32, 32)
        src = write_state_dict(tmp_path / "extra.pth", sd)
        expect = "block.0.attn.extra_linear.weight: not a tensor of a Spikformer model"
    elif case == "missing_tensor":
        del sd["block.0.mlp.fc2_bn.running_var"]
        src = write_state_dict(tmp_path / "missing.pth", sd)
        expect = "block.0.mlp.fc2_bn.running_var: missing tensor"
    else:
        src, args, expect = pth, ["--input", "1,28,28"], "give --heads"
    out = tmp_path / "out" / "m.toml"
    r = cli("import", src, *args, "--out", out, check=False)
    assert r.returncode == 1, r.stderr
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("spikestack: error: ")
    assert expect in r.stderr, r.stderr
    assert not os.path.exists(out) and not os.path.exists(out.with_suffix(".safetensors"))
