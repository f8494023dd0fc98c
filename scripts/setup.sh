#!/usr/bin/env bash
# Installs the Debian packages spikestack needs (idempotent; needs root or sudo).
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config zlib1g-dev
      libgtest-dev libgmock-dev libbenchmark-dev
      nlohmann-json3-dev libcli11-dev libfmt-dev libtomlplusplus-dev
      libtorch-dev python3-torch python3-numpy pybind11-dev python3-dev python3-pytest
      dataset-fashion-mnist
      qflow-tech-osu018
      verilator yosys qflow graywolf qrouter opensta
      libsqlite3-dev libpagmo-dev libopenmpi-dev openmpi-bin  # spikestack explore (docs/explore.md)
      chromium chromium-driver fonts-dejavu-core
      clang-14 libclang-rt-14-dev)  # the fuzzers (libFuzzer, docs/hardening.md)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
