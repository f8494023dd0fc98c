#!/usr/bin/env bash
# The shipped models' cards state the engine's accuracy on the first 1000 test images in both
# numerics (written by scripts/model_card.py); `spikestack infer` on the shipped files must
# reproduce them exactly. (The full-test-set numbers are in the same section, with the command.)
SS=$1; SRC=$2
. "$SRC/tests/cli/lib.sh"
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
for card in "$SRC"/models/*-fmnist*.md; do
  name=$(basename "$card" .md)
  line=$(grep 'CI subset (`-n 1000`' "$card")
  if [ -z "$line" ]; then echo "FAIL: $card has no CI subset line"; fails=$((fails+1)); continue; fi
  for mode in float int; do
    want=$(printf '%s' "$line" | grep -o "$mode [0-9]*/1000" | grep -o '[0-9]*/' | tr -d /)
    "$SS" infer -m "$SRC/models/$name.toml" -n 1000 --mode $mode -q --json "$d/$name-$mode.json"
    got=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['correct'])" "$d/$name-$mode.json")
    if [ -n "$want" ] && [ "$got" = "$want" ]; then passes=$((passes+1)); else echo "FAIL: $name $mode: card $want, engine $got"; fails=$((fails+1)); fi
  done
done
finish
