#!/usr/bin/env bash
# Lints every RTL block: verilator --lint-only -Wall must print nothing, and yosys (plain
# Verilog-2005 reader) must infer no latch. Usage: scripts/rtl/lint.sh [hw-dir]. Exit 1 on failure.
set -euo pipefail
hw=${1:-"$(cd "$(dirname "$0")/../.." && pwd)/hw"}
command -v verilator >/dev/null || { echo "lint.sh: verilator not found (scripts/setup.sh installs it)"; exit 1; }
command -v yosys >/dev/null || { echo "lint.sh: yosys not found (scripts/setup.sh installs it)"; exit 1; }
shopt -s nullglob
files=("$hw"/*.v)
[ ${#files[@]} -gt 0 ] || { echo "lint.sh: no Verilog files in $hw"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
latches='t:$dlatch t:$adlatch t:$dlatchsr t:$sr'

# Verilator: each file holds one module named after it, linted as a top with its submodules
# found in hw/ (-y), in both configurations of the SRAM wrapper (behavioural and macro).
for f in "${files[@]}"; do
  top=$(basename "$f" .v)
  for defs in "" "-DSS_SRAM_MACRO"; do
    if ! verilator --lint-only -Wall --language 1364-2005 $defs -y "$hw" --top-module "$top" "$f" \
        >"$tmp/vl.log" 2>&1 || [ -s "$tmp/vl.log" ]; then
      echo "lint.sh: verilator -Wall ${defs:+($defs) }not clean: $f"
      cat "$tmp/vl.log"
      fail=1
    fi
  done
done

# yosys: every module of every file at its default parameters, in one run per configuration;
# on a failure, once per file to name the culprit.
ys_check() {  # <defs> <files...>
  local defs=$1; shift
  yosys -q -p "read_verilog $defs $*; hierarchy -check; proc; select -assert-none $latches" \
    >"$tmp/ys.log" 2>&1
}
for defs in "" "-DSS_SRAM_MACRO"; do
  if ! ys_check "$defs" "${files[@]}"; then
    for f in "${files[@]}"; do
      top=$(basename "$f" .v)
      if ! yosys -q -p "read_verilog $defs ${files[*]}; hierarchy -check -top $top; proc; select -assert-none $latches" \
          >"$tmp/ys1.log" 2>&1; then
        echo "lint.sh: yosys ${defs:+($defs) }failed or inferred a latch: $f"
        grep -iE "error|latch|assert|\\\$" "$tmp/ys1.log" | head -20
      fi
    done
    fail=1
  fi
done
[ $fail -eq 0 ] && echo "lint.sh: ${#files[@]} files clean (verilator -Wall, yosys: no latches)"
exit $fail
