# Helpers for command-line tests: `expect_fail NEEDLE... -- CMD...` runs CMD, which must exit
# non-zero with exactly one stderr line containing every NEEDLE.
set -u
fails=0
passes=0
expect_fail() {
  local needles=()
  while [ "$1" != "--" ]; do needles+=("$1"); shift; done
  shift
  local err rc
  err=$("$@" 2>&1 >/dev/null); rc=$?
  local lines
  lines=$(printf '%s' "$err" | grep -c '')
  if [ $rc -eq 0 ]; then echo "FAIL (exit 0): $*"; fails=$((fails+1)); return; fi
  if [ "$lines" -ne 1 ]; then echo "FAIL ($lines stderr lines): $*"; printf '%s\n' "$err"; fails=$((fails+1)); return; fi
  for n in "${needles[@]}"; do
    case "$err" in *"$n"*) ;; *) echo "FAIL (missing '$n'): $err"; fails=$((fails+1)); return;; esac
  done
  passes=$((passes+1))
}
expect_ok() {
  if "$@" >/dev/null 2>&1; then passes=$((passes+1)); else echo "FAIL (exit $?): $*"; fails=$((fails+1)); fi
}
finish() {
  echo "$passes passed, $fails failed"
  [ $fails -eq 0 ]
}
# `expect_code CODE NEEDLE... -- CMD...`: like expect_fail, and the exit code must be CODE.
expect_code() {
  local code=$1; shift
  local needles=()
  while [ "$1" != "--" ]; do needles+=("$1"); shift; done
  shift
  local err rc lines
  err=$("$@" 2>&1 >/dev/null); rc=$?
  lines=$(printf '%s' "$err" | grep -c '')
  if [ $rc -ne "$code" ]; then echo "FAIL (exit $rc, expected $code): $*"; printf '%s\n' "$err" | head -3; fails=$((fails+1)); return; fi
  if [ "$lines" -ne 1 ]; then echo "FAIL ($lines stderr lines): $*"; printf '%s\n' "$err" | head -5; fails=$((fails+1)); return; fi
  for n in "${needles[@]}"; do
    case "$err" in *"$n"*) ;; *) echo "FAIL (missing '$n'): $err"; fails=$((fails+1)); return;; esac
  done
  passes=$((passes+1))
}
# `tiny_model NAME INPUT CLASSES`: prints the [model], [tokenizer] and [attention] tables of the
# smallest recipe the command-line tests train (one block, D = 16, T = 2, two heads).
tiny_model() {
  cat <<T
[model]
name = "$1"
input = $2
classes = $3
timesteps = 2
dim = 16
blocks = 1
[tokenizer]
channels = [8, 16]
pool = [true, true]
[attention]
type = "ssa"
heads = 2
T
}

# `tiny_recipe FILE [NAME]`: that model on Fashion-MNIST with an MLP, one epoch of batches of
# 32; model name NAME.
tiny_recipe() {
  {
    tiny_model "${2:-tiny}" "[1, 28, 28]" 10
    printf '[ffn]\ntype = "mlp"\nhidden = 16\n[train]\nepochs = 1\nbatch_size = 32\n'
  } > "$1"
}
