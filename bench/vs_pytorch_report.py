#!/usr/bin/python3
"""Summary of bench/vs_pytorch.sh: reads the per-round JSON files of the engine
(`spikestack infer --json`) and of PyTorch (`pytorch_model.py bench --json`) in a directory,
prints the table (median over rounds), the best PyTorch configuration and the ratio, and writes
summary.json and summary.md next to them.

  /usr/bin/python3 bench/vs_pytorch_report.py OUT_DIR
"""
from __future__ import annotations

import glob
import json
import os
import re
import statistics
import sys

LINEAR = {"linear": "F.linear (Debian netlib BLAS)", "conv1x1": "Linear as 1x1 F.conv2d (oneDNN)",
          "mkldnn": "torch.utils.mkldnn Linear (oneDNN)"}


def label(variant: str) -> str:
    lin, _, omp = variant.partition("+omp-")
    return LINEAR.get(lin, lin) + (f", OMP_WAIT_POLICY={omp}" if omp else "")


def main() -> None:
    d = sys.argv[1]
    rows: dict[tuple, dict] = {}
    for path in sorted(glob.glob(os.path.join(d, "engine_*_t*_r*.json"))):
        m = re.search(r"engine_(\w+)_t(\d+)_r(\d+)\.json$", path)
        mode, th = m.group(1), int(m.group(2))
        j = json.load(open(path))
        r = rows.setdefault((th, "engine", mode, 1), {"runs": [], "accuracy": set(), "kernels": j.get("kernels")})
        r["runs"].append(j["images_per_second"])
        r["accuracy"].add(round(j["accuracy"], 6))
        r["samples"] = j["samples"]
    for path in sorted(glob.glob(os.path.join(d, "pytorch_t*_r*.json"))):
        m = re.search(r"pytorch_t(\d+)_r\d+(?:_omp-(\w+))?\.json$", path)
        th, omp = int(m.group(1)), m.group(2)
        j = json.load(open(path))
        for x in j["results"]:
            variant = x["linear"] + (f"+omp-{omp}" if omp else "")
            r = rows.setdefault((th, "pytorch", variant, x["batch"]), {"runs": [], "accuracy": set()})
            r["runs"] += x["runs"]
            r["accuracy"].add(round(x["accuracy"], 6))
            r["samples"] = j["samples"]
            r["torch"] = j["torch"]
    if not rows:
        sys.exit(f"{d}: no result files")
    load = ""
    if os.path.exists(os.path.join(d, "load.txt")):
        load = open(os.path.join(d, "load.txt")).read().strip()
    cmp = {}
    cf = os.path.join(d, "compare.json")
    if os.path.exists(cf):
        cmp = json.load(open(cf))

    lines = []
    out = {"rows": [], "ratios": {}, "compare": cmp}
    hdr = "| threads | system | batch | images/s (median) | best run | runs | accuracy |"
    lines += [hdr, "|---:|---|---:|---:|---:|---|---:|"]
    for th in sorted({k[0] for k in rows}):
        best = None
        best_max = None
        eng = None
        for key in sorted((k for k in rows if k[0] == th), key=lambda k: (k[1] != "engine", k[2], k[3])):
            r = rows[key]
            med = statistics.median(r["runs"])
            acc = sorted(r["accuracy"])
            accs = "/".join(f"{100 * a:.2f} %" for a in acc)
            if key[1] == "engine":
                name = f"engine, {key[2]} mode ({r.get('kernels', '?')} kernels)"
                batch = "1"
                if key[2] == "float":
                    eng = (med, acc, max(r["runs"]))
            else:
                name = f"PyTorch {r.get('torch', '')}, {label(key[2])}"
                batch = str(key[3])
                if best is None or med > best[0]:
                    best = (med, key, acc)
                if best_max is None or max(r["runs"]) > best_max[0]:
                    best_max = (max(r["runs"]), key)
            runs = ", ".join(f"{v:.1f}" for v in r["runs"])
            lines.append(f"| {th} | {name} | {batch} | {med:.1f} | {max(r['runs']):.1f} | {runs} | {accs} |")
            out["rows"].append({"threads": th, "system": key[1], "variant": key[2], "batch": key[3],
                                "images_per_second": med, "runs": r["runs"], "accuracy": acc,
                                "samples": r["samples"]})
        if eng and best:
            # best per PyTorch variant, too
            per = {}
            for key in rows:
                if key[0] == th and key[1] == "pytorch":
                    med = statistics.median(rows[key]["runs"])
                    if key[2] not in per or med > per[key[2]][0]:
                        per[key[2]] = (med, key[3])
            out["ratios"][str(th)] = {
                "engine_float_images_per_second": eng[0],
                "engine_float_best_run": eng[2],
                "best_pytorch": {"variant": best[1][2], "batch": best[1][3], "images_per_second": best[0]},
                "ratio": eng[0] / best[0],
                "ratio_of_best_runs": eng[2] / best_max[0],
                "best_run_pytorch": {"variant": best_max[1][2], "batch": best_max[1][3], "images_per_second": best_max[0]},
                "per_variant": {v: {"batch": b, "images_per_second": m, "ratio": eng[0] / m}
                                for v, (m, b) in per.items()},
                "accuracy_engine": eng[1], "accuracy_pytorch_best": best[2],
            }
    lines.append("")
    for th, r in out["ratios"].items():
        b = r["best_pytorch"]
        lines.append(f"**{th} thread(s)**: engine (float) {r['engine_float_images_per_second']:.1f} images/s; "
                     f"fastest PyTorch: {label(b['variant'])}, batch {b['batch']}, "
                     f"{b['images_per_second']:.1f} images/s; **ratio engine / best PyTorch = {r['ratio']:.2f}x**")
        lines.append(f"  - best single runs (least disturbed by other load): engine {r['engine_float_best_run']:.1f} vs "
                     f"PyTorch {r['best_run_pytorch']['images_per_second']:.1f} images/s "
                     f"({r['best_run_pytorch']['variant']}, batch {r['best_run_pytorch']['batch']}): {r['ratio_of_best_runs']:.2f}x")
        for v, p in sorted(r["per_variant"].items()):
            lines.append(f"  - vs {label(v)} (best batch {p['batch']}, {p['images_per_second']:.1f} images/s): "
                         f"{p['ratio']:.2f}x")
    if cmp:
        lines.append("")
        lines.append(f"Spike cross-check on the first {cmp['samples']} images: "
                     f"{100 * cmp['all_layers_identical']:.4f} % of all spikes identical, "
                     f"{cmp['samples_all_layers_identical']}/{cmp['samples']} images identical in every layer, "
                     f"predictions agree on {100 * cmp['prediction_agreement']:.2f} %.")
    if load:
        lines += ["", "Load average (1, 5, 15 min) before / after: " + " / ".join(load.splitlines())]
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(d, "summary.md"), "w") as f:
        f.write(text + "\n")
    with open(os.path.join(d, "summary.json"), "w") as f:
        json.dump(out, f, indent=2, default=list)


if __name__ == "__main__":
    main()
