"""The solver network of src/engine/solver/model.ts in PyTorch eager, timed on the same batch.

Run by bench/solver.ts (and bench/gpuCheck.ts) with Debian's /usr/bin/python3 (python3-torch). Reads a JSON job
on stdin:
  {"config": {...}, "sizes": {...}, "batch": B, "inferenceBatch": B', "threads": [..], "steps": n, "rounds": r,
   "lr": x, "optimizer": {...}, "feeds": "path", "layout": [{"name", "dtype", "shape", "offset"}],
   "device": "cpu" | "cuda" (default cpu), "matmulN": n (default 1024)}
and prints one JSON line with, per thread count, train steps/s, inference samples/s and a square fp32 matmul's
GFLOP/s (best of rounds), plus the thread settings the process actually ran with: OpenMP and OpenBLAS read
their environment variables once, at load, so the caller starts one process per configuration. With
"serve": true it instead prints that information once ready, then answers each line "train" | "infer" |
"matmul" on stdin with one round's {"rate"} (steps/s, samples/s, GFLOP/s), for interleaved measurement.
The architecture mirrors the ONNX graph op for op — pre-norm blocks with an additive key-padding bias,
exact GELU, the slot pooling, summary and pointer heads, soft-target loss — and AdamW with decay on
rank ≥ 2 parameters and global-norm clipping, as the train-step graph does.
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

LETTERS = 6


class Block(nn.Module):
    def __init__(self, d, heads, hidden):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.out = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x, bias):
        b, t, d = x.shape
        h, dh = self.heads, d // self.heads
        y = self.ln1(x)
        split = lambda z: z.reshape(b, t, h, dh).transpose(1, 2)
        q, k, v = split(self.q(y)), split(self.k(y)), split(self.v(y))
        scores = (q @ k.transpose(-1, -2)) * (1 / math.sqrt(dh)) + bias
        ctx = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.out(ctx)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class Solver(nn.Module):
    def __init__(self, c, sizes, answers, features, slots, segments, named):
        super().__init__()
        d, m = c["dModel"], c["mlpHidden"]
        self.c, self.answers, self.named, self.slot_count = c, answers, named, slots
        self.tokens = nn.Embedding(sizes["words"], d)
        self.positions = nn.Parameter(torch.randn(c["maxQuestionTokens"], d) * 0.02)
        self.segments = nn.Embedding(segments, d)
        self.numbers = nn.Linear(2, d, bias=False)
        self.fc1 = nn.Linear(features, d)
        self.fc2 = nn.Linear(d, d)
        self.labels = nn.Embedding(sizes["labels"], d)
        self.type_embedding = nn.Parameter(torch.randn(d) * 0.02)
        self.slots = nn.Embedding(slots, d)
        self.blocks = nn.ModuleList([Block(d, c["heads"], m) for _ in range(c["layers"])])
        self.final_ln = nn.LayerNorm(d)
        self.sum_cls = nn.Linear(d, m)
        self.sum_states = nn.Linear(named * d, m, bias=False)
        self.sum_geometry = nn.Linear(named * features, m, bias=False)
        self.sum_out = nn.Linear(m, d)
        self.head = nn.Linear(d, answers)
        self.ptr_context = nn.Linear(d, m, bias=False)
        self.ptr_states = nn.Linear(d, m)
        self.ptr_geometry = nn.Linear(features, m, bias=False)
        self.ptr_score = nn.Linear(m, 1)
        self.register_buffer("slot_ids", torch.arange(1, slots).reshape(1, 1, slots - 1))

    def forward(self, f):
        tq = self.c["maxQuestionTokens"]
        b = f["q_tokens"].shape[0]
        q = self.tokens(f["q_tokens"]) + self.positions + self.segments(f["q_segments"]) + self.numbers(f["q_numbers"])
        feats = f["d_features"]
        det = self.labels(f["d_labels"]) + self.fc2(F.gelu(self.fc1(feats))) + self.type_embedding
        slots = f["slots"]
        x = torch.cat([q, det], 1) + self.slots(slots)
        bias = torch.zeros(f["mask"].shape, device=f["mask"].device).masked_fill(~f["mask"], -1e9)[:, None, None, :]
        for blk in self.blocks:
            x = blk(x, bias)
        h = self.final_ln(x)
        cls = h[:, 0]
        member = (slots.unsqueeze(-1) == self.slot_ids).float()
        average = lambda mm: (mm / mm.sum(1, keepdim=True).clamp(min=1)).transpose(1, 2)
        states = average(member) @ h
        geometry = average(member[:, tq:]) @ feats
        n = self.named
        summary = self.sum_out(F.gelu(self.sum_cls(cls) + self.sum_states(states[:, :n].reshape(b, -1)) + self.sum_geometry(geometry[:, :n].reshape(b, -1))))
        general = self.head(cls + summary)
        hidden = F.gelu(self.ptr_states(states[:, n:n + LETTERS]) + self.ptr_geometry(geometry[:, n:n + LETTERS]) + self.ptr_context(summary)[:, None])
        pointer = F.pad(self.ptr_score(hidden).squeeze(-1), (0, self.answers - LETTERS))
        logp = torch.log_softmax(general + pointer + f["answer_bias"], -1)
        loss = -(f["answer_target"] * logp).sum(1).mean()
        return logp, loss


def load_feeds(job):
    raw = open(job["feeds"], "rb").read()
    out = {}
    for spec in job["layout"]:
        dtype = {"int64": np.int64, "float32": np.float32, "bool": np.bool_}[spec["dtype"]]
        count = int(np.prod(spec["shape"]))
        arr = np.frombuffer(raw, dtype=dtype, count=count, offset=spec["offset"]).reshape(spec["shape"])
        out[spec["name"]] = torch.from_numpy(arr.copy())
    return out


def best_rate(fn, units, steps, rounds, sync=lambda: None, warm=True):
    if warm:
        fn()
        sync()
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(steps):
            fn()
        sync()  # CUDA kernels are asynchronous: time until they have finished, not until they were queued
        best = min(best, (time.perf_counter() - t0) / steps)
    return units / best


def matmul_gflops(device, n, rounds, sync):
    """fp32 n³ matmul through this process's BLAS (or cuBLAS): the peak the train step is measured against."""
    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    return best_rate(lambda: a @ b, 2 * n ** 3 / 1e9, 4, rounds, sync)


def blas_in_use():
    """The BLAS library this process mapped: Debian's torch links libblas.so.3, which the alternatives
    system points at the reference BLAS unless an optimised one (OpenBLAS, BLIS, MKL) is installed."""
    torch.ones(8, 8) @ torch.ones(8, 8)
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    return sorted(paths)


def main():
    job = json.loads(sys.stdin.readline())
    device = job.get("device", "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        print(json.dumps({"torch": torch.__version__, "error": "torch.cuda.is_available() is False"}))
        return
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    # Denormals flushed to zero, as the onnxruntime side's sessions do (runtime.ts › sessionExtra): the same
    # arithmetic on both sides. Before the first op, so that the threads torch starts later inherit the mode.
    flush = torch.set_flush_denormal(job.get("flushDenormal", True))
    torch.manual_seed(0)
    c = job["config"]
    model = Solver(c, job["sizes"], job["answers"], job["features"], job["slotCount"], job["segmentCount"], job["namedSlots"]).to(device)
    feeds = {k: v.to(device) for k, v in load_feeds(job).items()}
    opt_cfg = job["optimizer"]
    decay = [p for p in model.parameters() if p.dim() >= 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": opt_cfg["weightDecay"]}, {"params": rest, "weight_decay": 0.0}],
        lr=job["lr"],
        betas=(opt_cfg["beta1"], opt_cfg["beta2"]),
        eps=opt_cfg["epsilon"],
    )

    def train_step():
        opt.zero_grad(set_to_none=True)
        _, loss = model(feeds)
        loss.backward()
        if opt_cfg.get("clipGradNorm") is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), opt_cfg["clipGradNorm"])
        opt.step()

    infer_feeds = {k: v[: job["inferenceBatch"]] for k, v in feeds.items()}

    def infer():
        with torch.no_grad():
            model(infer_feeds)

    params = sum(p.numel() for p in model.parameters())
    # Every setting that steers the threads, the BLAS or the allocator, as the process saw it.
    env = {k: v for k, v in os.environ.items() if k.startswith(("OMP_", "OPENBLAS_", "MKL_", "MALLOC_"))}
    gpu = torch.cuda.get_device_name(0) if device == "cuda" else None
    info = {"torch": torch.__version__, "params": params, "blas": blas_in_use(), "env": env, "device": device, "gpu": gpu, "flush_denormal": flush}

    if job.get("serve"):
        # Round by round on request, so the caller can interleave these rounds with onnxruntime's: on a shared
        # machine a neighbour's burst then falls on both sides rather than on whichever ran during it.
        torch.set_num_threads(job["threads"][0])
        n = job.get("matmulN", 1024)
        a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
        work = {
            "train": (train_step, 1),
            "infer": (infer, job["inferenceBatch"]),
            "matmul": (lambda: a @ b, 2 * n ** 3 / 1e9),
        }
        for fn, _ in work.values():
            fn()
        sync()
        print(json.dumps({**info, "torch_threads": torch.get_num_threads()}), flush=True)
        for line in sys.stdin:
            fn, units = work[line.strip()]
            print(json.dumps({"rate": best_rate(fn, units, job["steps"], 1, sync, warm=False)}), flush=True)
        return

    results = []
    for threads in job["threads"]:
        torch.set_num_threads(threads)
        results.append({
            "threads": threads,
            "torch_threads": torch.get_num_threads(),
            "train_steps_per_s": best_rate(train_step, 1, job["steps"], job["rounds"], sync),
            "infer_samples_per_s": best_rate(infer, job["inferenceBatch"], job["steps"], job["rounds"], sync),
            "matmul_gflops": matmul_gflops(device, job.get("matmulN", 1024), job["rounds"], sync),
        })
    print(json.dumps({**info, "results": results}))


if __name__ == "__main__":
    main()
