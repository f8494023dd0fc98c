#!/usr/bin/env python3
"""Regenerates the "Engine measurements" section of a shipped model's card (models/<name>.md)
from the engine itself: full-test-set accuracy in both numerics, the 1000-image subset that
tests/cli/cards.sh checks in CI, per-layer firing rates and synaptic operations.

    scripts/model_card.py build/spikestack moe-fmnist [--threads 2]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

SUBSET = 1000


def infer(ss, model, mode, limit, threads, out):
    cmd = [ss, "infer", "-m", model, "--mode", mode, "-q", "--out", out, "-j", str(threads)]
    if limit:
        cmd += ["-n", str(limit)]
    subprocess.run(cmd, check=True)
    with open(out) as f:
        return json.load(f)


def gating_lines(fl, it):
    """SEMM: per EMSA part, the share of slots each expert's gate is open, in both numerics."""
    lines = []
    for part, g in fl.get("expert_gating", {}).items():
        gi = it["expert_gating"][part]
        lines += [
            f"EMSA expert gating, `{part}`: share of the {g['slots']:,} (image, time step, token) "
            "slots in which each expert's router spike lets its output through (experts open "
            "independently, so the shares need not sum to 100 %):",
            "",
            "| mode | " + " | ".join(f"expert {e}" for e in range(len(g["share"]))) + " |",
            "|---|" + "---|" * len(g["share"]),
            "| float | " + " | ".join(f"{100 * x:.1f} %" for x in g["share"]) + " |",
            "| int | " + " | ".join(f"{100 * x:.1f} %" for x in gi["share"]) + " |",
            "",
        ]
    return lines


def section(name, full, sub, summary):
    fl, it = full["float"], full["int"]
    torch_line = ""
    if summary:
        ta = summary["test_accuracy"]
        differ = round(abs(ta - fl["accuracy"]) * fl["samples"])
        torch_line = (f" LibTorch's own evaluation of the trained weights gave {100 * ta:.2f} %"
                      + (f" ({differ} of {fl['samples']} predictions differ: borderline membranes that float "
                         "summation order puts on the other side of a threshold)." if differ else " (identical)."))
    lines = [
        "## Engine measurements (full test set, 10,000 images)",
        "",
        "```",
        f"spikestack infer -m models/{name}.toml --mode float --out float.json",
        f"spikestack infer -m models/{name}.toml --mode int --out int.json",
        "```",
        "",
        f"- Float mode: **{100 * fl['accuracy']:.2f} %** ({fl['correct']}/{fl['samples']}).{torch_line}",
        f"- Int mode (8-bit per-channel weights, 16-bit integration, fixed-point membranes): "
        f"**{100 * it['accuracy']:.2f} %** ({it['correct']}/{it['samples']}), "
        f"{100 * (it['accuracy'] - fl['accuracy']):+.2f} points against float.",
        f"- CI subset (`-n {SUBSET}`, checked by tests/cli/cards.sh): "
        f"float {sub['float']['correct']}/{SUBSET}, int {sub['int']['correct']}/{SUBSET}.",
        "- Engine speed: BENCHMARKS.md (measured against PyTorch in the same run).",
        "",
        *gating_lines(fl, it),
        "Per-layer firing rates (% of neurons spiking, per time step t0..t3, float mode) and executed "
        "synaptic operations per image (int mode):",
        "",
        "| layer | float t0 | t1 | t2 | t3 | int mean | executed SOPs / image | dense-equivalent / image |",
        "|---|---|---|---|---|---|---|---|",
    ]
    tot_e = tot_d = 0
    int_layers = {l["name"]: l for l in it["layers"]}
    for l in fl["layers"]:
        il = int_layers[l["name"]]
        r = " | ".join(f"{100 * x:.1f}" for x in l["firing_rate_per_step"])
        e, d = il["sops_exec_per_sample"], il["sops_dense_per_sample"]
        tot_e += e
        tot_d += d
        lines.append(f"| `{l['name']}` | {r} | {100 * il['firing_rate']:.1f} | {e:.0f} | {d:.0f} |")
    lines.append(f"| **total** | | | | | | **{tot_e:.0f}** | **{tot_d:.0f}** |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("spikestack")
    ap.add_argument("name")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--summary", help="the training run's summary.json (LibTorch's test accuracy)")
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    model = os.path.join(root, "models", a.name + ".toml")
    card = os.path.join(root, "models", a.name + ".md")
    with tempfile.TemporaryDirectory() as d:
        full = {m: infer(a.spikestack, model, m, 0, a.threads, f"{d}/{m}.json") for m in ("float", "int")}
        sub = {m: infer(a.spikestack, model, m, SUBSET, a.threads, f"{d}/{m}s.json") for m in ("float", "int")}
    text = open(card).read()
    summary = json.load(open(a.summary)) if a.summary else None
    new = section(a.name, full, sub, summary)
    pat = re.compile(r"## Engine measurements.*?(?=\n## |\Z)", re.S)
    if not pat.search(text):
        sys.exit(f"{card}: no '## Engine measurements' section")
    text = pat.sub(lambda _: new.rstrip("\n") + "\n", text, count=1)
    tmp = card + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, card)
    print(f"{card}: float {full['float']['accuracy']:.4f}, int {full['int']['accuracy']:.4f}")


if __name__ == "__main__":
    main()
