"""`spikestack import` of the checkpoint `spikestack train` writes (checkpoint.pt, a LibTorch
archive whose fingerprint holds the model file): the imported model is the exported one, so
every logit on the test images is the same. (Registered only where the train command is built.)"""
from conftest import cli, source


def test_train_checkpoint_imports_as_the_export(tmp_path):
    run = tmp_path / "run"
    cli("train", "--config", source("configs", "train", "spikformer.toml"), "--limit", 64, "--epochs", 1,
        "--threads", 1, "--out", run)
    r = cli("import", run / "checkpoint.pt", "--out", tmp_path / "imported.toml")
    assert "(spikestack layout, under 'model')" in r.stdout
    for model, csv in [(tmp_path / "imported.toml", "a.csv"), (run / "spikformer-fmnist.toml", "b.csv")]:
        cli("infer", "-m", model, "-n", 100, "-q", "--predictions", tmp_path / csv)
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    strip = lambda p: [l for l in p.read_text().splitlines() if not l.startswith(("name", "weights"))]
    assert strip(tmp_path / "imported.toml") == strip(run / "spikformer-fmnist.toml")
