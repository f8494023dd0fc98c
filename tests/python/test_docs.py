"""The Python examples of README.md, docs/python.md and docs/formats.md run as written: every
```python block, and every `python3 -c "..."` line of a shell block (from the source tree, with
this build's module on the path)."""
import re
import subprocess
import sys

import pytest

from conftest import SOURCE, cli, source

DOCS = ["README.md", "docs/python.md", "docs/formats.md", "docs/import.md"]


def blocks(doc):
    text = open(source(doc)).read()
    for lang, body in re.findall(r"```(\w*)\n(.*?)```", text, re.S):
        if lang == "python":
            yield body
        elif lang in ("sh", "bash", ""):
            for cmd in re.findall(r"python3 -c \"(.*?)\"\s*$", body, re.M | re.S):
                yield cmd


EXAMPLES = [(doc, i, code) for doc in DOCS for i, code in enumerate(blocks(doc))]


def test_there_are_examples():
    docs = {d for d, _, _ in EXAMPLES}
    assert {"README.md", "docs/python.md", "docs/formats.md"} <= docs


@pytest.mark.parametrize("doc,index,code", EXAMPLES, ids=["%s#%d" % (d, i) for d, i, _ in EXAMPLES])
def test_example_runs(doc, index, code, tmp_path):
    cwd = SOURCE
    if "spikes.safetensors" in code:  # the dump reader of docs/formats.md: give it a dump
        cwd = str(tmp_path)
        cli("infer", "-m", source("models", "moe-fmnist.toml"), "-n", 3, "--dump-spikes", tmp_path / "spikes.safetensors", "-q")
    r = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=300)
    assert r.returncode == 0, "%s example %d failed:\n%s\n%s" % (doc, index, code, r.stderr)
