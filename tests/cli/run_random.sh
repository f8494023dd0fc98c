#!/usr/bin/env bash
# spikestack run and random-weights: happy paths and wrong-input paths.
SS=$1; SRC=$2
. "$SRC/tests/cli/lib.sh"
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
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
expect_ok "$SS" run -m "$d/r.toml" -n 20 -o "$d/out" -q
/usr/bin/python3 - "$d" <<'P' && passes=$((passes+1)) || { echo "FAIL: run.json"; fails=$((fails+1)); }
import json, sys
j = json.load(open(sys.argv[1] + "/out/run.json"))
assert j["samples"] == 20
assert 0 <= j["float"]["accuracy"] <= 1 and 0 <= j["int"]["accuracy"] <= 1
assert 0 <= j["float_int_prediction_agreement"] <= 1
names = [l["name"] for l in j["int"]["layers"]]
assert "blocks.0.attn.o1" in names and "blocks.0.ffn.gate" in names, names
P
# same numbers as infer run by hand on the same inputs
expect_ok "$SS" infer -m "$d/r.toml" -n 20 --mode int -q --json "$d/i.json"
/usr/bin/python3 - "$d" <<'P' && passes=$((passes+1)) || { echo "FAIL: run vs infer"; fails=$((fails+1)); }
import json, sys
r = json.load(open(sys.argv[1] + "/out/run.json"))["int"]
i = json.load(open(sys.argv[1] + "/i.json"))
assert r["accuracy"] == i["accuracy"]
assert [l["sops_exec"] for l in r["layers"]] == [l["sops_exec"] for l in i["layers"]]
P
expect_fail "nope.toml" -- "$SS" run -m "$d/nope.toml" -n 1 -q
expect_fail "nope.toml" -- "$SS" random-weights "$d/nope.toml" -o "$d/x.toml"
sed 's/expert_dim = 16/expert_dim = 0/' "$d/m.toml" > "$d/bad.toml"
expect_fail "bad.toml" "attention.expert_dim" -- "$SS" random-weights "$d/bad.toml" -o "$d/x.toml"
# a shape-only model (no weights) cannot be run
expect_fail "m.toml" "model.weights" -- "$SS" infer -m "$d/m.toml" -n 1
"$SS" run --limit nope >/dev/null 2>&1; [ $? -eq 2 ] && passes=$((passes+1)) || { echo "FAIL: usage exit"; fails=$((fails+1)); }
finish
