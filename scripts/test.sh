#!/usr/bin/env bash
# Quickstart command 2: installs, builds and runs the whole test suite. With
# SPIKESTACK_HARDENING=1 it then runs the hardening checks (scripts/hardening.sh: a sanitizer
# build running the unit and command-line tests, and each fuzzer for 60 s; docs/hardening.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
if [ "${SPIKESTACK_HARDENING:-0}" = 1 ]; then
  bash scripts/hardening.sh
fi
