#!/usr/bin/env bash
# The SE core at configs/arch/paper.toml's sizes against the engine and the cycle simulator:
# the three shipped models, the first 2 Fashion-MNIST test images each (docs/rtl.md records
# the result). Builds in build-paper/ (tens of minutes on 2 cores: a 32 x 32 array).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup.sh
cmake -S . -B build-paper -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPIKESTACK_RTL_PAPER=ON >/dev/null
cmake --build build-paper -j "$(nproc)" --target rtl_se_core_paper
./build-paper/tests/rtl/rtl_se_core_paper "$@"
