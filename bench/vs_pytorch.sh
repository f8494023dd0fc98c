#!/usr/bin/env bash
# Engine vs PyTorch on the same model and the same images, in one run.
#
#   bench/vs_pytorch.sh [MODEL.toml] [N_IMAGES]
#
# MODEL defaults to models/spikformer-fmnist.toml when it exists, else a random-weights model of
# the Fashion-MNIST benchmark shape (28x28, D=128, 2 blocks, T=4, SSA + MLP) generated in the
# output directory. N_IMAGES (default 500) are the first test images of Fashion-MNIST.
#
# For 1 thread (both pinned to CPU 0 with taskset) and 2 threads (CPUs 0,1), ROUNDS rounds each
# run: the engine (`spikestack infer -j THREADS`, float mode, plus int mode for information)
# and PyTorch (`bench/pytorch_model.py bench`, torch.set_num_threads(THREADS)) over every batch
# size and Linear implementation. Rounds interleave the systems so that load drift on the
# machine hits all of them alike; each figure is the median over the rounds. Before that, the
# engine's and PyTorch's spikes are compared layer by layer on the first images.
#
# Environment: BUILD_DIR (default build/vs-pytorch), JOBS (build parallelism, default 2),
# ROUNDS (default 3), BATCHES (default 1,8,32,128,512), PT_LINEAR (PyTorch Linear implementations
# swept on 1 thread, default mkldnn,conv1x1,linear), PT_LINEAR_MT (the same for more threads,
# default mkldnn: the fastest on 1 thread; F.linear goes to Debian's single-threaded reference
# BLAS), PT_OMP_MT (OMP_WAIT_POLICY values swept for more threads, default "ACTIVE PASSIVE":
# spinning OpenMP workers collapse when other processes share the cores),
# THREADS (default "1 2"), CHECK_N (images of the spike cross-check, default 64),
# OUT_DIR (default a new temp dir), PYTHON (default /usr/bin/python3, which has Debian's torch).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/vs-pytorch}
JOBS=${JOBS:-2}
ROUNDS=${ROUNDS:-3}
BATCHES=${BATCHES:-1,8,32,128,512}
PT_LINEAR=${PT_LINEAR:-mkldnn,conv1x1,linear}
PT_LINEAR_MT=${PT_LINEAR_MT:-mkldnn}
PT_OMP_MT=${PT_OMP_MT:-ACTIVE PASSIVE}
THREADS=${THREADS:-1 2}
CHECK_N=${CHECK_N:-64}
PYTHON=${PYTHON:-/usr/bin/python3}
OUT_DIR=${OUT_DIR:-$(mktemp -d /tmp/vs_pytorch.XXXXXX)}
mkdir -p "$OUT_DIR"

MODEL=${1:-}
N=${2:-500}

if ! "$PYTHON" -c 'import torch, numpy' 2>/dev/null; then
  echo "vs_pytorch: $PYTHON cannot import torch and numpy (install Debian's python3-torch)" >&2
  exit 1
fi

# 1. build (incremental; no LibTorch needed for the engine)
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPIKESTACK_WITH_TORCH=OFF >/dev/null
fi
ninja -C "$BUILD_DIR" -j "$JOBS" spikestack >/dev/null
SS="$BUILD_DIR/spikestack"

# 2. model
if [[ -z "$MODEL" ]]; then
  if [[ -f "$ROOT/models/spikformer-fmnist.toml" ]]; then
    MODEL="$ROOT/models/spikformer-fmnist.toml"
  else
    cat >"$OUT_DIR/shape.toml" <<'EOF'
[model]
name = "spikformer-fmnist-random"
input = [1, 28, 28]
classes = 10
timesteps = 4
dim = 128
blocks = 2

[tokenizer]
channels = [32, 128]
pool = [true, true]

[attention]
type = "ssa"
heads = 8

[ffn]
type = "mlp"
hidden = 512
EOF
    "$SS" random-weights "$OUT_DIR/shape.toml" -o "$OUT_DIR/random-fmnist.toml" --seed 1 >/dev/null
    MODEL="$OUT_DIR/random-fmnist.toml"
    echo "vs_pytorch: models/spikformer-fmnist.toml not found; using random weights ($MODEL)"
  fi
fi
[[ -f "$MODEL" ]] || { echo "vs_pytorch: model file '$MODEL' not found" >&2; exit 1; }

NCPU=$(nproc)
cpus_for() { if (( $1 <= NCPU )); then seq -s, 0 $(($1 - 1)); else seq -s, 0 $((NCPU - 1)); fi; }

echo "model     $MODEL"
echo "images    first $N of the Fashion-MNIST test set"
echo "machine   $(lscpu | sed -n 's/^Model name: *//p'), $NCPU CPUs; torch $("$PYTHON" -c 'import torch; print(torch.__version__)')"
echo "results   $OUT_DIR"

# 3. spike cross-check on the first CHECK_N images (same images, same semantics)
if (( CHECK_N > 0 )); then
  "$SS" infer -m "$MODEL" -n "$CHECK_N" -j 1 -q --dump-spikes "$OUT_DIR/engine_spikes.safetensors"
  "$PYTHON" "$ROOT/bench/pytorch_model.py" compare -m "$MODEL" \
    --engine-dump "$OUT_DIR/engine_spikes.safetensors" --json "$OUT_DIR/compare.json"
  rm -f "$OUT_DIR/engine_spikes.safetensors"
fi

# 4. throughput, interleaved rounds
cut -d' ' -f1-3 /proc/loadavg >"$OUT_DIR/load.txt"
for th in $THREADS; do
  cpus=$(cpus_for "$th")
  if (( th == 1 )); then lin=$PT_LINEAR; else lin=$PT_LINEAR_MT; fi
  for r in $(seq 1 "$ROUNDS"); do
    for mode in float int; do
      taskset -c "$cpus" "$SS" infer -m "$MODEL" -n "$N" -j "$th" -q --mode "$mode" \
        --json "$OUT_DIR/engine_${mode}_t${th}_r${r}.json"
    done
    echo "threads $th round $r/$ROUNDS: engine float $("$PYTHON" -c "import json,sys; print(round(json.load(open(sys.argv[1]))['images_per_second'], 1))" "$OUT_DIR/engine_float_t${th}_r${r}.json") images/s; PyTorch sweep ..."
    if (( th == 1 )); then
      taskset -c "$cpus" "$PYTHON" "$ROOT/bench/pytorch_model.py" bench -m "$MODEL" -n "$N" \
        --threads "$th" --batch-sizes "$BATCHES" --linear "$lin" --repeats 1 \
        --json "$OUT_DIR/pytorch_t${th}_r${r}.json"
    else
      for omp in $PT_OMP_MT; do
        OMP_WAIT_POLICY=$omp taskset -c "$cpus" "$PYTHON" "$ROOT/bench/pytorch_model.py" bench \
          -m "$MODEL" -n "$N" --threads "$th" --batch-sizes "$BATCHES" --linear "$lin" \
          --repeats 1 --json "$OUT_DIR/pytorch_t${th}_r${r}_omp-${omp}.json"
      done
    fi
  done
done

cut -d' ' -f1-3 /proc/loadavg >>"$OUT_DIR/load.txt"

# 5. table and ratio
echo
"$PYTHON" "$ROOT/bench/vs_pytorch_report.py" "$OUT_DIR"
