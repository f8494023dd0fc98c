#!/usr/bin/env bash
# spikestack run (the whole study) and random-weights: happy paths, the run's numbers equal the
# individual subcommands run by hand on the same inputs, and the main wrong-input paths.
SS=$1; SRC=$2
. "$SRC/tests/cli/lib.sh"
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
M=$SRC/models/moe-fmnist.toml

# the study on the shipped default (small subset), then the same steps by hand
expect_ok "$SS" run -n 64 --sim-samples 16 -o "$d/rep" -q
for f in index.html report.json metrics.csv energy_breakdown.csv area_breakdown.csv layers.csv firing.csv experts.csv; do
  [ -s "$d/rep/$f" ] && passes=$((passes+1)) || { echo "FAIL: missing $f"; fails=$((fails+1)); }
done
expect_ok "$SS" infer -m "$M" -n 64 --mode float -q --json "$d/f.json"
expect_ok "$SS" infer -m "$M" -n 64 --mode int -q --json "$d/i.json"
expect_ok "$SS" sim -m "$M" -n 16 -q --out "$d/s.json"
/usr/bin/python3 - "$d" <<'P' && passes=$((passes+1)) || { echo "FAIL: run vs subcommands"; fails=$((fails+1)); }
import json, sys
d = sys.argv[1]
r = json.load(open(d + "/rep/report.json"))
f, i, s = (json.load(open(d + x)) for x in ("/f.json", "/i.json", "/s.json"))
assert r["accuracy"]["float"] == f["accuracy"], (r["accuracy"], f["accuracy"])
assert r["accuracy"]["int"] == i["accuracy"], (r["accuracy"], i["accuracy"])
assert r["inputs"]["samples"] == 64
# the simulated activity and every style's silicon numbers are the sim command's, exactly
assert r["activity"]["cycles"] == s["cycles"], (r["activity"]["cycles"], s["cycles"])
assert r["activity"]["components"] == s["components"]
rs, ss = r["silicon"]["styles"], s["silicon"]["styles"]
assert [x["style"] for x in rs] == [x["style"] for x in ss] and rs[0]["style"] == "2d"
for a, b in zip(rs, ss):
    for k in ("footprint_mm2", "clock_mhz", "energy_pj", "power_mw", "memory_latency_ns", "peak_temperature_k"):
        assert a[k] == b[k], (a["style"], k, a[k], b[k])
# the report's rows are those numbers
for st, si in zip(r["styles"], rs):
    assert st["metrics"]["energy_uj"] == si["energy_uj"]
    assert abs(sum(e["energy_uj"] for e in st["energy_breakdown"]) - si["energy_uj"]) <= 1e-9 * si["energy_uj"]
# firing rates per step are the int-mode engine's
rates = {l["name"]: l["firing_rate_per_step"] for l in i["layers"]}
for l in r["layers"]:
    if l["name"] in rates:
        assert l["rate_per_step"] == rates[l["name"]], l["name"]
P

# a random-weight model through the whole study
cat > "$d/m.toml" <<'T'
[model]
name = "cli-run"
input = [1, 28, 28]
classes = 10
timesteps = 2
dim = 32
blocks = 1
[tokenizer]
channels = [8, 32]
pool = [true, true]
[attention]
type = "emsa"
experts = 2
expert_dim = 16
[ffn]
type = "emsp"
hidden = 64
T
expect_ok "$SS" random-weights "$d/m.toml" -o "$d/r.toml" --seed 9
expect_ok "$SS" run -m "$d/r.toml" -n 20 --sim-samples 4 --styles 2d,3d-mol -o "$d/out" -q
/usr/bin/python3 - "$d" <<'P' && passes=$((passes+1)) || { echo "FAIL: random-model report"; fails=$((fails+1)); }
import json, sys
j = json.load(open(sys.argv[1] + "/out/report.json"))
assert [s["name"] for s in j["styles"]] == ["2d", "3d-mol"]
names = [l["name"] for l in j["layers"]]
assert "blocks.0.attn.o1" in names and "blocks.0.ffn.gate" in names, names
P

# wrong inputs: one line naming what is wrong, non-zero exit
expect_fail "nope.toml" -- "$SS" run -m "$d/nope.toml" -n 1 -q -o "$d/x"
expect_fail "se_corez" -- "$SS" run -n 1 --set se_corez.count=8 -q -o "$d/x"
expect_fail "bond.pich" -- "$SS" run -n 1 --set tech.bond.pich=1 -q -o "$d/x"
expect_fail "3d-xyz" -- "$SS" run -n 1 --styles 2d,3d-xyz -q -o "$d/x"
expect_fail "nope.toml" -- "$SS" run -n 1 --arch "$d/nope.toml" -q -o "$d/x"
expect_fail "nope.toml" -- "$SS" random-weights "$d/nope.toml" -o "$d/x.toml"
sed 's/expert_dim = 16/expert_dim = 0/' "$d/m.toml" > "$d/bad.toml"
expect_fail "bad.toml" "attention.expert_dim" -- "$SS" random-weights "$d/bad.toml" -o "$d/x.toml"
expect_fail "m.toml" "model.weights" -- "$SS" run -m "$d/m.toml" -n 1 -q -o "$d/x"
"$SS" run --samples nope >/dev/null 2>&1; [ $? -eq 2 ] && passes=$((passes+1)) || { echo "FAIL: usage exit"; fails=$((fails+1)); }
[ ! -e "$d/x" ] && passes=$((passes+1)) || { echo "FAIL: a failed run left output"; fails=$((fails+1)); }
finish
