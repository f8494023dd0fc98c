#!/usr/bin/env bash
# Exploration throughput (BENCHMARKS.md, "Exploration"): CPU time per design point (analytical
# activity of the paper MoE model + the physical model in all four styles) on one core, for
# each thermal mode; the axis is the bond pitch (the activity is reused) or the head-keep ratio
# (a new activity every design). Marginal cost: (CPU of N_BIG designs - CPU of N_SMALL) / (N_BIG - N_SMALL),
# so start-up (LibTorch, model loading) and the four floorplans of the one shared geometry
# cancel; median of RUNS runs. Usage: bench/explore_bench.sh [spikestack] (RUNS=3 by default)
set -eu
SS=$(realpath "${1:-build/spikestack}"); RUNS=${RUNS:-3}
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
cpu() {  # user + sys seconds of one study of $1 designs with thermal $2 (axis $3: pitch or keep)
  rm -f "$d"/s.db*
  if [ "${3:-pitch}" = keep ]; then  # a new analytical activity (and workload) every design
    ax=(--axis mapping.head_keep=0.01..1:lin:"$1" --set mapping.head_pruning=true)
  else                               # the technology only: the activity is reused
    ax=(--axis tech.bond.pitch=2um..10um:lin:"$1" --set tech.bond.pad_diameter=0.5um)
  fi
  /usr/bin/time -f "%U %S" -o "$d/t" "$SS" explore "${ax[@]}" --thermal "$2" -j 1 -q \
    --store "$d/s.db" >/dev/null
  awk '{print $1 + $2}' "$d/t"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for run in off:pitch off:keep coarse:pitch full:pitch; do
  mode=${run%%:*}; axis=${run#*:}
  case $run in full:*) small=20; big=120;; off:pitch) small=100; big=10100;; *) small=100; big=3100;; esac
  per=$(for _ in $(seq "$RUNS"); do
    a=$(cpu $small $mode $axis); b=$(cpu $big $mode $axis)
    awk -v a="$a" -v b="$b" -v n=$((big - small)) 'BEGIN {printf "%.4f\n", (b - a) / n * 1000}'
  done | median)
  awk -v p="$per" -v m=$mode -v x=$axis 'BEGIN {printf "thermal %-6s axis %-5s %7.3f ms CPU per design (4 styles)  = %6.0f designs/s per core\n", m, x, p, 1000 / p}'
done
# the geometry-bound case: every design a new floorplan (4 styles each)
rm -f "$d"/g.db*
/usr/bin/time -f "%U %S" -o "$d/t" "$SS" explore --axis buffers.weight.size=512KiB..1536KiB:+64KiB \
  --thermal off -j 1 -q --store "$d/g.db" >/dev/null
awk '{printf "new geometry every design: %.3f s CPU per design (17 designs, incl. start-up)\n", ($1 + $2) / 17}' "$d/t"
