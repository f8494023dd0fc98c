// Entry point of ss_bench; the benchmark files register themselves.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
