#!/usr/bin/env bash
# spikestack infer: happy path and every bad-input path gives one clear line and exit != 0.
SS=$1; SRC=$2
. "$SRC/tests/cli/lib.sh"
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
cat > "$d/m.toml" <<'T'
[model]
name = "cli-test"
input = [1, 28, 28]
classes = 10
timesteps = 2
dim = 40
blocks = 1
[tokenizer]
channels = [8, 40]
pool = [true, true]
[attention]
type = "ssa"
heads = 4
[ffn]
type = "moe"
experts = 3
top_k = 2
expert_hidden = 24
T
expect_ok "$SS" random-weights "$d/m.toml" -o "$d/r.toml" --seed 3
# happy path: json, dump and trace are written and well-formed
expect_ok "$SS" infer -m "$d/r.toml" -n 8 -j 2 -q --json "$d/o.json" --dump-spikes "$d/s.st" --trace "$d/t.st"
/usr/bin/python3 - "$d" <<'P' && passes=$((passes+1)) || { echo "FAIL: outputs"; fails=$((fails+1)); }
import json, struct, sys
d = sys.argv[1]
j = json.load(open(f"{d}/o.json"))
assert j["samples"] == 8 and 0 <= j["accuracy"] <= 1 and j["images_per_second"] > 0
names = [l["name"] for l in j["layers"]]
assert names[0] == "sps.conv0" and "blocks.0.ffn.experts.2.fc2" in names, names
assert sum(j["expert_usage"]["blocks.0"]) == 8 * 49 * 2  # samples * tokens * top_k
b = open(f"{d}/s.st", "rb").read()
n = struct.unpack("<Q", b[:8])[0]
h = json.loads(b[8:8 + n])
assert h["spikes.blocks.0.attn.q"]["shape"] == [8, 2, 49, 40], h["spikes.blocks.0.attn.q"]
assert h["spikes.sps.conv0"]["shape"] == [8, 2, 784, 8]
assert h["route.blocks.0"]["shape"] == [8, 49, 2]
assert h["__metadata__"]["layers"].split(",") == names
assert j["expert_gating"] == {}  # no SEMM attention in this model
P
# SEMM: the EMSA router's gates, counted per expert over (sample, time step, token) slots
expect_ok "$SS" infer -m "$SRC/models/semm-fmnist.toml" -n 20 -j 1 -q --json "$d/semm.json"
/usr/bin/python3 - "$d" <<'P' && passes=$((passes+1)) || { echo "FAIL: semm gating"; fails=$((fails+1)); }
import json, sys
j = json.load(open(f"{sys.argv[1]}/semm.json"))
g = j["expert_gating"]["blocks.0.attn"]
assert g["slots"] == 20 * 4 * 49, g
assert len(g["open"]) == 4 and all(0 < o < g["slots"] for o in g["open"]), g
assert g["share"] == [o / g["slots"] for o in g["open"]], g
router = next(l for l in j["layers"] if l["name"] == "blocks.0.attn.router")
# the router layer's firing rate is the mean open share over the experts
assert abs(router["firing_rate"] - sum(g["share"]) / 4) < 1e-12, (router["firing_rate"], g)
P
# model file problems
printf '[model]\nname = "x"\n' > "$d/bad1.toml"
expect_fail "bad1.toml" "model.input" -- "$SS" infer -m "$d/bad1.toml" -n 1
sed 's/heads = 4/heads = 3/' "$d/r.toml" > "$d/bad2.toml"
expect_fail "bad2.toml" "attention.heads" -- "$SS" infer -m "$d/bad2.toml" -n 1
sed 's/top_k = 2/top_k = 9/' "$d/r.toml" > "$d/bad3.toml"
expect_fail "bad3.toml" "ffn.top_k" -- "$SS" infer -m "$d/bad3.toml" -n 1
expect_fail "nope.toml" "cannot open" -- "$SS" infer -m "$d/nope.toml" -n 1
# model / weights mismatch: dim changed so tensor shapes disagree
sed 's/dim = 40/dim = 48/; s/channels = \[8, 40\]/channels = [8, 48]/' "$d/r.toml" > "$d/bad4.toml"
expect_fail "r.safetensors" "sps.conv1.weight" "expected shape" -- "$SS" infer -m "$d/bad4.toml" -n 1
# truncated weights
head -c 5000 "$d/r.safetensors" > "$d/trunc.safetensors"
sed 's/r.safetensors/trunc.safetensors/' "$d/r.toml" > "$d/bad5.toml"
expect_fail "trunc.safetensors" "truncated" -- "$SS" infer -m "$d/bad5.toml" -n 1
# data set problems
expect_fail "$d/empty" "dataset-fashion-mnist" -- "$SS" infer -m "$d/r.toml" --data-root "$d/empty" -n 1
mkdir -p "$d/corrupt" && head -c 100 /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz > "$d/corrupt/t10k-images-idx3-ubyte.gz"
cp /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz "$d/corrupt/"
expect_fail "t10k-images" -- "$SS" infer -m "$d/r.toml" --data-root "$d/corrupt" -n 1
expect_fail "test_batch.bin" "CIFAR-10" -- "$SS" infer -m "$d/r.toml" --data cifar10 --data-root "$d/empty" -n 1
# --json without a file prints the same document to stdout (nothing else on stdout)
"$SS" infer -m "$d/r.toml" -n 8 --mode int -q --json "$d/j1.json" && "$SS" infer -m "$d/r.toml" -n 8 --mode int --json > "$d/j2.json"
/usr/bin/python3 - "$d" <<'P' && passes=$((passes+1)) || { echo "FAIL: --json to stdout"; fails=$((fails+1)); }
import json, sys
a = json.load(open(sys.argv[1] + "/j1.json")); b = json.load(open(sys.argv[1] + "/j2.json"))
for k in ("images_per_second",): a.pop(k); b.pop(k)
assert a == b
P
# usage errors exit 2
"$SS" infer --mode fuzzy >/dev/null 2>&1; [ $? -eq 2 ] && passes=$((passes+1)) || { echo "FAIL: usage exit"; fails=$((fails+1)); }
finish
