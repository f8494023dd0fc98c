#!/usr/bin/env bash
# Quickstart command 1: installs, builds and runs the main job on the shipped default.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec build/spikestack run "$@"
