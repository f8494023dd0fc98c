#!/usr/bin/env bash
# The bad-input suite (issue 18): careless and hostile inputs to every subcommand and file type.
# Each case must exit with its documented code (1 bad input, 2 usage error), print exactly one
# line on stderr naming the file (or option) and the field, and leave every existing output
# byte for byte as it was. Counts: tried / clear / crash (signal, timeout) / silent (exit 0) /
# unclear (wrong code, several lines, file or field not named) / damaged (an output changed).
SS=$1; SRC=$2
. "$SRC/tests/cli/lib.sh"  # tiny_recipe (its expect_* helpers and counters are not used here)
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
M="$SRC/models/moe-fmnist.toml"; W="$SRC/models/moe-fmnist.safetensors"
P="$SRC/models/paper/moe-4-384.toml"; A="$SRC/configs/arch/paper.toml"; TECH="$SRC/technologies/28nm.toml"
R="$SRC/tests/report/fixtures/report.json"
o="$d/out"; mkdir -p "$o/rep"
for f in out.json trace.st dump.st model.toml model.safetensors rep/index.html rep/report.json; do
  echo "sentinel $f" > "$o/$f"
done
snapshot() { (cd "$o" && find . -print0 | sort -z | xargs -0 ls -ld --time-style=+%s.%N 2>/dev/null; cd "$o" && find . -type f -print0 | sort -z | xargs -0 md5sum); }
before=$(snapshot)
tried=0 clear=0 crash=0 silent=0 unclear=0 damaged=0

# bad CODE NEEDLE... -- CMD...
bad() {
  local code=$1; shift
  local needles=()
  while [ "$1" != "--" ]; do needles+=("$1"); shift; done
  shift
  tried=$((tried+1))
  local err rc lines
  err=$(timeout 300 "$@" 2>&1 >/dev/null </dev/null); rc=$?
  lines=$(printf '%s' "$err" | grep -c '')
  if [ $rc -eq 0 ]; then silent=$((silent+1)); echo "SILENT: $*"
  elif [ $rc -ge 124 ]; then crash=$((crash+1)); echo "CRASH ($rc): $*"; printf '%s\n' "$err" | head -3
  else
    local ok=1
    [ $rc -eq "$code" ] && [ "$lines" -eq 1 ] || ok=0
    for n in "${needles[@]}"; do case "$err" in *"$n"*) ;; *) ok=0;; esac; done
    if [ $ok -eq 1 ]; then clear=$((clear+1))
    else unclear=$((unclear+1)); echo "UNCLEAR (exit $rc, want $code; $lines lines; want ${needles[*]}): $*"; printf '%s\n' "$err" | head -3; fi
  fi
  local now; now=$(snapshot)
  if [ "$now" != "$before" ]; then damaged=$((damaged+1)); echo "DAMAGED outputs: $*"; before=$now; fi
}
# model file variants: mm NAME SED-EXPRESSION (from the MoE model, weights resolved absolutely)
mm() { sed -e "s|^weights = .*|weights = \"$W\"|" -e "$2" "$M" > "$d/$1"; }
# shape-only variants of the paper model
pm() { sed -e "$2" "$P" > "$d/$1"; }
# safetensors surgery: st IN OUT set TENSOR INDEX VALUE | drop TENSOR | meta KEY VALUE |
# header JSON-TEXT (replace the header) | trunc BYTES
cat > "$d/st.py" <<'PY'
import json, struct, sys
src, dst, op = sys.argv[1:4]
b = open(src, "rb").read()
n = struct.unpack("<Q", b[:8])[0]
h = json.loads(b[8:8 + n]); data = bytearray(b[8 + n:])
fmt = {"F32": "<f", "F64": "<d", "I32": "<i", "I64": "<q", "U8": "<B"}
if op == "set":
    name, i, v = sys.argv[4], int(sys.argv[5]), sys.argv[6]
    t = h[name]; f = fmt[t["dtype"]]; size = struct.calcsize(f)
    struct.pack_into(f, data, t["data_offsets"][0] + i * size, float(v) if f in ("<f", "<d") else int(v))
elif op == "drop":
    del h[sys.argv[4]]
elif op == "meta":
    h["__metadata__"][sys.argv[4]] = sys.argv[5]
elif op == "edit":  # edit NAME KEY JSON-VALUE
    h[sys.argv[4]][sys.argv[5]] = json.loads(sys.argv[6])
elif op == "raw":  # raw HEADER-BYTES (python literal)
    hs = eval(sys.argv[4]); open(dst, "wb").write(struct.pack("<Q", len(hs)) + hs + bytes(data)); sys.exit()
hs = json.dumps(h).encode()
open(dst, "wb").write(struct.pack("<Q", len(hs)) + hs + bytes(data))
PY
st() { python3 "$d/st.py" "$@"; }
wm() { sed "s|^weights = .*|weights = \"$1\"|" "$M" > "$d/$2"; }  # model using weights file $1

INF=(infer -n 2 -q --json "$o/out.json")
SIM=(sim -n 1 --no-silicon -q --out "$o/out.json")

# ---- command-line values: usage errors (exit 2) ---------------------------------------------
bad 2 "--limit" "whole number" -- "$SS" "${INF[@]}" -n -5
bad 2 "--limit" "whole number" -- "$SS" "${INF[@]}" -n 99999999999999999999999
bad 2 "--limit" -- "$SS" "${INF[@]}" -n 1e3
bad 2 "--limit" -- "$SS" "${INF[@]}" -n ""
bad 2 "--threads" -- "$SS" "${INF[@]}" -j -1
bad 2 "--threads" -- "$SS" "${INF[@]}" -j 100000
bad 2 "--data" "mnist" -- "$SS" "${INF[@]}" --data mnist
bad 2 "--mode" -- "$SS" "${INF[@]}" --mode double
bad 2 "--split" -- "$SS" "${INF[@]}" --split valid
bad 2 "--kernels" -- "$SS" "${INF[@]}" --kernels sse9
bad 2 "--bogus" -- "$SS" infer --bogus
bad 2 "--limit" -- "$SS" "${SIM[@]}" -m "$P" -n -1
bad 2 "--seed" -- "$SS" "${SIM[@]}" -m "$P" --seed -3
bad 2 "--rate" -- "$SS" "${SIM[@]}" -m "$P" --rate 1.5
bad 2 "--rate" -- "$SS" "${SIM[@]}" -m "$P" --rate nan
bad 2 "--rate" -- "$SS" "${SIM[@]}" -m "$P" --rate -0.1
bad 2 "--mode" -- "$SS" "${SIM[@]}" -m "$P" --mode fast
bad 2 "--numerics" -- "$SS" "${SIM[@]}" -m "$M" --numerics half
bad 2 "--styles" "unknown style" -- "$SS" sim -m "$P" -n 1 -q --out "$o/out.json" --styles 2d,4d
bad 2 "--styles" "twice" -- "$SS" sim -m "$P" -n 1 -q --out "$o/out.json" --styles 3d-mol,3d-mol
bad 2 "--styles" -- "$SS" sim -m "$P" -n 1 -q --out "$o/out.json" --styles ,
bad 2 "--trace" "use --mode analytical" -- "$SS" "${SIM[@]}" -m "$M" --trace "$o/trace.st"
bad 2 "--spikes" "use --mode cycle" -- "$SS" "${SIM[@]}" -m "$M" --mode analytical --spikes "$o/dump.st"
bad 2 "--samples" -- "$SS" run -n -1 --out "$o/rep"
bad 2 "--sim-samples" -- "$SS" run --sim-samples x --out "$o/rep"
bad 2 "--styles" "twice" -- "$SS" run --styles 2d,2d --out "$o/rep"
bad 2 "--data" -- "$SS" run --data cifar11 --out "$o/rep"
bad 2 "--seed" -- "$SS" random-weights "$P" -o "$o/model.toml" --seed 18446744073709551616
bad 2 "--out" -- "$SS" report "$R"
bad 2 "input" -- "$SS" report --out "$o/rep"
bad 2 "unknown command 'nosuch'" "commands: run" -- "$SS" nosuch

# ---- command-line values: bad input (exit 1) ------------------------------------------------
bad 1 "key=value" -- "$SS" "${SIM[@]}" -m "$P" --set se_cores
bad 1 "se_cores.colz" "unknown key" -- "$SS" "${SIM[@]}" -m "$P" --set se_cores.colz=3
bad 1 "buffers.weight.size" -- "$SS" "${SIM[@]}" -m "$P" --set 'buffers.weight.size="64 MHz"'
bad 1 "buffers.weight.banks" -- "$SS" "${SIM[@]}" -m "$P" --set buffers.weight.banks=0
bad 1 "se_cores.count" -- "$SS" "${SIM[@]}" -m "$P" --set se_cores.count=-4
bad 1 "se_cores.count" -- "$SS" "${SIM[@]}" -m "$P" --set se_cores.count=4294967300
bad 1 "bond.pitch" -- "$SS" sim -m "$P" -n 1 -q --out "$o/out.json" --set 'tech.bond.pitch="4 kg"'
bad 1 "tech" "nope" -- "$SS" sim -m "$P" -n 1 -q --out "$o/out.json" --set tech.nope=1

# ---- model files ----------------------------------------------------------------------------
bad 1 "nope.toml" "No such file" -- "$SS" "${INF[@]}" -m "$d/nope.toml"
bad 1 "$d" "directory" -- "$SS" "${INF[@]}" -m "$d"
printf '[model\nname = 1' > "$d/syntax.toml"
bad 1 "syntax.toml:1" -- "$SS" "${INF[@]}" -m "$d/syntax.toml"
printf '\xff\xfe[model]\n' > "$d/binary.toml"
bad 1 "binary.toml" -- "$SS" "${INF[@]}" -m "$d/binary.toml"
: > "$d/empty.toml"
bad 1 "empty.toml" "model" -- "$SS" "${INF[@]}" -m "$d/empty.toml"
mm typo.toml 's/^threshold = 1/treshold = 1/'
bad 1 "typo.toml" "neuron.treshold" "unknown key" -- "$SS" "${INF[@]}" -m "$d/typo.toml"
mm noname.toml '/^name = /d'
bad 1 "noname.toml" "model.name" -- "$SS" "${INF[@]}" -m "$d/noname.toml"
mm nametype.toml 's/^name = .*/name = 5/'
bad 1 "nametype.toml" "model.name" -- "$SS" "${INF[@]}" -m "$d/nametype.toml"
for v in "[1, 28]" "[1, 28, 28, 1]" "[0, 28, 28]" "[1, -28, 28]" "[1, 28.5, 28]" "[1, 4294967324, 28]" \
         "[1, 2147483648, 28]" "[3, 65536, 65536]" '"28x28"' "[1, 28, 65537]"; do
  mm input.toml "s/^input = .*/input = $v/"
  bad 1 "input.toml" "model.input" -- "$SS" "${INF[@]}" -m "$d/input.toml"
done
for kv in "classes = 1" "classes = 100001" "classes = 2.5" "classes = 1e105" "timesteps = 0" "timesteps = 65" \
          "dim = 0" "dim = 65537" "blocks = -1" "blocks = 257" "bn_eps = 2.0" "bn_eps = -1e-5" \
          'bn_eps = nan' 'dim = "64"'; do
  k=${kv%% =*}
  mm field.toml "s/^$k = .*/$kv/"
  bad 1 "field.toml" "model.$k" -- "$SS" "${INF[@]}" -m "$d/field.toml"
done
for kv in "tau = 0.5" "tau = inf" "threshold = 0" "threshold = -1" "attn_threshold = nan" "attn_scale = 0" \
          "attn_scale = 1e300"; do
  k=${kv%% =*}
  mm neuron.toml "s/^$k = .*/$kv/"
  bad 1 "neuron.toml" "neuron.$k" -- "$SS" "${INF[@]}" -m "$d/neuron.toml"
done
mm tok1.toml 's/^channels = .*/channels = []/'
bad 1 "tok1.toml" "tokenizer.channels" -- "$SS" "${INF[@]}" -m "$d/tok1.toml"
mm tok2.toml 's/^channels = .*/channels = [0, 64]/'
bad 1 "tok2.toml" "tokenizer.channels" -- "$SS" "${INF[@]}" -m "$d/tok2.toml"
mm tok3.toml 's/^channels = .*/channels = [16, 32]/'
bad 1 "tok3.toml" "tokenizer.channels" "model.dim" -- "$SS" "${INF[@]}" -m "$d/tok3.toml"
mm tok4.toml 's/^pool = .*/pool = [true]/'
bad 1 "tok4.toml" "tokenizer.pool" -- "$SS" "${INF[@]}" -m "$d/tok4.toml"
mm tok5.toml 's/^pool = .*/pool = [1, 0]/'
bad 1 "tok5.toml" "tokenizer.pool[0]" -- "$SS" "${INF[@]}" -m "$d/tok5.toml"
mm tok6.toml 's/^rpe = .*/rpe = "yes"/'
bad 1 "tok6.toml" "tokenizer.rpe" -- "$SS" "${INF[@]}" -m "$d/tok6.toml"
mm att1.toml 's/^type = "ssa"/type = "softmax"/'
bad 1 "att1.toml" "attention.type" -- "$SS" "${INF[@]}" -m "$d/att1.toml"
mm att2.toml 's/^heads = .*/heads = 5/'
bad 1 "att2.toml" "attention.heads" -- "$SS" "${INF[@]}" -m "$d/att2.toml"
mm att3.toml 's/^heads = .*/heads = 0/'
bad 1 "att3.toml" "attention.heads" -- "$SS" "${INF[@]}" -m "$d/att3.toml"
# head pruning (issue 17): keep ratio outside (0, 1], pruning without multi-head attention
for v in 0 1.5 -0.25 '"half"'; do
  mm hk.toml "s/^heads = 4/heads = 4\nhead_keep = $v/"
  bad 1 "hk.toml" "attention.head_keep" -- "$SS" "${INF[@]}" -m "$d/hk.toml"
done
sed -e "s|^weights = .*|weights = \"$SRC/models/semm-fmnist.safetensors\"|" \
    -e 's/^expert_dim = .*/&\nhead_keep = 0.5/' "$SRC/models/semm-fmnist.toml" > "$d/hk_semm.toml"
bad 1 "hk_semm.toml" "attention.head_keep" "multi-head" -- "$SS" "${INF[@]}" -m "$d/hk_semm.toml"
mm hk_noblock.toml "s/^blocks = .*/blocks = 0/; s/^heads = 4/heads = 4\nhead_keep = 0.5/"
bad 1 "hk_noblock.toml" "attention.head_keep" "no blocks" -- "$SS" "${INF[@]}" -m "$d/hk_noblock.toml"
bad 1 "moe-fmnist.toml" "--set model.attention.head_keep:" "(0, 1]" -- "$SS" "${INF[@]}" -m "$M" --set model.attention.head_keep=0
bad 1 "moe-fmnist.toml" "--set model.attention.head_keep:" "(0, 1]" -- "$SS" "${SIM[@]}" -m "$M" --set model.attention.head_keep=1.01
bad 1 "semm-fmnist.toml" "--set model.attention.head_keep:" "multi-head" -- "$SS" "${SIM[@]}" -m "$SRC/models/semm-fmnist.toml" --set model.attention.head_keep=0.5
bad 1 "moe-fmnist.toml" "attention.head_kept" -- "$SS" "${INF[@]}" -m "$M" --set model.attention.head_kept=0.5
bad 2 "--set" "model keys only" -- "$SS" "${INF[@]}" -m "$M" --set se_cores.count=8
bad 1 "paper.toml" "mapping.head_keep" -- "$SS" "${SIM[@]}" -m "$M" --set mapping.head_pruning=true --set mapping.head_keep=0
mm ffn1.toml 's/^type = "moe"/type = "dense"/'
bad 1 "ffn1.toml" "ffn.type" -- "$SS" "${INF[@]}" -m "$d/ffn1.toml"
mm ffn2.toml 's/^top_k = .*/top_k = 5/'
bad 1 "ffn2.toml" "ffn.top_k" -- "$SS" "${INF[@]}" -m "$d/ffn2.toml"
mm ffn3.toml 's/^experts = .*/experts = 0/'
bad 1 "ffn3.toml" "ffn.experts" -- "$SS" "${INF[@]}" -m "$d/ffn3.toml"
mm ffn4.toml 's/^expert_hidden = .*/expert_hidden = 2097152/'
bad 1 "ffn4.toml" "ffn.expert_hidden" -- "$SS" "${INF[@]}" -m "$d/ffn4.toml"
for kv in "weight_bits = 1" "weight_bits = 9" "acc_bits = 7" "acc_bits = 40" "mem_bits = 33" "mem_frac_bits = 17" \
          "mem_frac_bits = 15"; do
  k=${kv%% =*}
  mm quant.toml "s/^$k = .*/$kv/"
  bad 1 "quant.toml" "quant." -- "$SS" "${INF[@]}" -m "$d/quant.toml" --mode int
done
mm noweights.toml "s|^weights = .*|weights = \"$d/none.safetensors\"|"
bad 1 "none.safetensors" "No such file" -- "$SS" "${INF[@]}" -m "$d/noweights.toml"
sed '/^weights = /d' "$M" > "$d/shape.toml"
bad 1 "shape.toml" "model.weights" -- "$SS" "${INF[@]}" -m "$d/shape.toml"
bad 1 "shape.toml" "model.weights" -- "$SS" run -m "$d/shape.toml" --out "$o/rep"
pm huge.toml 's/^input = .*/input = [3, 2147483648, 32]/'
bad 1 "huge.toml" "model.input[1]" -- "$SS" "${SIM[@]}" -m "$d/huge.toml"
pm prod.toml 's/^dim = .*/dim = 65536/; s/^channels = .*/channels = [48, 96, 192, 65536]/'
bad 1 "prod.toml" "exceeds 2147483647" -- "$SS" "${SIM[@]}" -m "$d/prod.toml"
bad 1 "prod.toml" "exceeds 2147483647" -- "$SS" random-weights "$d/prod.toml" -o "$o/model.toml"

# ---- weights files (safetensors) ------------------------------------------------------------
wcase() {  # wcase NAME NEEDLE... -- st-arguments...
  local name=$1; shift; local needles=()
  while [ "$1" != "--" ]; do needles+=("$1"); shift; done; shift
  st "$W" "$d/$name.safetensors" "$@"; wm "$d/$name.safetensors" "$name.toml"
  bad 1 "$name.safetensors" "${needles[@]}" -- "$SS" "${INF[@]}" -m "$d/$name.toml"
}
wcase nan "blocks.0.ffn.experts.1.fc2.weight" "nan" -- set blocks.0.ffn.experts.1.fc2.weight 5 nan
wcase inf "sps.conv0.weight" "inf" -- set sps.conv0.weight 0 inf
wcase ninf "sps.conv1.bn.running_mean" "-inf" -- set sps.conv1.bn.running_mean 0 -inf
wcase big "blocks.0.attn.q.weight" "at most" -- set blocks.0.attn.q.weight 3 3e38
wcase var "sps.rpe.bn.running_var" "variance" -- set sps.rpe.bn.running_var 2 -1
wcase hb "head.bias" "missing" -- drop head.bias
wcase rb "blocks.0.ffn.router.bias" "missing" -- drop blocks.0.ffn.router.bias
wcase miss "blocks.0.attn.k.weight" "missing" -- drop blocks.0.attn.k.weight
wcase shape "blocks.0.attn.k.weight" "expected shape" -- edit blocks.0.attn.k.weight shape "[64, 32, 2]"
wcase fshape "head.weight" "shape" -- edit head.weight shape "[10.5, 64]"
wcase dtype "head.weight" "BF16" -- edit head.weight dtype '"BF16"'
wcase offs "head.weight" "data_offsets" -- edit head.weight data_offsets "[0, 4.5]"
wcase over "head.weight" "overlap" -- edit head.weight data_offsets "[0, 2560]"
wcase past "head.weight" "truncated" -- edit head.weight data_offsets "[999999999, 1000002559]"
wcase json "header" "JSON" -- raw "b'{\"a\": \xff\x1b[31m}'"
wcase arr "header" "JSON object" -- raw "b'[1, 2]'"
wcase bigdim "head.weight" "too large" -- edit head.weight shape "[4294967296, 4294967296, 4294967296]"
head -c 5 "$W" > "$d/short.safetensors"; wm "$d/short.safetensors" short.toml
bad 1 "short.safetensors" "header" -- "$SS" "${INF[@]}" -m "$d/short.toml"
head -c 60000 "$W" > "$d/cut.safetensors"; wm "$d/cut.safetensors" cut.toml
bad 1 "cut.safetensors" "truncated" -- "$SS" "${INF[@]}" -m "$d/cut.toml"
printf '\xff\xff\xff\xff\xff\xff\xff\x7f{}' > "$d/hlen.safetensors"; wm "$d/hlen.safetensors" hlen.toml
bad 1 "hlen.safetensors" "header length" -- "$SS" "${INF[@]}" -m "$d/hlen.toml"

# ---- spike dumps ----------------------------------------------------------------------------
"$SS" infer -m "$M" -n 2 --mode int -q --dump-spikes "$d/s.st" || echo "setup failed: dump"
"$SS" infer -m "$M" -n 2 --mode int -q --trace "$d/t.st" || echo "setup failed: trace"
dcase() {  # dcase NAME NEEDLE... -- st-arguments...
  local name=$1; shift; local needles=()
  while [ "$1" != "--" ]; do needles+=("$1"); shift; done; shift
  st "$d/s.st" "$d/$name.st" "$@"
  bad 1 "$name.st" "${needles[@]}" -- "$SS" "${SIM[@]}" -m "$M" --spikes "$d/$name.st"
}
dcase r7 "route.blocks.0" "expert 7" -- set route.blocks.0 5 7
dcase rneg "route.blocks.0" "expert -1" -- set route.blocks.0 0 -1
dcase rmin "route.blocks.0" "sample 0 token 20: expert -2147483648" -- set route.blocks.0 40 -2147483648
dcase s2 "spikes.sps.conv0" "0 or 1" -- set spikes.sps.conv0 7 255
dcase sdrop "spikes.blocks.0.attn.v" "missing" -- drop spikes.blocks.0.attn.v
dcase rdrop "route.blocks.0" "missing" -- drop route.blocks.0
dcase sdt "spikes.blocks.0.attn.q" "U8" -- edit spikes.blocks.0.attn.q dtype '"I8"'
dcase rdt "route.blocks.0" "U8" -- edit route.blocks.0 dtype '"U8"'
bad 1 "s.st" "spikes.blocks.0.ffn.fc1" -- "$SS" "${SIM[@]}" -m "$SRC/models/spikformer-fmnist.toml" --spikes "$d/s.st"
bad 1 "t.st" "spikes." -- "$SS" "${SIM[@]}" -m "$M" --spikes "$d/t.st"

# ---- traces ---------------------------------------------------------------------------------
tcase() {
  local name=$1; shift; local needles=()
  while [ "$1" != "--" ]; do needles+=("$1"); shift; done; shift
  st "$d/t.st" "$d/$name.st" "$@"
  bad 1 "$name.st" "${needles[@]}" -- "$SS" "${SIM[@]}" -m "$M" --mode analytical --trace "$d/$name.st"
}
tcase tnan "rate.blocks.0.attn.v" "nan" -- set rate.blocks.0.attn.v 1 nan
tcase trate "rate.sps.rpe" "[0, 1]" -- set rate.sps.rpe 0 1.5
tcase tneg "spikes.sps.conv1" "-1" -- set spikes.sps.conv1 0 -1
tcase tbig "spikes.sps.conv1" "expected 0 to" -- set spikes.sps.conv1 0 999999999999
tcase tsil "silent_rows.sps.rpe" "expected 0 to 98" -- set silent_rows.sps.rpe 0 99
tcase tact "token_active.sps.rpe" "expected 0 to 2" -- set token_active.sps.rpe 3 3
tcase tsops "sops_exec.blocks.0.attn.q" "-5" -- set sops_exec.blocks.0.attn.q 0 -5
tcase tus "expert_usage.blocks.0" "-5" -- set expert_usage.blocks.0 1 -5
tcase tus2 "expert_usage.blocks.0" "missing" -- drop expert_usage.blocks.0
tcase ts0 "metadata.samples" "expected 1" -- meta samples 0
tcase tsx "metadata.samples" "integer" -- meta samples many
tcase tsneg "metadata.samples" -- meta samples -3
tcase tlay "metadata.layers" -- meta layers ""
tcase tdrop "spikes.blocks.0.attn.k" "missing" -- drop spikes.blocks.0.attn.k
bad 1 "s.st" "metadata" -- "$SS" "${SIM[@]}" -m "$M" --mode analytical --trace "$d/s.st"
# head pruning (issue 17), trace format 2: heads_ran [4] of 2 samples is [1, 2, 1, 0];
# heads_spikes [4, 4] (Q, K, V, attention output of each head over the samples it ran) has K
# of head 1 at index 5 (720 of the K layer's 1380 spikes); heads_silent [3, 4]
"$SS" infer -m "$M" -n 2 --mode int -q --set model.attention.head_keep=0.5 --trace "$d/tp.st" || echo "setup failed: pruned trace"
pcase() {
  local name=$1; shift; local needles=()
  while [ "$1" != "--" ]; do needles+=("$1"); shift; done; shift
  st "$d/tp.st" "$d/$name.st" "$@"
  bad 1 "$name.st" "${needles[@]}" -- "$SS" "${SIM[@]}" -m "$M" --set model.attention.head_keep=0.5 --mode analytical --trace "$d/$name.st"
}
pcase hsneg "heads_spikes.blocks.0.attn" "head 1" "is -3, expected 0 to 6272" -- set heads_spikes.blocks.0.attn 1 -3
pcase hsbig "heads_spikes.blocks.0.attn" "head 0" "expected 0 to 3136" -- set heads_spikes.blocks.0.attn 0 5000
pcase hspr "heads_spikes.blocks.0.attn" "head 3" "expected 0 to 0" -- set heads_spikes.blocks.0.attn 3 1
pcase hssum "heads_spikes.blocks.0.attn" "sums to 1379" "1380" -- set heads_spikes.blocks.0.attn 5 719
pcase hsil "heads_silent.blocks.0.attn" "expected 0 to 32" -- set heads_silent.blocks.0.attn 1 33
pcase hsilneg "heads_silent.blocks.0.attn" "is -1" -- set heads_silent.blocks.0.attn 8 -1
pcase hrneg "heads_ran.blocks.0.attn" "-1" -- set heads_ran.blocks.0.attn 3 -1
pcase hrbig "heads_ran.blocks.0.attn" "expected 0 to 2" -- set heads_ran.blocks.0.attn 1 3
pcase hdrop "heads_spikes.blocks.0.attn" "missing" -- drop heads_spikes.blocks.0.attn
pcase hshape "heads_silent.blocks.0.attn" "expected shape [3, 4]" -- edit heads_silent.blocks.0.attn shape '[4, 3]'
pcase hfmt "metadata.format" "expected 1 or 2" -- meta format 3
st "$d/tp.st" "$d/hf.st" edit heads_spikes.blocks.0.attn dtype '"F64"'  # a NaN: F64 bytes
st "$d/hf.st" "$d/hnan.st" set heads_spikes.blocks.0.attn 2 nan
bad 1 "hnan.st" "heads_spikes.blocks.0.attn" "I64" -- "$SS" "${SIM[@]}" -m "$M" --set model.attention.head_keep=0.5 --mode analytical --trace "$d/hnan.st"
bad 1 "tp.st" "heads_ran.blocks.0.attn" "the model has 2" -- "$SS" "${SIM[@]}" -m "$M" --set model.attention.heads=2 --set model.attention.head_keep=0.5 --mode analytical --trace "$d/tp.st"
bad 1 "t.st" "token_active" -- "$SS" "${SIM[@]}" -m "$SRC/models/semm-fmnist.toml" --mode analytical --trace "$d/t.st"

# ---- architecture and technology files ------------------------------------------------------
sed 's/width = "256 bits"/width = "256 KHz"/' "$A" > "$d/arch1.toml"
bad 1 "arch1.toml" "buffers.weight.width" -- "$SS" "${SIM[@]}" -m "$P" --arch "$d/arch1.toml"
sed 's/^count = 4 .*/count = 0/' "$A" > "$d/arch2.toml"
bad 1 "arch2.toml" "count" -- "$SS" "${SIM[@]}" -m "$P" --arch "$d/arch2.toml"
sed 's/^impl = "st_systolic"/impl = "magic"/' "$A" > "$d/arch3.toml"
bad 1 "arch3.toml" "se_cores.impl" -- "$SS" "${SIM[@]}" -m "$P" --arch "$d/arch3.toml"
bad 1 "nope.toml" -- "$SS" "${SIM[@]}" -m "$P" --arch "$d/nope.toml"
sed 's/^fo4_delay = .*/fo4_delay = "14 pF"/' "$TECH" > "$d/tech1.toml"
bad 1 "tech1.toml" "logic.fo4_delay" -- "$SS" sim -m "$P" -n 1 -q --out "$o/out.json" --tech "$d/tech1.toml"
sed 's/^utilization = .*/utilization = 7/' "$TECH" > "$d/tech2.toml"
bad 1 "tech2.toml" "logic.utilization" -- "$SS" sim -m "$P" -n 1 -q --out "$o/out.json" --tech "$d/tech2.toml"
sed 's/^vdd = "0.9 V"/vdd = "-0.9 V"/' "$TECH" > "$d/tech3.toml"
bad 1 "tech3.toml" "vdd" -- "$SS" sim -m "$P" -n 1 -q --out "$o/out.json" --tech "$d/tech3.toml"
bad 1 "nope.toml" -- "$SS" sim -m "$P" -n 1 -q --out "$o/out.json" --tech "$d/nope.toml"
sed 's|^bitcell_area = .*|bitcell_area = "1e12 m^2"|' "$TECH" > "$d/tech4.toml"
bad 1 "tech4.toml" "sram.bitcell_area" "0.001 um^2 to 1000 um^2" -- "$SS" sim -m "$P" -n 1 -q --out "$o/out.json" --tech "$d/tech4.toml"
{ echo '"\u001b[2J" = 1'; cat "$TECH"; } > "$d/tech5.toml"
bad 1 "tech5.toml" '\x1b[2J' "unknown key" -- "$SS" sim -m "$P" -n 1 -q --out "$o/out.json" --tech "$d/tech5.toml"

# ---- report documents -----------------------------------------------------------------------
rcase() {  # rcase NAME PYTHON-STATEMENT NEEDLE...   (r is the fixture document)
  local name=$1 stmt=$2; shift 2
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); $stmt; json.dump(r, open(sys.argv[2], 'w'))" "$R" "$d/$name.json"
  bad 1 "$name.json" "$@" -- "$SS" report "$d/$name.json" --out "$o/rep"
}
rcase nx 'r["styles"][1]["thermal"][0]["nx"]=2**32; r["styles"][1]["thermal"][0]["celsius"]=[]' "styles[1].thermal[0].nx"
rcase ny 'r["styles"][0]["thermal"][0]["ny"]=-1' "styles[0].thermal[0].ny"
rcase cel 'r["styles"][0]["thermal"][0]["celsius"][3]="hot"' "styles[0].thermal[0].celsius[3]"
rcase m308 'r["styles"][2]["metrics"]["clock_mhz"]=1e308' "styles[2].metrics.clock_mhz"
rcase mneg 'r["styles"][1]["area_breakdown"][0]["area_mm2"]=-2' "styles[1].area_breakdown[0].area_mm2"
rcase schema 'r["schema"]="spikestack.report/9"' "schema"
rcase notitle 'del r["title"]' "title"
rcase samples 'r["inputs"]["samples"]=2**64' "inputs.samples"
rcase acc 'r["accuracy"]["int"]=90.1' "accuracy.int"
rcase rate 'r["layers"][1]["rate_per_step"][0]=-0.5' "layers[1].rate_per_step[0]"
rcase steps 'r["layers"][2]["rate_per_step"]=[0.1]' "layers[2].rate_per_step"
rcase nolayers 'r["layers"]=[]' "layers"
rcase dup 'r["styles"][1]["name"]=r["styles"][0]["name"]' "styles[1].name"
rcase tier 'r["styles"][0]["energy_breakdown"][0]["tier"]="middle"' "styles[0].energy_breakdown[0].tier"
rcase usage 'r["expert_usage"]["blocks.0"]=[2.0]' "expert_usage.blocks.0[0]"
rcase style0 'r["styles"]=[]' "styles"
printf '{"schema": ' > "$d/trunc.json"
bad 1 "trunc.json" "JSON" -- "$SS" report "$d/trunc.json" --out "$o/rep"
printf '[1,2]' > "$d/array.json"
bad 1 "array.json" "object" -- "$SS" report "$d/array.json" --out "$o/rep"
: > "$d/empty.json"
bad 1 "empty.json" "JSON" -- "$SS" report "$d/empty.json" --out "$o/rep"
bad 1 "nope.json" -- "$SS" report "$d/nope.json" --out "$o/rep"
mkdir -p "$d/mine/runs"; echo mine > "$d/mine/notes.txt"
bad 1 "mine" "'runs'" "not a regular file" -- "$SS" report "$R" --out "$d/mine"
bad 1 "mine" "'runs'" -- "$SS" run --out "$d/mine" -n 1000000

# ---- outputs that cannot be written ---------------------------------------------------------
bad 1 "$o/rep" "directory" -- "$SS" sim -m "$P" -n 1 -q --no-silicon --out "$o/rep"
bad 1 "$o/out.json/x.json" -- "$SS" sim -m "$P" -n 1 -q --no-silicon --out "$o/out.json/x.json"
bad 1 "$o/out.json" "not a directory" -- "$SS" run --out "$o/out.json"
bad 1 "$o/rep" "directory" -- "$SS" random-weights "$P" -o "$o/rep"
bad 1 "expected a .toml path" -- "$SS" random-weights "$P" -o "$o/model.safetensors"
mknod "$d/full" c 1 7 2>/dev/null || ln -s /dev/full "$d/full"
bad 1 "$d/full" "No space left" -- "$SS" sim -m "$P" -n 1 -q --no-silicon --out "$d/full"
bad 1 "$d/full" "No space left" -- "$SS" infer -m "$M" -n 2 -q --trace "$d/full"

# ---- training recipes and data sets ---------------------------------------------------------
if "$SS" --help | grep -q '^  train'; then
  tiny_recipe "$d/recipe.toml" bad-input
  # a variant of the recipe; a missing base recipe stops the suite (sed would write an empty
  # variant, which train reports as "missing table [train]" and the case counts as unclear)
  rc() { sed -e "$2" "$d/recipe.toml" > "$d/$1" && [ -s "$d/$1" ] || { echo "setup failed: $1"; exit 1; }; }
  TR=(train --limit 64 --threads 1 --out "$o/rep")
  rc r1.toml 's/^name = .*/name = "..\/..\/escaped"/'
  bad 1 "r1.toml" "model.name" -- "$SS" "${TR[@]}" --config "$d/r1.toml"
  rc r2.toml 's/^name = .*/name = ""/'
  bad 1 "r2.toml" "model.name" -- "$SS" "${TR[@]}" --config "$d/r2.toml"
  rc r3.toml 's/^batch_size = .*/batch_sise = 32/'
  bad 1 "r3.toml" "train.batch_sise" -- "$SS" "${TR[@]}" --config "$d/r3.toml"
  rc r4.toml 's/^epochs = .*/epochs = 0/'
  bad 1 "r4.toml" "train.epochs" -- "$SS" "${TR[@]}" --config "$d/r4.toml"
  rc r5.toml 's/^batch_size = .*/batch_size = 1/'
  bad 1 "r5.toml" "train.batch_size" -- "$SS" "${TR[@]}" --config "$d/r5.toml"
  rc r6.toml 's/^batch_size = .*/batch_size = 32\nlr = -1.0/'
  bad 1 "r6.toml" "train.lr" -- "$SS" "${TR[@]}" --config "$d/r6.toml"
  rc r7.toml 's/^batch_size = .*/batch_size = 32\nlr = nan/'
  bad 1 "r7.toml" "train.lr" -- "$SS" "${TR[@]}" --config "$d/r7.toml"
  rc r8.toml 's/^batch_size = .*/batch_size = 32\ndataset = "mnist"/'
  bad 1 "r8.toml" "train.dataset" "mnist" -- "$SS" "${TR[@]}" --config "$d/r8.toml"
  rc r9.toml 's/^batch_size = .*/batch_size = 32\ndata_root = "\/nonexistent\/fm"/'
  bad 1 "/nonexistent/fm" -- "$SS" "${TR[@]}" --config "$d/r9.toml"
  rc r10.toml 's/^input = .*/input = [3, 32, 32]/'
  bad 1 "r10.toml" "model expects" -- "$SS" "${TR[@]}" --config "$d/r10.toml"
  rc r11.toml 's/^batch_size = .*/batch_size = 32\nhflip = "no"/'
  bad 1 "r11.toml" "train.hflip" -- "$SS" "${TR[@]}" --config "$d/r11.toml"
  bad 2 "--limit" "got '-1'" -- "$SS" train --config "$d/recipe.toml" --limit -1 --out "$o/rep"
  bad 2 "--epochs" "from 1 to 100000" -- "$SS" train --config "$d/recipe.toml" --epochs 0 --out "$o/rep"
  bad 2 "--polish-epochs" "from 0 to 100000" -- "$SS" train --config "$d/recipe.toml" --polish-epochs -1 --out "$o/rep"
  bad 2 "--config" -- "$SS" train --config "$d/nope.toml" --out "$o/rep"
  bad 2 "--threads" -- "$SS" train --config "$d/recipe.toml" --threads 0 --out "$o/rep"
fi
bad 1 "cifar" -- "$SS" "${INF[@]}" --data cifar10 -m "$M"
bad 1 "/nonexistent/cifar" -- "$SS" "${INF[@]}" --data cifar10 --data-root /nonexistent/cifar -m "$M"
bad 1 "/nonexistent/fm" -- "$SS" "${INF[@]}" --data-root /nonexistent/fm -m "$M"
mkdir -p "$d/fm"; head -c 100 /dev/zero > "$d/fm/t10k-images-idx3-ubyte"
bad 1 "$d/fm" -- "$SS" "${INF[@]}" --data-root "$d/fm" -m "$M"

echo "bad inputs: tried $tried, clear $clear, crash $crash, silent $silent, unclear $unclear, damaged $damaged"
[ $clear -eq $tried ] && [ $damaged -eq 0 ]
