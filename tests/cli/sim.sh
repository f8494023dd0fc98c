#!/usr/bin/env bash
# spikestack sim: happy paths (cycle, analytical, dump, synthetic) and every bad input gives
# one clear line and a non-zero exit.
SS=$1; SRC=$2
. "$SRC/tests/cli/lib.sh"
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
M="$SRC/models/moe-fmnist.toml"
expect_ok "$SS" sim -m "$M" -n 2 --out "$d/c.json"
expect_ok "$SS" sim -m "$M" -n 2 --mode analytical --out "$d/a.json" --set se_cores=8
expect_ok "$SS" sim -m "$SRC/models/paper/semm-4-384.toml" -n 1 --rate 0.2 --out "$d/p.json"
expect_ok "$SS" infer -m "$M" -n 3 --mode int -q --dump-spikes "$d/s.st"
expect_ok "$SS" sim -m "$M" --spikes "$d/s.st" --out "$d/d.json"
"$SS" sim -m "$M" -n 2 --json > "$d/j.json" 2>/dev/null && passes=$((passes+1)) || { echo "FAIL: --json"; fails=$((fails+1)); }
/usr/bin/python3 - "$d" <<'P' && passes=$((passes+1)) || { echo "FAIL: outputs"; fails=$((fails+1)); }
import json, sys
d = sys.argv[1]
c, a, p, s, j = (json.load(open(f"{d}/{n}.json")) for n in ["c", "a", "p", "d", "j"])
for x in (c, a, p, s, j):
    assert x["schema"] == "spikestack.activity/1"
    names = [n["name"] for n in x["components"]["children"]]
    assert names == ["se_cores", "attention_cores", "spike_gen", "router", "buffers", "noc"], names
    bufs = {b["name"]: b for b in x["components"]["children"][4]["children"]}
    assert set(bufs) == {"weight", "spike", "membrane"}
    assert [b["name"] for b in bufs["weight"]["children"]] == [f"bank{i}" for i in range(8)]
    assert x["cycles"] > 0
assert c["mode"] == "cycle" and a["mode"] == "analytical" and c["samples"] == 2
assert "SYNTHETIC" in p["source"]
assert s["samples"] == 3 and "dump" in s["source"]
# the same 2 images through the engine inline and (first 2 of 3) through the dump agree
assert abs(c["cycles"] - j["cycles"]) < 1e-9
assert a["components"]["children"][0]["counters"]["count"] == 8
P
# streamed weights from the off-chip memory (docs/arch.md, [offchip]): with one core the layers
# run in sequence, so the waits add to the inference's cycles one for one; a memory 32 times
# slower than small.toml's makes layers wait, the same compute underneath
S=(sim -m "$M" -a "$SRC/configs/arch/small.toml" -n 2 --no-silicon --set buffers.weight.size=64KiB)
expect_ok "$SS" "${S[@]}" --out "$d/fast.json"
expect_ok "$SS" "${S[@]}" --set offchip.width=2bits --set offchip.latency_cycles=64 --out "$d/slow.json"
/usr/bin/python3 - "$d" <<'P' && passes=$((passes+1)) || { echo "FAIL: off-chip waits"; fails=$((fails+1)); }
import json, sys
d = sys.argv[1]
f, s = (json.load(open(f"{d}/{n}.json")) for n in ["fast", "slow"])
def waits(x):
    return sum(l["counters"].get("weight_wait_cycles", 0) for l in x["layers"])
def weight_buffer(x):
    bufs = {b["name"]: b for b in x["components"]["children"][4]["children"]}
    return bufs["weight"]["counters"]
assert waits(s) > 0.01 * s["cycles"], (waits(s), s["cycles"])
for x in (f, s):
    assert abs(weight_buffer(x)["fill_wait_cycles"] - waits(x)) < 1e-6
    assert weight_buffer(x)["fill_bits"] > 0  # the model streams at 64 KiB
assert abs((s["cycles"] - waits(s)) - (f["cycles"] - waits(f))) < 1e-6, (s["cycles"], f["cycles"])
P
# architecture problems: bad unit, unknown key, impossible value, unknown impl, bad --set
expect_fail "buffers.weight.size" "expected a size" -- "$SS" sim -m "$M" -n 1 --set 'buffers.weight.size="64 MHz"'
expect_fail "se_cores.colz" "unknown key" -- "$SS" sim -m "$M" -n 1 --set se_cores.colz=3
expect_fail "buffers.weight.banks" -- "$SS" sim -m "$M" -n 1 --set buffers.weight.banks=0
expect_fail "se_cores.impl" "registered: st_systolic" -- "$SS" sim -m "$M" -n 1 --set 'se_cores.impl="magic"'
expect_fail "key=value" -- "$SS" sim -m "$M" -n 1 --set se_cores
expect_fail "nope.toml" -- "$SS" sim -m "$M" -n 1 --arch "$d/nope.toml"
sed 's/width = "256 bits"/width = "256 KHz"/' "$SRC/configs/arch/paper.toml" > "$d/bad.toml"
expect_fail "bad.toml" "buffers.weight.width" -- "$SS" sim -m "$M" -n 1 --arch "$d/bad.toml"
# spike dump problems: truncated, wrong model
head -c 20000 "$d/s.st" > "$d/trunc.st"
expect_fail "trunc.st" "truncated" -- "$SS" sim -m "$M" --spikes "$d/trunc.st"
# the MoE model's dump for the Spikformer (same tokenizer and width): its MLP layers are missing
expect_fail "s.st" "spikes.blocks.0.ffn.fc1" "missing tensor" -- "$SS" sim -m "$SRC/models/spikformer-fmnist.toml" --spikes "$d/s.st"
# ... and for the D = 96 SEMM: the first layer whose shape differs is named
expect_fail "s.st" "spikes.sps.conv1" "expected shape [3, 4, 196, 96]" -- "$SS" sim -m "$SRC/models/semm-fmnist.toml" --spikes "$d/s.st"
expect_fail "--spikes" -- "$SS" sim -m "$M" --mode analytical --spikes "$d/s.st"
# analytical from a saved trace equals analytical with the engine run inline on the same images
"$SS" infer -m "$M" -n 16 --mode int --trace "$d/t.st" -q
"$SS" sim -m "$M" --mode analytical --trace "$d/t.st" --no-silicon --json > "$d/a1.json"
"$SS" sim -m "$M" --mode analytical -n 16 --no-silicon --json > "$d/a2.json"
/usr/bin/python3 - "$d" <<'P' && passes=$((passes+1)) || { echo "FAIL: analytical from trace file"; fails=$((fails+1)); }
import json, sys
a = json.load(open(sys.argv[1] + "/a1.json")); b = json.load(open(sys.argv[1] + "/a2.json"))
assert a["cycles"] == b["cycles"] and a["components"] == b["components"] and a["layers"] == b["layers"]
P
# head pruning (issue 17): the same with keep 0.5 (trace format 2, per-head counts); a format 1
# copy (no heads_spikes / heads_silent, as written before them) still runs, with one note line,
# and costs the kept heads at the all-heads Q rate: fewer attention AND ops
K=(--set model.attention.head_keep=0.5)
"$SS" infer -m "$M" "${K[@]}" -n 16 --mode int --trace "$d/tp.st" -q
"$SS" sim -m "$M" "${K[@]}" --mode analytical --trace "$d/tp.st" --no-silicon --json > "$d/p1.json"
"$SS" sim -m "$M" "${K[@]}" --mode analytical -n 16 --no-silicon --json > "$d/p2.json"
/usr/bin/python3 - "$d" <<'P' && passes=$((passes+1)) || { echo "FAIL: format 1 copy"; fails=$((fails+1)); }
import json, struct, sys
d = sys.argv[1]; b = open(d + "/tp.st", "rb").read(); n = struct.unpack("<Q", b[:8])[0]
h = json.loads(b[8:8 + n]); data = b[8 + n:]
assert h["__metadata__"]["format"] == "2" and "heads_spikes.blocks.0.attn" in h
keep = sorted(k for k in h if k != "__metadata__" and not k.startswith(("heads_spikes.", "heads_silent.")))
out, off, hdr = b"", 0, {"__metadata__": {k: v for k, v in h["__metadata__"].items() if k != "format"}}
for k in keep:
    s, e = h[k]["data_offsets"]; out += data[s:e]
    hdr[k] = dict(h[k], data_offsets=[off, off + e - s]); off += e - s
hs = json.dumps(hdr).encode()
open(d + "/tp1.st", "wb").write(struct.pack("<Q", len(hs)) + hs + out)
P
"$SS" sim -m "$M" "${K[@]}" --mode analytical --trace "$d/tp1.st" --no-silicon --json > "$d/p3.json" 2> "$d/p3.err"
/usr/bin/python3 - "$d" <<'P' && passes=$((passes+1)) || { echo "FAIL: pruned analytical from trace file, format 1 and 2"; fails=$((fails+1)); }
import json, sys
d = sys.argv[1]
a, b, c = (json.load(open(f"{d}/{f}.json")) for f in ("p1", "p2", "p3"))
assert a["cycles"] == b["cycles"] and a["components"] == b["components"] and a["layers"] == b["layers"]
err = open(d + "/p3.err").read().splitlines()
assert len(err) == 1 and "note" in err[0] and "tp1.st" in err[0] and "format 1" in err[0], err
attn = lambda j: next(x for x in j["components"]["children"] if x["name"] == "attention_cores")["counters"]["and_ops"]
assert attn(c) < 0.99 * attn(a), (attn(c), attn(a))
P
head -c 300 "$d/t.st" > "$d/ttrunc.st"
expect_fail "ttrunc.st" "truncated" -- "$SS" sim -m "$M" --mode analytical --trace "$d/ttrunc.st"
# the first layer whose shape differs is named (D = 96 against the MoE model's 64)
expect_fail "t.st" "token_active.sps.conv1" "the model 4 x 196 x 96" -- "$SS" sim -m "$SRC/models/semm-fmnist.toml" --mode analytical --trace "$d/t.st"
finish
