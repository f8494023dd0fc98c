#!/usr/bin/env bash
# Quickstart command 2: installs, builds and runs the whole test suite, then the hardening
# checks (scripts/hardening.sh: a sanitizer build running the unit and command-line tests, and
# each fuzzer for 60 s; docs/hardening.md). SPIKESTACK_HARDENING=0 skips the hardening checks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
if [ "${SPIKESTACK_HARDENING:-1}" = 1 ]; then
  bash scripts/hardening.sh
fi
