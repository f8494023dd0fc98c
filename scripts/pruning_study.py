#!/usr/bin/env python3
"""The dynamic head pruning study (issue 17): accuracy, energy, latency and EDP per inference
against the keep ratio, for every integration style, pruning applied to the shipped models
("untrained") and the shipped pruning-aware fine-tuned variants ("trained-in").

Each configuration is one `spikestack run` (engine on the test images in both numerics, the
paper arch simulated cycle by cycle on the int-mode spikes of the first --sim-samples, the
28 nm physical model for every style). Writes a markdown table (docs/validation.md), the rows
as JSON, and a report: the first run's report with the study table in it (docs/report.md,
head_pruning_study), re-rendered by `spikestack report`.

    scripts/pruning_study.py build/spikestack --out results/pruning [-n 10000] [--sim-samples 100]
"""
import argparse
import json
import os
import re
import subprocess
import sys

KEEPS = [1.0, 0.75, 0.5, 0.25]
# (model file, pruning label, keep ratios); trained-in variants run at the ratio they were
# fine-tuned for (and with every head on, to show what the fine-tuning did to the full model)
CONFIGS = [
    ("models/moe-fmnist.toml", "untrained", KEEPS),
    ("models/moe-fmnist-keep50.toml", "trained-in", [0.5, 1.0]),
    ("models/spikformer-fmnist.toml", "untrained", KEEPS),
    ("models/spikformer-fmnist-keep50.toml", "trained-in", [0.5, 1.0]),
    ("models/spikformer-fmnist-keep25.toml", "trained-in", [0.25, 1.0]),
    ("models/spikformer-fmnist-keep75.toml", "trained-in", [0.75, 1.0]),
]


def run(ss, model, keep, n, sim_samples, out, reuse):
    cmd = [ss, "run", "-m", model, "--sim-samples", str(sim_samples), "--out", out, "--json",
           "--set", f"model.attention.head_keep={keep:g}"]
    if n:
        cmd += ["-n", str(n)]
    shown = " ".join(["spikestack"] + cmd[1:])
    saved = os.path.join(out, "run.json")
    if reuse and os.path.exists(saved):  # an earlier invocation's run of the same command
        with open(saved) as f:
            j = json.load(f)
        if j["command"] == shown:
            return j["report"], shown
    r = subprocess.run(cmd, check=True, capture_output=True, text=True)
    doc = json.loads(r.stdout)
    with open(saved, "w") as f:
        json.dump({"command": shown, "report": doc}, f)
    return doc, shown


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("spikestack")
    ap.add_argument("--out", default="results/pruning")
    ap.add_argument("-n", type=int, default=0, help="test images (0 = all 10,000)")
    ap.add_argument("--sim-samples", type=int, default=100)
    ap.add_argument("--rerun", action="store_true", help="ignore runs saved by an earlier invocation")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rows, first, commands = [], None, []
    for model, label, keeps in CONFIGS:
        path = os.path.join(root, model)
        if not os.path.exists(path):
            print(f"skipping {model} (not shipped)", file=sys.stderr)
            continue
        for keep in keeps:
            out = os.path.join(a.out, f"{os.path.basename(model)[:-5]}-keep{int(keep * 100)}")
            doc, cmd = run(a.spikestack, path, keep, a.n, a.sim_samples, out, not a.rerun)
            commands.append(cmd.replace(root + "/", ""))
            first = first or (out, doc)
            for st in doc["styles"]:
                m = st["metrics"]
                rows.append({
                    "model": doc["inputs"]["model"], "pruning": label if keep < 1 else
                    ("none" if label == "untrained" else "fine-tuned, all heads"),
                    "keep": keep, "heads": doc["inputs"].get("head_pruning", "all heads"),
                    "accuracy_float": doc["accuracy"]["float"], "accuracy_int": doc["accuracy"]["int"],
                    "style": st["name"], "energy_uj": m["energy_uj"], "latency_us": m["latency_us"],
                    "latency_cycles": m["latency_cycles"], "edp_uj_us": m["energy_uj"] * m["latency_us"],
                })
            print(f"{model} keep {keep:g}: int {100 * doc['accuracy']['int']:.2f} %", file=sys.stderr)
    # change against the same model's unpruned run, same style
    base = {(r["model"], r["style"]): r for r in rows if r["keep"] == 1.0 and r["pruning"] == "none"}
    for r in rows:
        b = base.get((re.sub(r"-keep\d+$", "", r["model"]), r["style"]))
        r["edp_change_pct"] = 100 * (r["edp_uj_us"] / b["edp_uj_us"] - 1) if b else None
    cols = ["model", "pruning", "keep", "acc. float", "acc. int", "style", "energy µJ",
            "latency µs", "cycles", "EDP µJ·µs", "EDP vs unpruned"]

    def cells(r):
        ch = r["edp_change_pct"]
        return [r["model"], r["pruning"], f"{r['keep']:g}", f"{100 * r['accuracy_float']:.2f} %",
                f"{100 * r['accuracy_int']:.2f} %", r["style"], f"{r['energy_uj']:.3f}",
                f"{r['latency_us']:.2f}", f"{r['latency_cycles']:.0f}", f"{r['edp_uj_us']:.3f}",
                "" if ch is None else f"{ch:+.1f} %"]
    md = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    md += ["| " + " | ".join(cells(r)) + " |" for r in rows]
    with open(os.path.join(a.out, "table.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    # compact: one line per configuration, EDP per style (docs/validation.md)
    styles = list(dict.fromkeys(r["style"] for r in rows))
    ccols = ["model", "pruning", "keep", "acc. float", "acc. int", "energy 2D µJ", "latency µs"] + \
        [f"EDP {s} µJ·µs" for s in styles] + ["EDP vs unpruned"]
    cmd_rows = []
    for key in dict.fromkeys((r["model"], r["pruning"], r["keep"]) for r in rows):
        rs = {r["style"]: r for r in rows if (r["model"], r["pruning"], r["keep"]) == key}
        r0 = rs[styles[0]]
        ch = r0["edp_change_pct"]
        cmd_rows.append([key[0], key[1], f"{key[2]:g}", f"{100 * r0['accuracy_float']:.2f} %",
                         f"{100 * r0['accuracy_int']:.2f} %", f"{r0['energy_uj']:.3f}",
                         f"{r0['latency_us']:.2f}"] + [f"{rs[s]['edp_uj_us']:.1f}" for s in styles] +
                        ["" if ch is None else f"{ch:+.1f} %"])
    with open(os.path.join(a.out, "table_compact.md"), "w") as f:
        f.write("\n".join(["| " + " | ".join(ccols) + " |", "|" + "---|" * len(ccols)] +
                          ["| " + " | ".join(c) + " |" for c in cmd_rows]) + "\n")
    with open(os.path.join(a.out, "study.json"), "w") as f:
        json.dump({"rows": rows, "commands": commands}, f, indent=1)
    # the report: the first run's document with the study table, re-rendered
    out, doc = first
    doc["head_pruning_study"] = {"columns": cols, "rows": [cells(r) for r in rows],
                                 "commands": "\n".join(commands)}
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(doc, f)
    subprocess.run([a.spikestack, "report", os.path.join(out, "report.json"), "--out",
                    os.path.join(a.out, "report")], check=True)
    print("\n".join(md))


if __name__ == "__main__":
    main()
