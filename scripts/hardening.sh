#!/usr/bin/env bash
# The hardening checks (docs/hardening.md), run by scripts/test.sh after the normal suite:
#   1. build-asan: the readers, engine, simulator, physical model, report and the command line
#      built with -fsanitize=address,undefined (no LibTorch trainer); their unit tests and the
#      command-line tests run there, and any sanitizer report fails the test that made it;
#   2. build-fuzz: every libFuzzer target (clang) for SPIKESTACK_FUZZ_SECONDS (default 60) on
#      its seed corpus in fuzz/corpus/<target>/ (new inputs go to a temporary directory), with
#      the random seed SPIKESTACK_FUZZ_SEED (default 1) and at most SPIKESTACK_FUZZ_RUNS inputs
#      (default 500000), so that a CI run can be repeated; SPIKESTACK_FUZZ_SEED=0 (libFuzzer
#      picks) and SPIKESTACK_FUZZ_RUNS=-1 (no cap) for longer runs.
# SPIKESTACK_SKIP_SANITIZE=1 or SPIKESTACK_SKIP_FUZZ=1 skip one part.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

if [ "${SPIKESTACK_SKIP_SANITIZE:-0}" != 1 ]; then
  start=$(date +%s)
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPIKESTACK_SANITIZE=ON "${launcher[@]}" >/dev/null
  cmake --build build-asan -j "$jobs" --target spikestack test_common test_data test_engine test_arch \
    test_sim test_tech test_phys test_report
  # halt_on_error: UBSan already aborts (-fno-sanitize-recover=all); this keeps it so if a
  # flag is lost. detect_leaks: a leak fails the test too.
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  ctest --test-dir build-asan --output-on-failure -j "$jobs" \
    -L '^(common|data|engine|arch|sim|tech|phys|report|cli)$'
  echo "hardening: sanitizer build and tests took $(( $(date +%s) - start )) s"
fi

if [ "${SPIKESTACK_SKIP_FUZZ:-0}" != 1 ]; then
  start=$(date +%s)
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-14 \
    -DSPIKESTACK_FUZZ=ON "${launcher[@]}" >/dev/null
  cmake --build build-fuzz -j "$jobs" --target fuzzers
  seconds=${SPIKESTACK_FUZZ_SECONDS:-60} seed=${SPIKESTACK_FUZZ_SEED:-1} runs=${SPIKESTACK_FUZZ_RUNS:-500000}
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  for f in fuzz/corpus/*/; do
    t=$(basename "$f")
    mkdir -p "$work/$t"
    # -timeout: one input taking 10 s is a hang; -rss_limit_mb: an input may not make the
    # reader allocate more than 2 GiB (readers check sizes against memory before allocating)
    if ! build-fuzz/fuzz/fuzz_"$t" -max_total_time="$seconds" -seed="$seed" -runs="$runs" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$work/$t-" -print_final_stats=1 "$work/$t" "$f" >"$work/$t.log" 2>&1; then
      tail -40 "$work/$t.log"
      echo "hardening: fuzz_$t found a problem; the input is $(ls "$work/$t"-* 2>/dev/null | head -1)"
      cp "$work/$t"-* . 2>/dev/null || true
      exit 1
    fi
    echo "hardening: fuzz_$t $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t.log" | grep -o '[0-9]*$') runs (at most $runs in ${seconds} s), no finding"
  done
  echo "hardening: fuzzers took $(( $(date +%s) - start )) s"
fi
