#!/usr/bin/env bash
# spikestack train: a tiny happy path (quick smoke run, exported model runs in the engine) and
# the main wrong-input paths (missing recipe, bad recipe key, bad value, missing data set).
SS=$1; SRC=$2
. "$SRC/tests/cli/lib.sh"
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
{ tiny_model cli-train "[1, 28, 28]" 10; cat <<'T'
[ffn]
type = "moe"
experts = 2
top_k = 1
expert_hidden = 16
[train]
dataset = "fashion-mnist"
epochs = 1
batch_size = 32
T
} > "$d/r.toml"
expect_ok "$SS" train --config "$d/r.toml" --out "$d/run" --limit 64 --threads 1
expect_ok "$SS" infer -m "$d/run/cli-train.toml" -n 16 -q
# --json: stdout is exactly the run's summary (the file it also writes), progress on stderr
if "$SS" train --config "$d/r.toml" --out "$d/run2" --limit 64 --threads 1 --json \
    >"$d/stdout.json" 2>"$d/stderr.txt" &&
  python3 - "$d/stdout.json" "$d/run2/summary.json" "$d/stderr.txt" <<'PY'
import json, sys
out, disk = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
err = open(sys.argv[3]).read()
assert out == disk, (out, disk)
assert out["test_images"] == 64 and out["steps"] == 2 and 0 <= out["test_accuracy"] <= 1, out
assert "[train] done" in err and "[eval] epoch 1" in err, err
PY
then passes=$((passes+1)); else echo "FAIL: train --json prints summary.json"; fails=$((fails+1)); fi
expect_fail "nope.toml" -- "$SS" train --config "$d/nope.toml" --out "$d/x"
sed 's/batch_size = 32/batch_sise = 32/' "$d/r.toml" > "$d/typo.toml"
expect_fail "typo.toml" "batch_sise" -- "$SS" train --config "$d/typo.toml" --out "$d/x" --limit 8
sed 's/epochs = 1/epochs = -3/' "$d/r.toml" > "$d/neg.toml"
expect_fail "neg.toml" "epochs" -- "$SS" train --config "$d/neg.toml" --out "$d/x" --limit 8
sed 's/dataset = "fashion-mnist"/dataset = "cifar10"/' "$d/r.toml" > "$d/cifar.toml"
expect_fail "cifar" -- "$SS" train --config "$d/cifar.toml" --out "$d/x" --limit 8
# the trainer is a module beside the executable, loaded by `train` only: a copy of the
# executable without it names the module's path and trains nothing
mkdir "$d/bin" && cp "$SS" "$d/bin/spikestack"
expect_fail "$d/bin/libspikestack_train.so" "cannot load the trainer" -- \
  "$d/bin/spikestack" train --config "$d/r.toml" --out "$d/nomod" --limit 8
[ ! -e "$d/nomod" ] && passes=$((passes+1)) || { echo "FAIL: train without its module wrote $d/nomod"; fails=$((fails+1)); }
expect_ok "$d/bin/spikestack" infer -m "$d/run/cli-train.toml" -n 4 -q
# installed layout (cmake --install): <prefix>/bin/spikestack, <prefix>/lib/spikestack/<module>
mkdir -p "$d/prefix/bin" "$d/prefix/lib/spikestack" && cp "$SS" "$d/prefix/bin/spikestack" &&
  cp "$(dirname "$SS")/libspikestack_train.so" "$d/prefix/lib/spikestack/"
expect_ok "$d/prefix/bin/spikestack" train --config "$d/r.toml" --out "$d/inst" --limit 64 --threads 1
finish
