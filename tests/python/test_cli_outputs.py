"""What the commands write for other tools: infer --predictions (CSV) against the module's
logits, and one meaning of --json (print to stdout) and --out (write a file) in every command."""
import csv
import json

import numpy as np

from conftest import cli, source

MODEL = source("models", "spikformer-fmnist.toml")


def test_predictions_csv(ss, tmp_path):
    p = tmp_path / "pred.csv"
    cli("infer", "-m", MODEL, "-n", 30, "--predictions", p, "-q")
    rows = list(csv.reader(open(p)))
    assert rows[0] == ["index", "label", "predicted"] + ["logit_%d" % c for c in range(10)]
    r = ss.Model(MODEL).infer(limit=30)
    table = np.array(rows[1:], dtype=float)
    assert (table[:, 0] == np.arange(30)).all()
    assert (table[:, 1] == r.labels).all() and (table[:, 2] == r.predictions).all()
    assert np.array_equal(table[:, 3:], r.logits)  # printed to read back exactly


def test_json_prints_out_writes(tmp_path):
    args = ["infer", "-m", MODEL, "-n", 8]
    printed = cli(*args, "--json")
    assert printed.stderr == ""
    doc = json.loads(printed.stdout)
    out = tmp_path / "infer.json"
    written = cli(*args, "--out", out, "-q")
    assert written.stdout == "" and json.load(open(out))["accuracy"] == doc["accuracy"]
    # the old spelling still works, with a note
    old = tmp_path / "old.json"
    r = cli(*args, "--json", old, "-q")
    assert "deprecated" in r.stderr and r.stdout == ""
    assert json.load(open(old))["correct"] == doc["correct"]
    # sim: the same pair
    sim_out = tmp_path / "sim.json"
    sim = cli("sim", "-n", 1, "--no-silicon", "--json", "--out", sim_out)
    assert json.loads(sim.stdout) == json.load(open(sim_out))
