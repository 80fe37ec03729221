#!/usr/bin/python3
"""PyTorch reference for `npm run bench`: the same three workloads, the same shapes,
the same optimiser, replica-batched the way a PyTorch user would write it (every parameter has a
leading replica axis R; products are torch.bmm / baddbmm over that axis), on the CPU with a fixed
thread count. Never needed by the tests; `npm run bench` runs it when torch imports.

  /usr/bin/python3 bench/reference.py --workloads synthetic-mmoe,census-adatt,census-sb \
      --replicas 1,8,64 --threads 1 [--census FILE] [--seconds 2] [--repeats 3]

Prints a JSON list of {workload, replicas, threads, msPerStep, modelStepsPerSecond,
minorFaultsPerStep, allocator, blasCoreType} on stdout; `--sgemm-peak` prints instead this
process's float32 matrix-product rate (GFLOP/s, 2048³, best of 5) at the thread count.
The allocator (glibc, or the jemalloc/tcmalloc library LD_PRELOAD names) and the OpenBLAS core
type (OPENBLAS_CORETYPE, "auto" when unset) are the environment's: the bench CLI starts one
process per cell under each configuration and keeps the fastest.
`--census` is the raw training split the bench CLI writes (u32 header length, JSON header,
float32 numeric [N, Dn], int32 categorical [N, C], float32 labels [N, T]).

Mirrors lib/bench/workloads.ts and lib/bench/measure.ts:
  synthetic-mmoe  MMoE, d=100, 8 experts x 16, towers [8], 2 regression tasks (MSE), batch 128,
                  per-replica data (each replica its own 2048-row data set, its own batch order).
  census-adatt    AdaTT-sp, 3 binary tasks (BCE), 2 experts per task, levels [128] and [64],
                  towers [32], batch 512, shared rows; categorical inputs as embedding rows summed.
  census-sb       Shared-Bottom, bottom [128, 64], towers [32], same data.
Adam: lr 1e-3, betas (0.9, 0.999), eps 1e-7 (tfjs' default); loss = sum over replicas of the
per-replica sum over tasks of the batch-mean loss, as lib/engine/losses.ts.
"""
import argparse
import json
import math
import os
import resource
import statistics
import struct
import sys
import time

import torch
import torch.nn.functional as F


def glorot(R, fan_in, fan_out, *shape):
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return torch.nn.Parameter(torch.empty(R, *shape).uniform_(-limit, limit))


def zeros(R, *shape):
    return torch.nn.Parameter(torch.zeros(R, *shape))


class InputLayer(torch.nn.Module):
    """x.W + b for all replicas: numeric part one matmul (shared rows: [B, Dn] @ [Dn, R*U]),
    categorical part a lookup-and-sum of embedding rows (the one-hot product without one-hot),
    by embedding_bag(mode="sum"), PyTorch's fused form of it."""

    def __init__(self, R, numeric, vocab, units):
        super().__init__()
        D = numeric + sum(vocab)
        self.R, self.U = R, units
        self.w_num = glorot(R, D, units, numeric, units) if numeric else None
        self.w_cat = glorot(R, D, units, sum(vocab), units) if vocab else None
        self.bias = zeros(R, units)
        offsets = [0]
        for v in vocab[:-1]:
            offsets.append(offsets[-1] + v)
        self.register_buffer("offsets", torch.tensor(offsets, dtype=torch.long))

    def forward(self, num, cat=None):
        R, U = self.R, self.U
        if num.dim() == 2:  # shared rows
            B = num.shape[0]
            w = self.w_num.permute(1, 0, 2).reshape(num.shape[1], R * U)
            h = (num @ w).reshape(B, R, U).permute(1, 0, 2)
        else:  # per-replica rows [R, B, Dn]
            h = torch.bmm(num, self.w_num)
        if cat is not None:
            table = self.w_cat.permute(1, 0, 2).reshape(-1, R * U)  # [V, R*U]
            rows = F.embedding_bag(cat + self.offsets, table, mode="sum")  # [B, R*U], no [B, C, R*U] in between
            h = h + rows.reshape(-1, R, U).permute(1, 0, 2)
        return h + self.bias.unsqueeze(1)


class GroupedDense(torch.nn.Module):
    """G parallel dense layers per replica: [R, G, B, I] -> [R, G, B, O] as one bmm."""

    def __init__(self, R, G, I, O):
        super().__init__()
        self.w = glorot(R, I, O, G, I, O)
        self.b = zeros(R, G, O)

    def forward(self, x):
        R, G, B, I = x.shape
        y = torch.bmm(x.reshape(R * G, B, I), self.w.reshape(R * G, I, -1))
        return y.reshape(R, G, B, -1) + self.b.unsqueeze(2)


class Towers(torch.nn.Module):
    def __init__(self, R, T, I, units):
        super().__init__()
        dims = [I, *units, 1]
        self.layers = torch.nn.ModuleList(GroupedDense(R, T, a, b) for a, b in zip(dims, dims[1:]))

    def forward(self, x):  # [R, T, B, I] -> [R, B, T]
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = torch.relu(x)
        return x.squeeze(3).permute(0, 2, 1)


MIX = {"form": "bmm"}


def mix(w, e):
    """w [R, B, K, n], e [R, n, B, H] -> [R, K, B, H]: every row's K gate vectors times its n expert
    outputs. "bmm": one batched product over the R*B rows ([K, n] @ [n, H] each), the form a PyTorch
    user writes; "broadcast": multiply and sum over n (the form of the first benchmarks)."""
    if MIX["form"] == "broadcast":
        return (w.permute(0, 2, 3, 1).unsqueeze(-1) * e.unsqueeze(1)).sum(2)
    R, B, K, n = w.shape
    H = e.shape[-1]
    rows = torch.bmm(w.reshape(R * B, K, n), e.permute(0, 2, 1, 3).reshape(R * B, n, H))
    return rows.reshape(R, B, K, H).permute(0, 2, 1, 3)


class MMoE(torch.nn.Module):
    def __init__(self, R, d, T, n=8, H=16, tower=8):
        super().__init__()
        self.n, self.H, self.T = n, H, T
        self.inp = InputLayer(R, d, [], n * H + T * n)
        self.towers = Towers(R, T, H, [tower])

    def forward(self, num, cat=None):
        h = self.inp(num, cat)
        R, B, _ = h.shape
        n, H, T = self.n, self.H, self.T
        he, hg = h.split([n * H, T * n], -1)  # split, not slices: one gradient buffer, no zero-fill
        e = torch.relu(he).reshape(R, B, n, H).permute(0, 2, 1, 3)
        w = torch.softmax(hg.reshape(R, B, T, n), -1)
        return self.towers(mix(w, e))


class AdaTTSp(torch.nn.Module):
    """AdaTT-sp: T task modules of m experts, levels of the given units; level 0 reads x."""

    def __init__(self, R, numeric, vocab, T, m=2, levels=(128, 64), tower=32):
        super().__init__()
        self.T, self.m, self.levels = T, m, levels
        N = T * m
        self.inp = InputLayer(R, numeric, vocab, N * levels[0] + T * N)
        self.deeper = torch.nn.ModuleList(GroupedDense(R, T, levels[l - 1], m * levels[l] + N) for l in range(1, len(levels)))
        self.native = torch.nn.ParameterList(
            torch.nn.Parameter(torch.empty(R, T, m).uniform_(-math.sqrt(1 / m), math.sqrt(1 / m))) for _ in levels)
        self.towers = Towers(R, T, levels[-1], [tower])

    def fuse(self, l, e, logits):  # e [R, N, B, H], logits [R, B, T, N]
        R, N = e.shape[0], e.shape[1]
        T, m = self.T, self.m
        native = torch.zeros(R, T, N, dtype=e.dtype)
        native = native + torch.block_diag(*[torch.ones(1, m)] * T).unsqueeze(0) * self.native[l].repeat(1, 1, T)
        w = torch.softmax(logits, -1) + native.unsqueeze(1)
        return mix(w, e)  # [R, T, B, H]

    def forward(self, num, cat=None):
        T, m, N = self.T, self.m, self.T * self.m
        h = self.inp(num, cat)
        R, B, _ = h.shape
        H0 = self.levels[0]
        he, hg = h.split([N * H0, T * N], -1)
        e = torch.relu(he).reshape(R, B, N, H0).permute(0, 2, 1, 3)
        f = self.fuse(0, e, hg.reshape(R, B, T, N))
        for l, layer in enumerate(self.deeper, start=1):
            Hl = self.levels[l]
            y = layer(f)  # [R, T, B, m*Hl + N]
            ye, yg = y.split([m * Hl, N], -1)
            e = torch.relu(ye).reshape(R, T, B, m, Hl).permute(0, 1, 3, 2, 4).reshape(R, N, B, Hl)
            f = self.fuse(l, e, yg.permute(0, 2, 1, 3))
        return self.towers(f)


class SharedBottom(torch.nn.Module):
    def __init__(self, R, numeric, vocab, T, bottom=(128, 64), tower=32):
        super().__init__()
        self.T = T
        self.inp = InputLayer(R, numeric, vocab, bottom[0])
        self.deeper = torch.nn.ModuleList(GroupedDense(R, 1, a, b) for a, b in zip(bottom, bottom[1:]))
        self.towers = Towers(R, T, bottom[-1], [tower])

    def forward(self, num, cat=None):
        f = torch.relu(self.inp(num, cat)).unsqueeze(1)
        for layer in self.deeper:
            f = torch.relu(layer(f))
        return self.towers(f.expand(-1, self.T, -1, -1))


def read_census(path):
    with open(path, "rb") as fh:
        (n,) = struct.unpack("<I", fh.read(4))
        head = json.loads(fh.read(n))
        rows, dn, C, T = head["rows"], head["numeric"], len(head["categorical"]), head["tasks"]
        num = torch.frombuffer(bytearray(fh.read(rows * dn * 4)), dtype=torch.float32).reshape(rows, dn)
        cat = torch.frombuffer(bytearray(fh.read(rows * C * 4)), dtype=torch.int32).reshape(rows, C).long()
        lab = torch.frombuffer(bytearray(fh.read(rows * T * 4)), dtype=torch.float32).reshape(rows, T)
    return head, num, cat, lab


def measure(name, R, args, census):
    torch.manual_seed(1)
    if name == "synthetic-mmoe":
        N, d, T, B = 2048, 100, 2, 128
        X = torch.randn(R, N, d)
        Y = torch.randn(R, N, T)
        model = MMoE(R, d, T)
        binary = False
    else:
        head, num, cat, lab = census
        N, T, B = head["rows"], head["tasks"], 512
        if name == "census-adatt":
            model = AdaTTSp(R, head["numeric"], head["categorical"], T)
        else:
            model = SharedBottom(R, head["numeric"], head["categorical"], T)
        binary = True
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    steps_per_epoch = N // B
    state = {"step": 0, "perm": None}
    loss_sum = torch.zeros(R, T)

    def step():
        pos = state["step"] % steps_per_epoch
        if pos == 0:  # a new epoch's row order (per replica for per-replica data)
            state["perm"] = torch.stack([torch.randperm(N) for _ in range(R)]) if not binary else torch.randperm(N)
        state["step"] += 1
        idx = state["perm"][..., pos * B:(pos + 1) * B]
        if binary:
            out = model(num[idx], cat[idx])
            y = lab[idx].unsqueeze(0)
            per_task = F.binary_cross_entropy_with_logits(out, y.expand_as(out), reduction="none").mean(1)
        else:
            xb = torch.gather(X, 1, idx.unsqueeze(2).expand(-1, -1, X.shape[2]))
            yb = torch.gather(Y, 1, idx.unsqueeze(2).expand(-1, -1, Y.shape[2]))
            per_task = ((model(xb) - yb) ** 2).mean(1)
        opt.zero_grad(set_to_none=True)
        per_task.sum().backward()
        opt.step()
        loss_sum.add_(per_task.detach())

    for _ in range(3):
        step()
    runs = []
    faults0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    steps = 0
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        n = 0
        while n < 3 or time.perf_counter() - t0 < args.seconds:
            step()
            n += 1
        steps += n
        runs.append((time.perf_counter() - t0) * 1000 / n)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults0
    ms = statistics.median(runs)
    return {"workload": name, "replicas": R, "threads": args.threads, "msPerStep": ms, "msPerStepRuns": runs,
            "modelStepsPerSecond": R * 1000 / ms, "minorFaultsPerStep": faults / steps, "mix": MIX["form"], **environment()}


def environment():
    """The allocator and BLAS core type this process runs with (what the CLI varied)."""
    preload = os.environ.get("LD_PRELOAD", "")
    allocator = "jemalloc" if "jemalloc" in preload else "tcmalloc" if "tcmalloc" in preload else "glibc"
    return {"allocator": allocator, "blasCoreType": os.environ.get("OPENBLAS_CORETYPE", "auto")}


def sgemm_peak(threads):
    """float32 2048³ products, best of 5: this core's (or these cores') attainable product rate."""
    a = torch.randn(2048, 2048)
    b = torch.randn(2048, 2048)
    torch.mm(a, b)
    best = min(_timed(lambda: torch.mm(a, b)) for _ in range(5))
    return {"threads": threads, "gflops": 2 * 2048 ** 3 / best / 1e9, **environment()}


def _timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workloads", default="synthetic-mmoe,census-adatt,census-sb")
    p.add_argument("--replicas", default="1,8,64")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--census", help="census training split written by the bench CLI")
    p.add_argument("--mix", choices=["bmm", "broadcast"], default="bmm", help="how the gated mix is computed")
    p.add_argument("--sgemm-peak", action="store_true", help="print the float32 product rate and exit")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    MIX["form"] = args.mix
    if args.sgemm_peak:
        json.dump(sgemm_peak(args.threads), sys.stdout)
        return
    census = read_census(args.census) if args.census else None
    out = []
    for name in args.workloads.split(","):
        if name != "synthetic-mmoe" and census is None:
            print(f"skipping {name}: no --census file", file=sys.stderr)
            continue
        for R in [int(r) for r in args.replicas.split(",")]:
            r = measure(name, R, args, census)
            print(f"torch {name} R={R} threads={args.threads}: {r['msPerStep']:.2f} ms/step", file=sys.stderr)
            out.append(r)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
