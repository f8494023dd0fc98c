"""Shared fixtures: the module under test (from PYTHONPATH, set by ctest to <build>/python), the
command-line binary of the same build (SPIKESTACK_BIN) and the source tree (SPIKESTACK_SOURCE)."""
import os
import subprocess
import sys

import pytest

SOURCE = os.environ.get("SPIKESTACK_SOURCE", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BIN = os.environ.get("SPIKESTACK_BIN", os.path.join(SOURCE, "build", "spikestack"))
sys.path.insert(0, os.path.dirname(__file__))


def source(*parts):
    return os.path.join(SOURCE, *parts)


def cli(*args, check=True, cwd=None):
    """Runs the spikestack binary; returns the CompletedProcess (text)."""
    r = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, cwd=cwd, stdin=subprocess.DEVNULL)
    if check and r.returncode != 0:
        raise AssertionError("spikestack %s failed (%d): %s" % (" ".join(map(str, args)), r.returncode, r.stderr))
    return r


@pytest.fixture(scope="session")
def ss():
    import spikestack
    return spikestack
