#!/usr/bin/env bash
# The SE core at configs/arch/paper.toml's sizes against the engine and the cycle simulator:
# the three shipped models, the first 2 Fashion-MNIST test images each (SS_RTL_IMAGES=n
# overrides; docs/rtl.md records the result). Adds the target to $SS_BUILD (default build/;
# verilating and compiling a 32 x 32 array takes about 25 minutes), $SS_JOBS compile jobs.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${SS_BUILD:-build}
bash scripts/setup.sh
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPIKESTACK_RTL_PAPER=ON >/dev/null
cmake --build "$build" -j "${SS_JOBS:-$(nproc)}" --target rtl_se_core_paper
ulimit -s unlimited  # the 32 x 32 model keeps wide signals on the stack
"./$build/tests/rtl/rtl_se_core_paper" "$@"
