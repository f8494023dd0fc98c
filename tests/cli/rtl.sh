#!/usr/bin/env bash
# spikestack rtl: the Verilog, parameters, programs and manifest for small.toml and paper.toml;
# an architecture the RTL cannot build and an output that is not ours give one clear line,
# exit 1, and leave nothing behind.
SS=$1; SRC=$2
. "$SRC/tests/cli/lib.sh"
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
M="$SRC/models/moe-fmnist.toml"
expect_ok "$SS" rtl --arch "$SRC/configs/arch/small.toml" --model "$M" --out "$d/small" --ops
expect_ok "$SS" rtl --arch "$SRC/configs/arch/small.toml" --model "$M" --out "$d/norec"
# paper.toml keeps 16-bit membranes; the models' int mode needs 24 (docs/rtl.md)
expect_fail "paper.toml" "arch.membrane_bits" -- \
  "$SS" rtl --arch "$SRC/configs/arch/paper.toml" --model "$M" --out "$d/paper" -n 0
expect_ok "$SS" rtl --arch "$SRC/configs/arch/paper.toml" --set arch.membrane_bits=24 --model "$M" --out "$d/paper" -n 0
expect_ok "$SS" rtl --arch "$SRC/configs/arch/paper.toml" --set arch.membrane_bits=24 -m "$SRC/models/paper/moe-4-384.toml" --out "$d/shape"
/usr/bin/python3 - "$d" "$SRC" <<'P' && passes=$((passes+1)) || { echo "FAIL: outputs"; fails=$((fails+1)); }
import json, os, re, sys
d, src = sys.argv[1], sys.argv[2]
s = json.load(open(f"{d}/small/manifest.json"))
assert s["schema"] == "spikestack.rtl/1" and s["top"] == "ss_chip"  # one SE core: ss_top
chip = open(f"{d}/small/ss_chip.v").read()
assert "ss_top #(" in chip and '`include "ss_params.vh"' in chip
recs = open(f"{d}/small/program/image0.rec").read().split()
assert len(recs) > 2 and len({len(r) for r in recs}) == 1, len(recs)  # one width of record
assert int(recs[-1], 16) & 3 == 2 and int(recs[0], 16) & 3 == 1  # a layer record ... the end
assert sorted(s["sources"]) == sorted("hw/" + f for f in os.listdir(f"{src}/hw") if f.endswith(".v"))
for f in s["sources"]:
    assert open(f"{d}/small/{f}").read() == open(f"{src}/{f}").read(), f
# parameters follow the TOML: small.toml 4 x 4, 2 lanes, 16 accumulators / 4 columns = 4 tokens
assert s["se_core"]["ROWS"] == 4 and s["se_core"]["LANES"] == 2 and s["se_core"]["CHUNK"] == 4
vh = open(f"{d}/small/ss_params.vh").read()
assert re.search(r"SE_ROWS\s+= 4;", vh) and re.search(r"SE_MEM_W\s+= 24;", vh)
assert re.search(r"TOP_CLASSES\s+= 10;", vh) and re.search(r"TOP_REC_W\s+= %d;" % (len(recs[0]) * 4), vh)
# the weight fill's rows in flight for small.toml's off-chip memory: ceil((2 + 2) / 1) + 2 -> 8
assert re.search(r"TOP_WF_DEPTH\s+= 8;", vh) and ".WF_DEPTH(TOP_WF_DEPTH)" in chip
layers = {p["layer"] for p in s["programs"]}
assert "blocks.0.attn.q" in layers and "sps.conv0" in layers and "blocks.0.ffn.experts.0.fc1" in layers or \
       "blocks.0.ffn.experts.1.fc1" in layers, layers
assert s["not_in_rtl_yet"] == [], s["not_in_rtl_yet"]
assert s["se_core"]["DW"] == 0  # no depthwise gate in the MoE model
heads = [p for p in s["programs"] if p["mode"] == "head"]
assert [p["layer"] for p in heads] == ["head"] and len(heads[0]["head"]["mul"]) == 10, heads
for p in s["programs"]:
    lines = [l for l in open(f"{d}/small/program/{p['file']}") if not l.startswith("#")]
    assert len(lines) == p["ops"] > 0
    f = lines[0].split()
    assert len(f) == 18, len(f)
    assert f[10] == "0"                      # the first op loads its weights (wkeep 0)
    assert len(f[14]) == 4 * 4 * 2           # weight tile: 16 bytes in hex
    assert len(f[15]) == 4 * 8 * 4 * 2 // 4  # spike tile: chunk x planes x rows x lanes bits
    if p["mode"] == "head":  # a pass over all tokens: pieces of 4 after the first keep the weights
        passes = sum(l.split()[10] == "0" for l in lines)
        assert len(lines) % passes == 0 and len(lines) // passes > 1, (len(lines), passes)
# without --ops: the same programs in the manifest and the same .rec, no .ops text
n = json.load(open(f"{d}/norec/manifest.json"))
assert len(n["programs"]) == len(s["programs"]) and all(p["file"] is None for p in n["programs"])
assert not os.path.exists(f"{d}/norec/program/image0")
assert open(f"{d}/norec/program/image0.rec").read() == open(f"{d}/small/program/image0.rec").read()
p = json.load(open(f"{d}/paper/manifest.json"))
assert p["se_core"]["ROWS"] == 32 and p["se_core"]["CHUNK"] == 64 and p["programs"] == []
assert p["top"] == "ss_chip" and ".CORES(SE_COUNT)" in open(f"{d}/paper/ss_chip.v").read()  # 4 SE cores
vh = open(f"{d}/paper/ss_params.vh").read()
assert re.search(r"SE_COUNT\s+= 4;", vh) and re.search(r"GLB_WEIGHT_BANKS = 8;", vh)
sh = json.load(open(f"{d}/shape/manifest.json"))
assert sh["programs"] == [] and "shape-only" in sh["program_note"]
assert sh["weight_buffer"]["banks"] == [] and not os.path.exists(f"{d}/shape/program")
# the weight buffer's image: one $readmemh file per bank (small.toml: 2 banks of 32-bit words;
# paper.toml: 8 of 256 bits), word a in bank a % banks; every tile resident
for out, banks, bits in (("small", 2, 32), ("paper", 8, 256)):
    wb = json.load(open(f"{d}/{out}/manifest.json"))["weight_buffer"]
    assert wb["banks"] == [f"program/weights.bank{b}.hex" for b in range(banks)], wb
    rows = [open(f"{d}/{out}/{f}").read().split() for f in wb["banks"]]
    assert wb["word_bits"] == bits and sum(map(len, rows)) == wb["words"] > 0, wb
    assert all(len(x) == bits // 4 and int(x, 16) >= 0 for r in rows for x in r)
    assert len(rows[0]) - len(rows[-1]) in (0, 1)  # striped
P
# bad input: nothing half-written
expect_fail "small.toml" "arch.membrane_bits" "quant.mem_bits" -- \
  "$SS" rtl --arch "$SRC/configs/arch/small.toml" --set arch.membrane_bits=16 -m "$M" --out "$d/bad"
[ ! -e "$d/bad" ] && ! ls "$d" | grep -q tmp && passes=$((passes+1)) || { echo "FAIL: bad arch left output"; fails=$((fails+1)); }
# a weight buffer smaller than the model's weights: the programs stream them (64 KiB for
# moe-fmnist's 125.8 KiB): the bank files hold the first two layers, weights.rows.hex every
# tile, a row of 2 words a line; the program has fill records (unit 253, bits 67..74)
expect_ok "$SS" rtl --arch "$SRC/configs/arch/small.toml" --set buffers.weight.size=64KiB -m "$M" --out "$d/stream" -n 1
/usr/bin/python3 - "$d" <<'P' && passes=$((passes+1)) || { echo "FAIL: streamed outputs"; fails=$((fails+1)); }
import json, sys
d = sys.argv[1]
wb = json.load(open(f"{d}/stream/manifest.json"))["weight_buffer"]
assert wb["streamed"] is True and "ring" in wb["note"], wb
rows = open(f"{d}/stream/program/weights.rows.hex").read().split()
assert len(rows) * 2 == wb["words"] > 16384 and all(len(r) == 16 for r in rows), (len(rows), wb)
banks = [open(f"{d}/stream/{f}").read().split() for f in wb["banks"]]
assert 0 < len(banks[0]) == len(banks[1]) < len(rows)  # the first two layers only
assert all(banks[b][r] == rows[r][8 * (1 - b):8 * (2 - b)] for b in (0, 1) for r in range(len(banks[0])))
recs = [int(r, 16) for r in open(f"{d}/stream/program/image0.rec").read().split()]
assert sum((r & 3) == 0 and (r >> 67) & 0xff == 253 for r in recs) >= 2, "no fill records"
P
# ... one whose ring cannot hold the model's largest layer (sps.rpe, 4 608 rows of 2 words)
expect_fail "small.toml" "buffers.weight.size" "sps.rpe" -- \
  "$SS" rtl --arch "$SRC/configs/arch/small.toml" --set buffers.weight.size=32KiB -m "$M" --out "$d/bad"
[ ! -e "$d/bad" ] && ! ls "$d" | grep -q tmp && passes=$((passes+1)) || { echo "FAIL: small ring left output"; fails=$((fails+1)); }
expect_fail "small.toml" "buffers.weight.size" "sps.conv1" "largest layer" -- \
  "$SS" rtl --arch "$SRC/configs/arch/small.toml" --set buffers.weight.size=1KiB -m "$M" --out "$d/bad" -n 0
[ ! -e "$d/bad" ] && ! ls "$d" | grep -q tmp && passes=$((passes+1)) || { echo "FAIL: small buffer left output"; fails=$((fails+1)); }
expect_fail "small.toml" "noc.width" "whole words" -- \
  "$SS" rtl --arch "$SRC/configs/arch/small.toml" --set "noc.width=16 bits" -m "$M" --out "$d/bad"
expect_fail "small.toml" "buffers.weight.size" "power of two" -- \
  "$SS" rtl --arch "$SRC/configs/arch/small.toml" --set buffers.weight.size=3KiB -m "$M" --out "$d/bad"
# an off-chip memory whose latency the weight fill cannot cover (rows in flight, rtl::wf_depth_for)
expect_fail "small.toml" "offchip.latency_cycles" "in flight" -- \
  "$SS" rtl --arch "$SRC/configs/arch/small.toml" --set offchip.latency_cycles=5000 -m "$M" --out "$d/bad" -n 0
expect_fail "spike_gen.acc_entries" -- \
  "$SS" rtl --arch "$SRC/configs/arch/small.toml" --set spike_gen.acc_entries=2 -m "$M" --out "$d/bad"
mkdir -p "$d/mine"; echo keep > "$d/mine/notes.txt"
expect_fail "$d/mine" "not an earlier" -- "$SS" rtl -m "$M" --out "$d/mine"
[ "$(cat "$d/mine/notes.txt")" = keep ] && passes=$((passes+1)) || { echo "FAIL: foreign dir touched"; fails=$((fails+1)); }
# a second run replaces an earlier output whole
expect_ok "$SS" rtl --arch "$SRC/configs/arch/small.toml" --model "$M" --out "$d/small" -n 0
/usr/bin/python3 -c "import json,sys; m=json.load(open(sys.argv[1])); assert m['programs']==[]" \
  "$d/small/manifest.json" && ! ls "$d/small/program" | grep -q 'image' && passes=$((passes+1)) || { echo "FAIL: rerun"; fails=$((fails+1)); }
finish
