#!/usr/bin/python3
"""PyTorch reference of spikestack's float-mode semantics (docs/formats.md section 3).

The same model file (TOML) and weights (safetensors) the engine reads, run the way a PyTorch
user would: batched float32 tensors shaped [T, B, ...], torch.nn.functional conv2d / linear /
max_pool2d / matmul, eval-only (torch.no_grad / inference_mode), multi-step LIF as a Python loop
over T. BatchNorm is folded into the preceding weight and bias at load time, in float64 and
rounded once to float32 (the engine does the same, so the two see identical float32 weights).
Token-wise Linear layers run as F.linear, as torch.utils.mkldnn modules or as 1x1 convs
(`--linear`): Debian's build sends F.linear to the netlib reference BLAS, ~10x slower than
oneDNN, so the benchmark sweeps the implementation along with the batch size.

Used by bench/vs_pytorch.sh; needs Debian's python3-torch, so run it with /usr/bin/python3:

  /usr/bin/python3 bench/pytorch_model.py bench  -m MODEL.toml -n 1000 --threads 1 \\
      --batch-sizes 1,8,32,128,512 --repeats 3 --json out.json
  /usr/bin/python3 bench/pytorch_model.py dump   -m MODEL.toml -n 16 -o torch_spikes.safetensors
  /usr/bin/python3 bench/pytorch_model.py compare -m MODEL.toml --engine-dump engine.safetensors

`compare` runs the PyTorch model on the images of an engine spike dump (`spikestack infer
--dump-spikes`, first N test images) and reports, per layer, the fraction of identical spikes,
plus the agreement of the predictions (the engine's are recomputed from its dumped spikes).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import struct
import sys
import time
import tomllib

import numpy as np
import torch
import torch.nn.functional as F

# --------------------------------------------------------------------------------------------
# files


_ST_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16,
    "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8,
    "U64": np.uint64, "U32": np.uint32, "U16": np.uint16, "U8": np.uint8, "BOOL": np.bool_,
}


def load_safetensors(path: str) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Tensors and metadata of a safetensors file (8-byte LE header length, JSON, raw data)."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: too short for a safetensors header")
    (hlen,) = struct.unpack("<Q", raw[:8])
    if hlen > len(raw) - 8:
        raise ValueError(f"{path}: header length {hlen} exceeds the file (truncated?)")
    header = json.loads(raw[8:8 + hlen])
    base = 8 + hlen
    meta = header.pop("__metadata__", {}) or {}
    out = {}
    for name, d in header.items():
        dt = _ST_DTYPES.get(d["dtype"])
        if dt is None:
            raise ValueError(f"{path}: {name}: unsupported dtype {d['dtype']}")
        lo, hi = d["data_offsets"]
        if base + hi > len(raw):
            raise ValueError(f"{path}: {name}: data past the end of the file (truncated?)")
        a = np.frombuffer(raw, dtype=np.dtype(dt).newbyteorder("<"), count=(hi - lo) // np.dtype(dt).itemsize,
                          offset=base + lo)
        out[name] = a.reshape(d["shape"]).astype(np.dtype(dt).newbyteorder("="), copy=True)
    return out, meta


def save_safetensors(path: str, tensors: dict[str, np.ndarray], meta: dict[str, str]) -> None:
    names = {np.dtype(np.uint8): "U8", np.dtype(np.int32): "I32", np.dtype(np.float32): "F32",
             np.dtype(np.float64): "F64", np.dtype(np.int64): "I64"}
    header, blobs, off = {}, [], 0
    for k, a in tensors.items():
        a = np.ascontiguousarray(a)
        b = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[k] = {"dtype": names[a.dtype], "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    if meta:
        header["__metadata__"] = meta
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def load_spec(path: str) -> dict:
    """The model file with the defaults of docs/formats.md filled in."""
    with open(path, "rb") as f:
        t = tomllib.load(f)
    m = t["model"]
    n = t.get("neuron", {})
    tok = t["tokenizer"]
    spec = {
        "name": m.get("name", ""),
        "weights": m.get("weights", ""),
        "input": list(m["input"]),
        "classes": int(m["classes"]),
        "T": int(m["timesteps"]),
        "dim": int(m["dim"]),
        "blocks": int(m["blocks"]),
        "bn_eps": float(m.get("bn_eps", 1e-5)),
        "tau": float(n.get("tau", 2.0)),
        "threshold": float(n.get("threshold", 1.0)),
        "attn_threshold": float(n.get("attn_threshold", 0.5)),
        "attn_scale": float(n.get("attn_scale", 0.125)),
        "channels": [int(c) for c in tok["channels"]],
        "pool": [bool(p) for p in tok["pool"]],
        "rpe": bool(tok.get("rpe", True)),
        "attention": dict(t["attention"]),
        "ffn": dict(t["ffn"]),
    }
    if not spec["weights"]:
        raise ValueError(f"{path}: model.weights: this model file has no weights (shape-only)")
    if not os.path.isabs(spec["weights"]):
        spec["weights"] = os.path.join(os.path.dirname(os.path.abspath(path)), spec["weights"])
    if spec["channels"][-1] != spec["dim"] or len(spec["pool"]) != len(spec["channels"]):
        raise ValueError(f"{path}: tokenizer: channels/pool do not match model.dim")
    return spec


def _idx(path: str) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, = struct.unpack(">I", raw[:4])
    nd = magic & 0xFF
    dims = struct.unpack(">" + "I" * nd, raw[4:4 + 4 * nd])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def load_fashion_mnist(root: str, split: str = "test", limit: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images [N, 1, 28, 28] and labels [N] from the gzip IDX files."""
    pre = "t10k" if split == "test" else "train"
    x = _idx(os.path.join(root, f"{pre}-images-idx3-ubyte.gz"))
    y = _idx(os.path.join(root, f"{pre}-labels-idx1-ubyte.gz"))
    if limit:
        x, y = x[:limit], y[:limit]
    return np.array(x[:, None], copy=True), y.astype(np.int64)


# --------------------------------------------------------------------------------------------
# model


def lif(x: torch.Tensor, th: float, tau: float) -> torch.Tensor:
    """Multi-step LIF over dim 0: H = V + (X - V) / tau; S = H >= th; V = S ? 0 : H."""
    # in-place float ops: about 2-3x faster than `s = h >= th; v = h.masked_fill(s, 0)`
    # (a reset to -0.0 instead of 0.0 changes no later value or spike)
    out = torch.empty(x.shape, dtype=x.dtype)
    v = torch.zeros(x.shape[1:], dtype=x.dtype)
    for t in range(x.shape[0]):
        h = (x[t] - v).div_(tau).add_(v)
        s = out[t]
        torch.ge(h, th, out=s)
        v = h.mul_(1.0 - s)
    return out


class SpikingTransformer:
    """Eval-only float32 model; __call__(uint8 images [B, C, H, W]) -> logits [B, classes].

    `record`, when a dict, receives every spiking layer's output as uint8
    [B, T, tokens, channels] under the engine's layer names (docs/formats.md section 5).
    `linear` selects how token-wise Linear layers run: "linear" (F.linear, i.e. the BLAS the
    Debian build links: reference netlib BLAS), "mkldnn" (torch.utils.mkldnn.to_mkldnn of an
    nn.Linear: oneDNN inner product) or "conv1x1" (F.conv2d with a 1x1 kernel: oneDNN conv).
    """

    def __init__(self, spec: dict, tensors: dict[str, np.ndarray], linear: str = "linear"):
        self.s = spec
        self.w = tensors
        self.linear_mode = linear
        self.eps = spec["bn_eps"]
        self.p: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
        cin = spec["input"][0]
        for i, c in enumerate(spec["channels"]):
            self._unit(f"sps.conv{i}", (c, cin, 3, 3))
            cin = c
        D = spec["dim"]
        if spec["rpe"]:
            self._unit("sps.rpe", (D, D, 3, 3))
        at, ff = spec["attention"], spec["ffn"]
        for b in range(spec["blocks"]):
            a, f = f"blocks.{b}.attn", f"blocks.{b}.ffn"
            if at["type"] == "ssa":
                for n in ("q", "k", "v", "proj"):
                    self._unit(f"{a}.{n}", (D, D))
            elif at["type"] == "emsa":
                E, de = int(at["experts"]), int(at["expert_dim"])
                self._unit(f"{a}.router", (E, D))
                for i in range(E):
                    self._unit(f"{a}.q{i}", (de, D))
                self._unit(f"{a}.k", (de, D))
                self._unit(f"{a}.v", (de, D))
                self._unit(f"{a}.proj", (D, de))
            else:
                raise ValueError(f"attention.type {at['type']!r}")
            if ff["type"] == "mlp":
                H = int(ff["hidden"])
                self._unit(f"{f}.fc1", (H, D))
                self._unit(f"{f}.fc2", (D, H))
            elif ff["type"] == "emsp":
                H = int(ff["hidden"])
                self._unit(f"{f}.fc1", (H, D))
                self._unit(f"{f}.gate", (H // 2, 1, 3, 3))
                self._unit(f"{f}.fc2", (D, H // 2))
            elif ff["type"] == "moe":
                E, Dh = int(ff["experts"]), int(ff["expert_hidden"])
                self._unit(f"{f}.router", (E, D), bn=False)
                for e in range(E):
                    self._unit(f"{f}.experts.{e}.fc1", (Dh, D))
                    self._unit(f"{f}.experts.{e}.fc2", (D, Dh))
            else:
                raise ValueError(f"ffn.type {ff['type']!r}")
        self._unit("head", (spec["classes"], D), bn=False)
        lin = {k: v for k, v in self.p.items() if v[0].dim() == 2}
        # 1x1-conv views of the Linear weights (same numbers, oneDNN convolution)
        self.p1 = {k: (w.view(*w.shape, 1, 1), b) for k, (w, b) in lin.items()}
        # torch.utils.mkldnn inference modules (oneDNN inner product, weights converted once)
        self.pm = {}
        if linear == "mkldnn":
            from torch.utils import mkldnn as mkldnn_utils
            for k, (w, b) in lin.items():
                m = torch.nn.Linear(w.shape[1], w.shape[0])
                with torch.no_grad():
                    m.weight.copy_(w)
                    m.bias.copy_(b)
                self.pm[k] = mkldnn_utils.to_mkldnn(m.eval())
        h, w = spec["input"][1], spec["input"][2]
        for p in spec["pool"]:
            if p:
                h, w = (h - 1) // 2 + 1, (w - 1) // 2 + 1
        self.grid = (h, w)

    def _get(self, name: str, shape) -> np.ndarray:
        if name not in self.w:
            raise ValueError(f"{self.s['weights']}: missing tensor {name}")
        a = self.w[name]
        if tuple(a.shape) != tuple(shape):
            raise ValueError(f"{self.s['weights']}: {name}: shape {list(a.shape)}, expected {list(shape)}")
        return a.astype(np.float64)

    def _unit(self, p: str, wshape, bn: bool = True) -> None:
        """Weight (+bias) with its BatchNorm folded in float64, rounded once to float32."""
        out = wshape[0]
        W = self._get(p + ".weight", wshape)
        b = self._get(p + ".bias", (out,)) if (p + ".bias") in self.w else np.zeros(out)
        if bn:
            g = self._get(p + ".bn.weight", (out,)) / np.sqrt(self._get(p + ".bn.running_var", (out,)) + self.eps)
            sh = self._get(p + ".bn.bias", (out,)) - self._get(p + ".bn.running_mean", (out,)) * g
            W = W * g.reshape((out,) + (1,) * (len(wshape) - 1))
            b = b * g + sh
        self.p[p] = (torch.from_numpy(W.astype(np.float32)), torch.from_numpy(b.astype(np.float32)))

    # -- pieces ------------------------------------------------------------------------------

    def fc(self, name: str, x: torch.Tensor) -> torch.Tensor:
        """Token-wise Linear on [T, B, N, C] (or [T, M, C])."""
        if self.linear_mode == "mkldnn":
            shp = x.shape
            y = self.pm[name](x.reshape(-1, shp[-1]))  # dense in, dense out
            return y.view(*shp[:-1], y.shape[-1])
        if self.linear_mode == "conv1x1":
            w, b = self.p1[name]
            shp = x.shape
            y = F.conv2d(x.reshape(-1, shp[-1], 1, 1), w, b)  # rows as a batch of 1x1 images
            return y.view(*shp[:-1], w.shape[0])
        w, b = self.p[name]
        return F.linear(x, w, b)

    def sn(self, x: torch.Tensor, th: float | None = None) -> torch.Tensor:
        return lif(x, self.s["threshold"] if th is None else th, self.s["tau"])

    def rec(self, name: str, s: torch.Tensor, grid: bool = False) -> None:
        """Store [T, B, N, C] (or [T, B, C, H, W] when grid) spikes as uint8 [B, T, N, C]."""
        if self.record is None:
            return
        if grid:
            T, B, C, H, W = s.shape
            s = s.permute(0, 1, 3, 4, 2).reshape(T, B, H * W, C)
        self.record.setdefault(name, []).append(s.transpose(0, 1).to(torch.uint8).numpy())

    def tokenizer(self, img: torch.Tensor) -> torch.Tensor:
        s, T = self.s, self.s["T"]
        B = img.shape[0]
        x = None
        for i in range(len(s["channels"])):
            w, b = self.p[f"sps.conv{i}"]
            if i == 0:
                # direct encoding: the analog current is the same at every step, computed once
                cur = F.conv2d(img.float() / 255.0, w, b, padding=1)
                cur = cur.unsqueeze(0).expand(T, *cur.shape)
            else:
                cur = F.conv2d(x.flatten(0, 1), w, b, padding=1)
                cur = cur.view(T, B, *cur.shape[1:])
            x = self.sn(cur)
            self.rec(f"sps.conv{i}", x, grid=True)
            if s["pool"][i]:
                y = F.max_pool2d(x.flatten(0, 1), 3, 2, 1)
                x = y.view(T, B, *y.shape[1:])
        if s["rpe"]:
            w, b = self.p["sps.rpe"]
            r = self.sn(F.conv2d(x.flatten(0, 1), w, b, padding=1).view(x.shape))
            self.rec("sps.rpe", r, grid=True)
            x = x + r
        T, B, C, H, W = x.shape
        return x.flatten(3).transpose(2, 3).contiguous()  # [T, B, N, C], row-major tokens

    def ssa(self, p: str, x: torch.Tensor) -> torch.Tensor:
        s = self.s
        T, B, N, D = x.shape
        h = int(s["attention"]["heads"])
        dh = D // h
        q, k, v = (self.sn(self.fc(f"{p}.{n}", x)) for n in "qkv")
        for n, t in zip("qkv", (q, k, v)):
            self.rec(f"{p}.{n}", t)
        q, k, v = (t.view(T, B, N, h, dh).transpose(2, 3) for t in (q, k, v))  # [T, B, h, N, dh]
        # (Q K^T) V = Q (K^T V): exact small integers either way; take the cheaper order
        a = q @ (k.transpose(-2, -1) @ v) if dh < N else (q @ k.transpose(-2, -1)) @ v
        a = (a * s["attn_scale"]).transpose(2, 3).reshape(T, B, N, D)
        o = self.sn(a, s["attn_threshold"])
        self.rec(f"{p}.attn", o)
        out = self.sn(self.fc(f"{p}.proj", o))
        self.rec(f"{p}.proj", out)
        return out

    def emsa(self, p: str, x: torch.Tensor) -> torch.Tensor:
        s = self.s
        E = int(s["attention"]["experts"])
        r = self.sn(self.fc(f"{p}.router", x))  # [T, B, N, E]
        self.rec(f"{p}.router", r)
        k = self.sn(self.fc(f"{p}.k", x))
        self.rec(f"{p}.k", k)
        v = self.sn(self.fc(f"{p}.v", x))
        self.rec(f"{p}.v", v)
        kv = k.transpose(-2, -1) @ v  # [T, B, de, de]
        y = None
        for i in range(E):
            q = self.sn(self.fc(f"{p}.q{i}", x))
            self.rec(f"{p}.q{i}", q)
            o = self.sn(q @ kv * s["attn_scale"], s["attn_threshold"])
            self.rec(f"{p}.o{i}", o)
            g = r[..., i:i + 1] * o
            y = g if y is None else y + g
        out = self.sn(self.fc(f"{p}.proj", y))
        self.rec(f"{p}.proj", out)
        return out

    def mlp(self, p: str, x: torch.Tensor) -> torch.Tensor:
        h = self.sn(self.fc(f"{p}.fc1", x))
        self.rec(f"{p}.fc1", h)
        o = self.sn(self.fc(f"{p}.fc2", h))
        self.rec(f"{p}.fc2", o)
        return o

    def emsp(self, p: str, x: torch.Tensor) -> torch.Tensor:
        T, B, N, D = x.shape
        gh, gw = self.grid
        h1 = self.sn(self.fc(f"{p}.fc1", x))
        self.rec(f"{p}.fc1", h1)
        C = h1.shape[-1] // 2
        A, Bh = h1[..., :C], h1[..., C:]
        w, b = self.p[f"{p}.gate"]
        a = A.reshape(T * B, gh, gw, C).permute(0, 3, 1, 2)
        cur = F.conv2d(a, w, b, padding=1, groups=C)  # depthwise 3x3 over the token grid
        cur = cur.permute(0, 2, 3, 1).reshape(T, B, N, C)
        g = self.sn(cur)
        self.rec(f"{p}.gate", g)
        o = self.sn(self.fc(f"{p}.fc2", g * Bh))
        self.rec(f"{p}.fc2", o)
        return o

    def moe(self, p: str, x: torch.Tensor) -> torch.Tensor:
        s = self.s
        T, B, N, D = x.shape
        E, K = int(s["ffn"]["experts"]), int(s["ffn"]["top_k"])
        wr, br = self.p[f"{p}.router"]
        score = F.linear(x, wr, br).mean(0)  # [B, N, E] = mean_t(x W_r) + b_r
        # top-K, ties to the lower index: a stable descending sort
        chosen = torch.sort(score, dim=-1, descending=True, stable=True).indices[..., :K]
        if self.record is not None:
            self.record.setdefault("route." + p.rsplit(".", 1)[0], []).append(chosen.to(torch.int32).numpy())
        xf = x.reshape(T, B * N, D)
        out = torch.zeros(T, B * N, D)
        for e in range(E):
            sel = (chosen == e).any(-1).flatten().nonzero().squeeze(1)
            h = self.sn(self.fc(f"{p}.experts.{e}.fc1", xf[:, sel]))  # the routed tokens only
            o = self.sn(self.fc(f"{p}.experts.{e}.fc2", h))
            out.index_add_(1, sel, o)
            if self.record is not None:
                for n, t in (("fc1", h), ("fc2", o)):
                    full = torch.zeros(T, B * N, t.shape[-1])
                    full[:, sel] = t
                    self.rec(f"{p}.experts.{e}.{n}", full.view(T, B, N, -1))
        return out.view(T, B, N, D)

    def __call__(self, img: torch.Tensor, record: dict | None = None) -> torch.Tensor:
        self.record = record
        s = self.s
        x = self.tokenizer(img)
        for b in range(s["blocks"]):
            p = f"blocks.{b}"
            att = self.ssa if s["attention"]["type"] == "ssa" else self.emsa
            x = x + att(f"{p}.attn", x)
            ffn = {"mlp": self.mlp, "emsp": self.emsp, "moe": self.moe}[s["ffn"]["type"]]
            x = x + ffn(f"{p}.ffn", x)
        w, b = self.p["head"]
        self.record = None
        return F.linear(x.mean(dim=(0, 2)), w, b)

    def layer_names(self) -> list[str]:
        rec: dict = {}
        self(torch.zeros(1, *self.s["input"], dtype=torch.uint8), record=rec)
        return [k for k in rec if not k.startswith("route.")]


def load_model(path: str, linear: str = "linear") -> SpikingTransformer:
    spec = load_spec(path)
    tensors, _ = load_safetensors(spec["weights"])
    return SpikingTransformer(spec, tensors, linear)


def predict(model: SpikingTransformer, images: np.ndarray, batch: int) -> np.ndarray:
    """Predicted labels of uint8 images [N, C, H, W], `batch` images per forward call."""
    out = np.empty(len(images), dtype=np.int64)
    x = torch.from_numpy(images)
    with torch.inference_mode():
        for i in range(0, len(images), batch):
            out[i:i + batch] = model(x[i:i + batch]).argmax(dim=1).numpy()
    return out


# --------------------------------------------------------------------------------------------
# commands


def set_threads(n: int) -> None:
    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(n)
    except RuntimeError:
        pass  # already set


def cmd_bench(a) -> None:
    set_threads(a.threads)
    images, labels = load_fashion_mnist(a.data_root, "test", a.n)
    modes = a.linear.split(",")
    batches = [int(b) for b in a.batch_sizes.split(",")]
    results = []
    for mode in modes:
        model = load_model(a.model, mode)
        for bs in batches:
            bs_eff = min(bs, len(images))
            predict(model, images[:bs_eff], bs_eff)  # warm-up: allocator, oneDNN primitives
            ips, acc = [], None
            for _ in range(a.repeats):
                t0 = time.perf_counter()
                pred = predict(model, images, bs_eff)
                dt = time.perf_counter() - t0
                ips.append(len(images) / dt)
                acc = float((pred == labels).mean())
            r = {"linear": mode, "batch": bs, "images_per_second": statistics.median(ips),
                 "runs": ips, "accuracy": acc, "correct": int((pred == labels).sum())}
            results.append(r)
            if not a.quiet:
                print(f"pytorch linear={mode:<8} batch {bs:>4}: {r['images_per_second']:9.1f} images/s "
                      f"(runs {', '.join(f'{v:.1f}' for v in ips)}), accuracy {100 * acc:.2f} %",
                      file=sys.stderr, flush=True)
    best = max(results, key=lambda r: r["images_per_second"])
    j = {"model_file": a.model, "samples": len(images), "threads": torch.get_num_threads(),
         "torch": torch.__version__, "results": results, "best": best}
    if a.json:
        with open(a.json + ".tmp", "w") as f:
            json.dump(j, f, indent=2)
        os.replace(a.json + ".tmp", a.json)
    else:
        print(json.dumps(j, indent=2))


def run_dump(model: SpikingTransformer, images: np.ndarray, batch: int = 16) -> tuple[dict, np.ndarray]:
    rec: dict = {}
    preds = []
    with torch.inference_mode():
        for i in range(0, len(images), batch):
            preds.append(model(torch.from_numpy(images[i:i + batch]), record=rec).argmax(1).numpy())
    return {k: np.concatenate(v) for k, v in rec.items()}, np.concatenate(preds)


def cmd_dump(a) -> None:
    model = load_model(a.model, a.linear)
    images, _ = load_fashion_mnist(a.data_root, "test", a.n)
    rec, _ = run_dump(model, images)
    tensors = {("route." + k[6:] if k.startswith("route.") else "spikes." + k): v for k, v in rec.items()}
    save_safetensors(a.out, tensors, {"layers": ",".join(k for k in rec if not k.startswith("route."))})
    print(f"wrote {a.out} ({len(images)} samples, {len(rec)} tensors)")


def engine_predictions(model: SpikingTransformer, eng: dict[str, np.ndarray]) -> np.ndarray:
    """The engine's predictions, recomputed from its dumped spikes: residual stream = pooled
    last tokenizer stage + RPE spikes + every attention/FFN output, then the float head."""
    s = model.s
    last = len(s["channels"]) - 1
    sp = torch.from_numpy(eng[f"spikes.sps.conv{last}"]).float()  # [S, T, H*W, C] before its pool
    S, T = sp.shape[:2]
    h, w = s["input"][1], s["input"][2]
    for p in s["pool"][:-1]:
        if p:
            h, w = (h - 1) // 2 + 1, (w - 1) // 2 + 1
    x = sp.view(S * T, h, w, -1).permute(0, 3, 1, 2)
    if s["pool"][last]:
        x = F.max_pool2d(x, 3, 2, 1)
    x = x.permute(0, 2, 3, 1).reshape(S, T, -1, x.shape[1])
    if s["rpe"]:
        x = x + torch.from_numpy(eng["spikes.sps.rpe"]).float()
    for b in range(s["blocks"]):
        x = x + torch.from_numpy(eng[f"spikes.blocks.{b}.attn.proj"]).float()
        if s["ffn"]["type"] == "moe":
            for e in range(int(s["ffn"]["experts"])):
                x = x + torch.from_numpy(eng[f"spikes.blocks.{b}.ffn.experts.{e}.fc2"]).float()
        else:
            x = x + torch.from_numpy(eng[f"spikes.blocks.{b}.ffn.fc2"]).float()
    wh, bh = model.p["head"]
    return F.linear(x.mean(dim=(1, 2)), wh, bh).argmax(1).numpy()


def cmd_compare(a) -> None:
    model = load_model(a.model, a.linear)
    eng, meta = load_safetensors(a.engine_dump)
    layers = meta.get("layers", "").split(",")
    S = eng["spikes." + layers[0]].shape[0]
    images, labels = load_fashion_mnist(a.data_root, "test", S)
    rec, tpred = run_dump(model, images)
    epred = engine_predictions(model, eng)
    rows, tot_same, tot_all = [], 0, 0
    for L in layers:
        e, t = eng["spikes." + L], rec.get(L)
        if t is None or t.shape != e.shape:
            rows.append({"layer": L, "error": f"shape engine {list(e.shape)} vs pytorch {None if t is None else list(t.shape)}"})
            continue
        same = int((e == t).sum())
        samples_same = int((e == t).reshape(S, -1).all(1).sum())
        rows.append({"layer": L, "identical": same / e.size, "differing_spikes": int(e.size - same),
                     "samples_all_identical": samples_same, "engine_rate": float(e.mean()),
                     "pytorch_rate": float(t.mean())})
        tot_same += same
        tot_all += e.size
    routes = {}
    for k in eng:
        if k.startswith("route."):
            tk = "route." + k[6:]
            if tk in rec:
                routes[k] = float((rec[tk] == eng[k]).all(-1).mean())
    j = {"samples": S, "linear": a.linear, "layers": rows, "all_layers_identical": tot_same / max(tot_all, 1),
         "samples_all_layers_identical": int(sum(
             all((eng["spikes." + L][i] == rec[L][i]).all() for L in layers if L in rec) for i in range(S))),
         "prediction_agreement": float((epred == tpred).mean()),
         "engine_accuracy": float((epred == labels).mean()), "pytorch_accuracy": float((tpred == labels).mean()),
         "route_agreement": routes}
    if not a.quiet:
        print(f"spike agreement, PyTorch (linear={a.linear}) vs engine, first {S} test images")
        print(f"{'layer':<28} {'identical %':>12} {'differing':>10} {'samples =':>10} {'rate eng %':>10} {'rate pt %':>10}")
        for r in rows:
            if "error" in r:
                print(f"{r['layer']:<28} {r['error']}")
                continue
            print(f"{r['layer']:<28} {100 * r['identical']:>12.4f} {r['differing_spikes']:>10} "
                  f"{r['samples_all_identical']:>6}/{S:<3} {100 * r['engine_rate']:>10.2f} {100 * r['pytorch_rate']:>10.2f}")
        print(f"all layers: {100 * j['all_layers_identical']:.4f} % identical; samples identical in every layer: "
              f"{j['samples_all_layers_identical']}/{S}; predictions agree on {100 * j['prediction_agreement']:.2f} %")
    if a.json:
        with open(a.json + ".tmp", "w") as f:
            json.dump(j, f, indent=2)
        os.replace(a.json + ".tmp", a.json)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-m", "--model", required=True, help="model file (TOML)")
    common.add_argument("--data-root", default="/usr/share/datasets/fashion-mnist")
    common.add_argument("-q", "--quiet", action="store_true")
    common.add_argument("--json", default="")
    b = sub.add_parser("bench", parents=[common], help="images/s over the first N test images")
    b.add_argument("-n", type=int, default=1000)
    b.add_argument("--threads", type=int, default=1)
    b.add_argument("--batch-sizes", default="1,8,32,128,512")
    b.add_argument("--repeats", type=int, default=3)
    b.add_argument("--linear", default="mkldnn,linear",
                   help="comma list of: linear (F.linear, BLAS), mkldnn (torch.utils.mkldnn), conv1x1 (F.conv2d)")
    d = sub.add_parser("dump", parents=[common], help="write per-layer spikes (engine dump layout)")
    d.add_argument("-n", type=int, default=16)
    d.add_argument("-o", "--out", required=True)
    d.add_argument("--linear", default="mkldnn", help="linear, mkldnn or conv1x1")
    c = sub.add_parser("compare", parents=[common], help="compare with an engine --dump-spikes file")
    c.add_argument("--engine-dump", required=True)
    c.add_argument("--linear", default="mkldnn", help="linear, mkldnn or conv1x1")
    a = ap.parse_args()
    {"bench": cmd_bench, "dump": cmd_dump, "compare": cmd_compare}[a.cmd](a)


if __name__ == "__main__":
    main()
