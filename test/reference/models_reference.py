#!/usr/bin/python3
"""Independent reference forward passes for every model kind of lib/models, in PyTorch (float64).

Writes test/fixtures/models-reference.json, which test/models-reference.test.ts compares our
TypeScript models against. Nothing here is shared with lib/: each architecture is written out
from its paper's equations (and, for the AdaTT paper's models, from the data flow of
facebookresearch/AdaTT mtl_lib.py), one expert, gate and tower at a time, with plain loops.

Regenerate (Debian: apt-get install -y python3-torch):
    /usr/bin/python3 test/reference/models_reference.py
The tests never need torch: they read the JSON.

Weights. Both sides derive every weight from a formula keyed by the block's name, so the
fixture holds no weights: value = (2u - 1) * scale, u = fmix32(fnv1a32(key)) / 2^32 with
    Dense block `name` (names are the seed paths of lib/models, e.g. "level/1/task/0/gate"):
        kernel [fanIn, fanOut]: key "<name>/kernel|<replica master seed>|<i * fanOut + o>",
                                scale sqrt(3 / fanIn)
        bias [fanOut]:          key "<name>/bias|<master>|<o>", scale 0.5
    other variables (lib/models variable names, e.g. "stitch/0"), flattened per replica:
        key "<variable>|<master>|<k>", scale given per case in the fixture ("direct").
Every replica gets different weights (biases and mixers included), so a replica that reads
another replica's parameter changes the output.

Models that read a behaviour sequence (DUPN) run on inputs of their own (SEQUENCE_INPUTS): query
columns, then the sequence's columns, with padded positions (item id 0) at the end of one row and
inside another; their cases also hold the attention weights.

Choices of lib/models that the reference follows on purpose (documented in the model headers):
AdaTT modules with one expert add their experts with the fixed weight 1 even when another
module has several (mtl_lib.py then learns a weight for every module); the sluice tower input
is the beta-weighted sum of the layer outputs; Tucker factors compose every task's kernel.
"""
import json
import math
import re
import os
import sys

import torch

torch.set_default_dtype(torch.float64)
M32 = 0xFFFFFFFF
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "models-reference.json")
MASTERS = [11, 22]
B = 3
T = 3


def unit(key: str) -> float:
    h = 0x811C9DC5
    for byte in key.encode("utf-8"):
        h ^= byte
        h = (h * 0x01000193) & M32
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M32
    h ^= h >> 16
    return h / 4294967296.0


def f32(values):
    """What a float32 tensor on the TypeScript side holds."""
    return torch.tensor(values, dtype=torch.float32).to(torch.float64)


def sym_tensor(prefix: str, master: int, shape, scale: float) -> torch.Tensor:
    n = math.prod(shape)
    return f32([(2 * unit(f"{prefix}|{master}|{k}") - 1) * scale for k in range(n)]).reshape(shape)


class Weights:
    """One replica's weights, drawn on demand by name; `count_only` returns zeros and counts scalars."""

    def __init__(self, master: int, direct_scales=None, count_only=False):
        self.master = master
        self.direct_scales = direct_scales if direct_scales is not None else {}
        self.count_only = count_only
        self.sizes = {}

    def _get(self, key, shape, scale):
        if key not in self.sizes:
            self.sizes[key] = math.prod(shape)
        if self.count_only:
            return torch.zeros(shape)
        return sym_tensor(key, self.master, shape, scale)

    def dense(self, name: str, x: torch.Tensor, out: int) -> torch.Tensor:
        fan_in = x.shape[-1]
        k = self._get(f"{name}/kernel", [fan_in, out], math.sqrt(3 / fan_in))
        b = self._get(f"{name}/bias", [out], 0.5)
        return x @ k + b

    def var(self, name: str, shape) -> torch.Tensor:
        return self._get(name, list(shape), self.direct_scales[name])

    def count(self) -> int:
        return sum(self.sizes.values())


relu = torch.relu


def mlp(w, name, x, units):
    for j, u in enumerate(units):
        x = relu(w.dense(f"{name}/layer/{j}", x, u))
    return x


def tower(w, t, x, units):
    x = mlp(w, f"tower/{t}", x, units)
    return w.dense(f"tower/{t}/layer/{len(units)}", x, 1)[:, 0]


def softmax(z):
    return torch.softmax(z, dim=-1)


def mixture(weights, experts):
    """weights [B, n], experts list of n tensors [B, H] -> sum_i weights[:, i] * e_i."""
    return sum(weights[:, i : i + 1] * e for i, e in enumerate(experts))


# ---- the architectures; each returns (outputs [B, T], gates list, extra) ----


def single_task(w, x, c):
    return [tower(w, t, mlp(w, f"bottom/{t}", x, c["bottomUnits"]), c["towerUnits"]) for t in range(T)], [], None


def l2_constrained(w, x, c):
    ys, _, _ = single_task(w, x, c)
    # Omega = alpha * sum_{t<s} ||theta_t - theta_s||^2 over every bottom kernel and bias.
    theta = []
    for t in range(T):
        parts, d = [], x.shape[-1]
        for j, u in enumerate(c["bottomUnits"]):
            parts += [w._get(f"bottom/{t}/layer/{j}/kernel", [d, u], math.sqrt(3 / d)).flatten(), w._get(f"bottom/{t}/layer/{j}/bias", [u], 0.5)]
            d = u
        theta.append(torch.cat(parts))
    omega = sum(((theta[t] - theta[s]) ** 2).sum() for t in range(T) for s in range(t + 1, T))
    return ys, [], c["alpha"] * omega


def shared_bottom(w, x, c):
    f = mlp(w, "bottom", x, c["bottomUnits"])
    return [tower(w, t, f, c["towerUnits"]) for t in range(T)], [], None


def moe(w, x, c, one_gate):
    n = c["experts"]
    experts = [mlp(w, f"expert/{i}", x, c["expertUnits"]) for i in range(n)]
    gates = [softmax(w.dense(f"gate/{k}", x, n)) for k in range(1 if one_gate else T)]
    ys = [tower(w, t, mixture(gates[0 if one_gate else t], experts), c["towerUnits"]) for t in range(T)]
    return ys, [(f"task{t}", 0, gates[0 if one_gate else t]) for t in range(T)], None


def ml_mmoe(w, x, c):
    n, levels = c["experts"], c["expertUnits"]
    L = len(levels)
    inputs = [x] * n  # expert j of the next level reads the j-th mixture
    reported = []
    for l, units in enumerate(levels):
        experts = [mlp(w, f"level/{l}/expert/{i}", inputs[i], units) for i in range(n)]
        K = n if l < L - 1 else T
        gates = [softmax(w.dense(f"level/{l}/gate/{k}", x, n)) for k in range(K)]  # every gate reads the raw input
        reported += [(f"task{k}" if l == L - 1 else f"level{l + 1}/expert/{k}", l, g) for k, g in enumerate(gates)]
        inputs = [mixture(g, experts) for g in gates]
    return [tower(w, t, inputs[t], c["towerUnits"]) for t in range(T)], reported, None


def cross_stitch(w, x, c):
    h = [x] * T
    for l, u in enumerate(c["units"]):
        h = [relu(w.dense(f"task/{t}/layer/{l}", h[t], u)) for t in range(T)]
        a = w.var(f"stitch/{l}", [T, T])
        h = [sum(a[t, s] * h[s] for s in range(T)) for t in range(T)]
    return [tower(w, t, h[t], c["towerUnits"]) for t in range(T)], [], None


def sluice(w, x, c):
    S, units = c["subspaces"], c["units"]
    L = len(units)
    h, outs = [x] * T, []
    for l, u in enumerate(units):
        h = [relu(w.dense(f"task/{t}/layer/{l}", h[t], u)) for t in range(T)]
        a = w.var(f"alpha/{l}", [T * S, T * S])
        width = u // S
        sub = [h[t][:, s * width : (s + 1) * width] for t in range(T) for s in range(S)]  # (t, s) at t*S + s
        mixed = [sum(a[i, j] * sub[j] for j in range(T * S)) for i in range(T * S)]
        h = [torch.cat(mixed[t * S : (t + 1) * S], dim=1) for t in range(T)]
        outs.append(h)
    beta = w.var("beta", [T, L])
    final = [sum(beta[t, l] * outs[l][t] for l in range(L)) for t in range(T)]
    return [tower(w, t, final[t], c["towerUnits"]) for t in range(T)], [], None


def tensor_factorization(w, x, c):
    h = [x] * T
    m = x.shape[-1]
    for l, n in enumerate(c["bottomUnits"]):
        k1, k2, k3 = min(c["rank"], m), min(c["rank"], n), min(c["taskRank"], T)
        U1, U2, U3 = w.var(f"layer/{l}/U1", [m, k1]), w.var(f"layer/{l}/U2", [n, k2]), w.var(f"layer/{l}/U3", [T, k3])
        core, bias = w.var(f"layer/{l}/core", [k1, k2, k3]), w.var(f"layer/{l}/bias", [T, n])
        # W[i, t, j] = sum_abc core[a, b, c] U1[i, a] U2[j, b] U3[t, c], one loop at a time
        W = torch.zeros(m, T, n)
        for a in range(k1):
            for b in range(k2):
                for cc in range(k3):
                    W += core[a, b, cc] * U1[:, a][:, None, None] * U3[:, cc][None, :, None] * U2[:, b][None, None, :]
        h = [relu(h[t] @ W[:, t, :] + bias[t]) for t in range(T)]
        m = n
    return [tower(w, t, h[t], c["towerUnits"]) for t in range(T)], [], None


def asymmetric(w, x, c):
    f = [mlp(w, f"bottom/{t}", x, c["bottomUnits"]) for t in range(T)]
    ys = [tower(w, 0, f[0], c["towerUnits"])]
    ys += [tower(w, t, torch.cat([f[t], f[0]], dim=1), c["towerUnits"]) for t in range(1, T)]
    return ys, [], None


def customized(w, x, c):
    s = mlp(w, "shared", x, c["sharedUnits"])
    return [tower(w, t, torch.cat([s, mlp(w, f"bottom/{t}", x, c["taskUnits"])], dim=1), c["towerUnits"]) for t in range(T)], [], None


def ple(w, x, c):
    """PLE Eq. 1-6 / mtl_lib.py PLE: inputs[k] is task k's fused output, inputs[T] the shared one."""
    mt, ms, levels = c["taskExperts"], c["sharedExperts"], c["expertUnits"]
    L = len(levels)
    inputs = [x] * (T + 1)
    reported = []
    for l, units in enumerate(levels):
        own = [[mlp(w, f"level/{l}/task/{k}/expert/{i}", inputs[k], units) for i in range(mt)] for k in range(T)]
        shared = [mlp(w, f"level/{l}/shared/expert/{i}", inputs[T], units) for i in range(ms)]
        fused = []
        for k in range(T):
            g = softmax(w.dense(f"level/{l}/task/{k}/gate", inputs[k], mt + ms))
            reported.append((f"task{k}", l, g))
            fused.append(mixture(g, own[k] + shared))
        if l < L - 1:
            g = softmax(w.dense(f"level/{l}/shared/gate", inputs[T], T * mt + ms))
            fused.append(mixture(g, [e for k in range(T) for e in own[k]] + shared))
        inputs = fused
    return [tower(w, t, inputs[t], c["towerUnits"]) for t in range(T)], reported, None


def cgc(w, x, c):
    return ple(w, x, {**c, "expertUnits": [c["expertUnits"]]})


def adatt(w, x, c):
    """AdaTT Eq. 3-11 / mtl_lib.py AdaTTSp and AdaTTWSharedExps."""
    m, levels = c["taskExperts"], c["expertUnits"]
    ms = c.get("sharedExperts", 0) if c["kind"] != "adatt-sp" else 0
    nlf = c["kind"] != "adatt-no-nlf"
    L = len(levels)
    modules = [(f"task/{t}", m) for t in range(T)] + ([("shared", ms)] if ms > 0 else [])
    inputs = [x] * len(modules)
    reported = []
    for l, units in enumerate(levels):
        experts, owner = [], []
        for j, (name, count) in enumerate(modules):
            for i in range(count):
                experts.append(mlp(w, f"level/{l}/{name}/expert/{i}", inputs[j], units))
                owner.append(j)
        N = len(experts)
        fusing = len(modules) if l < L - 1 else T  # shared units do no fusion at the last level
        fused = []
        for j in range(fusing):
            name, count = modules[j]
            g = softmax(w.dense(f"level/{l}/{name}/gate", inputs[j], N))
            if nlf:
                v = w.var(f"level/{l}/{name}/native", [count]) if count > 1 else torch.ones(1)
                native = torch.zeros(N)
                native[[i for i in range(N) if owner[i] == j]] = v
                g = g + native
            if j < T:
                reported.append((f"task{j}", l, g))
            fused.append(mixture(g, experts))
        inputs = fused
    return [tower(w, t, inputs[t], c["towerUnits"]) for t in range(T)], reported, None


def esmm(w, x, c):
    """ESMM (SIGIR 2018): p_t = prod_{j<=t} sigmoid(a_j); outputs logit p_1..p_S, then a_2, a_3, ... (conditionals)."""
    S = c["steps"] or T
    f = mlp(w, "bottom", x, c["bottomUnits"])
    a = [tower(w, t, f, c["towerUnits"]) for t in range(S)]
    ys, p = [], None
    for t in range(S):
        q = torch.sigmoid(a[t])
        p = q if p is None else p * q
        ys.append(a[0] if t == 0 else torch.log(p) - torch.log1p(-p))
    ys += [a[t] for t in range(1, T - S + 1)]
    return ys, [], None


def aitm(w, x, c):
    """AITM (KDD 2021): towers q_t, AIT module over [info(z_{t-1}), q_t], outputs, calibrator."""
    f = mlp(w, "bottom", x, c["bottomUnits"])
    H = c["towerUnits"][-1]
    z = []
    for t in range(T):
        q = mlp(w, f"tower/{t}", f, c["towerUnits"])
        if t == 0 or c["kind"] == "aitm-no-transfer":
            z.append(q)
            continue
        passed = relu(w.dense(f"info/{t}/layer/0", z[t - 1], H))
        scores, values = [], []
        for u in (passed, q):
            qq, kk, vv = (w.dense(f"ait/{t}/{role}", u, H) for role in ("query", "key", "value"))
            scores.append((qq * kk).sum(-1) / math.sqrt(H))
            values.append(vv)
        a = softmax(torch.stack(scores, dim=1))  # [B, 2]
        z.append(a[:, 0:1] * values[0] + a[:, 1:2] * values[1])
    ys = [w.dense(f"output/{t}/layer/0", z[t], 1)[:, 0] for t in range(T)]
    p = [torch.sigmoid(y) for y in ys]
    calibrator = c["calibrator"] * sum(relu(p[t] - p[t - 1]).mean() for t in range(1, T))
    return ys, [], calibrator


def dcn(w, x, c):
    """DCN cross network (ADKDD 2017): x_{l+1} = x_0 (x_l^T w_l) + b_l + x_l, then the wrapped model on x_L."""
    d = x.shape[-1]
    xl = x
    for l in range(c["crossLayers"]):
        k = w._get(f"cross/layer/{l}/kernel", [d, 1], math.sqrt(3 / d))
        xl = x * (xl @ k) + w.var(f"cross/bias/{l}", [d]) + xl
    inner = {k: v for k, v in c.items() if k != "crossLayers"}
    inner["kind"] = c["kind"][len("dcn-"):]
    return ARCH[inner["kind"]](w, xl, inner)


def metaheac(w, x, c):
    """MetaHeac (KDD 2021): experts mixed by a task-embedding gate, critics mixed by another; ablations uniform."""
    n, C, d, kind = c["experts"], c["critics"], c["taskEmbedding"], c["kind"]
    expert_gate = kind in ("metaheac", "metaheac-no-critic-gate")
    critic_gate = kind in ("metaheac", "metaheac-no-expert-gate")
    experts = [mlp(w, f"expert/{i}", x, c["expertUnits"]) for i in range(n)]
    emb = w.var("task/embedding", [T, d]) if expert_gate or critic_gate else None
    rows = x.shape[0]
    ys, reported = [], []
    for t in range(T):
        ge = softmax(w.dense("expert-gate", emb[t : t + 1], n))[0] if expert_gate else torch.full((n,), 1 / n)
        gc = softmax(w.dense("critic-gate", emb[t : t + 1], C))[0] if critic_gate else torch.full((C,), 1 / C)
        h = sum(ge[i] * experts[i] for i in range(n))
        units = c["towerUnits"]
        scores = [w.dense(f"critic/{j}/layer/{len(units)}", mlp(w, f"critic/{j}", h, units), 1)[:, 0] for j in range(C)]
        ys.append(sum(gc[j] * scores[j] for j in range(C)))
        reported += [(f"task{t}", 0, ge.expand(rows, n)), (f"task{t}", 1, gc.expand(rows, C))]
    return ys, reported, None


def dupn(w, x, c):
    """DUPN (KDD 2018): embeddings -> LSTM (padded steps keep the state) -> attention queried by x -> [z; p] -> heads.

    x is the one-hot of the non-sequence columns; c["_sequence"][b][l] lists position l's field indices."""
    d, H, A, P = c["embedding"], c["lstmUnits"], c["attentionUnits"], c["profileUnits"]
    fields = c.get("_fields", [])
    p = relu(w.dense("profile/layer/0", x, P))
    if not fields:
        return [tower(w, t, p, c["towerUnits"]) for t in range(T)], [], None
    q = w.dense("attention/query", x, A)
    tables = [w.var(f"embedding/{f}", [v, d]) for f, v in enumerate(fields)]
    kernel, recurrent, bias = w.var("lstm/kernel", [len(fields) * d, 4 * H]), w.var("lstm/recurrent", [H, 4 * H]), w.var("lstm/bias", [4 * H])
    score = w.var("attention/score", [A])
    zs, weights = [], []
    for b, row in enumerate(c["_sequence"]):
        h, cell, hs = torch.zeros(H), torch.zeros(H), []
        for behaviour in row:
            if behaviour[0] != 0:  # item id 0: a padded position, the state passes through
                v = torch.cat([tables[f][i] for f, i in enumerate(behaviour)])
                z = v @ kernel + bias + h @ recurrent
                i_, f_, g_, o_ = z[:H], z[H : 2 * H], z[2 * H : 3 * H], z[3 * H :]
                cell = torch.sigmoid(f_) * cell + torch.sigmoid(i_) * torch.tanh(g_)
                h = torch.sigmoid(o_) * torch.tanh(cell)
            hs.append(h)
        s = [score @ torch.tanh(w.dense("attention/key", hl[None, :], A)[0] + q[b]) for hl in hs]
        real = [l for l, behaviour in enumerate(row) if behaviour[0] != 0]
        a = torch.zeros(len(row))
        if real:
            a[real] = softmax(torch.stack([s[l] for l in real]))
        weights.append(a)
        zs.append(sum(a[l] * hs[l] for l in range(len(row))))
    w.attention = torch.stack(weights)
    u = torch.cat([torch.stack(zs), p], dim=1)
    return [tower(w, t, u, c["towerUnits"]) for t in range(T)], [], None


ARCH = {
    "single-task": single_task, "shared-bottom": shared_bottom, "omoe": lambda w, x, c: moe(w, x, c, True),
    "mmoe": lambda w, x, c: moe(w, x, c, False), "ml-mmoe": ml_mmoe, "cross-stitch": cross_stitch, "sluice": sluice,
    "l2-constrained": l2_constrained, "tensor-factorization": tensor_factorization, "asymmetric": asymmetric,
    "customized": customized, "cgc": cgc, "ple": ple, "adatt-sp": adatt, "adatt": adatt, "adatt-no-nlf": adatt,
    "esmm": esmm, "esmm-base": esmm, "aitm": aitm, "aitm-no-transfer": aitm,
    "dcn-shared-bottom": dcn, "dcn-mmoe": dcn, "dcn-ple": dcn,
    "dupn": dupn, "metaheac": metaheac, "metaheac-no-expert-gate": metaheac, "metaheac-no-critic-gate": metaheac,
    "metaheac-no-gates": metaheac,
}

# Inputs with a behaviour sequence (the last length * len(fields) categorical columns), per layout.
SEQUENCE_INPUTS = {
    "shared": {"numeric": 3, "categorical": [3, 2] + [5, 3] * 4, "sequence": {"length": 4, "fields": [5, 3]}},
    "per-replica": {"numeric": 4, "categorical": [6] * 3, "sequence": {"length": 3, "fields": [6]}},
}

# (config, scale of every non-Dense variable by a regular expression on its name); every kind at least once.
CASES = [
    ({"kind": "single-task", "bottomUnits": [4, 3], "towerUnits": [3]}, {}),
    ({"kind": "shared-bottom", "bottomUnits": [4, 3], "towerUnits": [3]}, {}),
    ({"kind": "omoe", "experts": 3, "expertUnits": [4, 3], "towerUnits": [3]}, {}),
    ({"kind": "mmoe", "experts": 3, "expertUnits": [4, 3], "towerUnits": [3]}, {}),
    ({"kind": "ml-mmoe", "experts": 3, "expertUnits": [[4, 3], [3], [2]], "towerUnits": [3]}, {}),
    ({"kind": "cross-stitch", "units": [4, 3], "towerUnits": [3]}, {"^stitch/": 0.8}),
    ({"kind": "sluice", "units": [4, 4, 4], "subspaces": 2, "towerUnits": [3]}, {"^alpha/": 0.6, "^beta$": 1.0}),
    ({"kind": "l2-constrained", "bottomUnits": [4, 3], "towerUnits": [3], "alpha": 0.1}, {}),
    ({"kind": "tensor-factorization", "bottomUnits": [4, 3], "towerUnits": [3], "rank": 3, "taskRank": 2},
     {"^layer/\\d+/U[12]$": 0.6, "^layer/\\d+/U3$": 0.8, "^layer/\\d+/core$": 1.0, "^layer/\\d+/bias$": 0.5}),
    ({"kind": "asymmetric", "bottomUnits": [4, 3], "towerUnits": [3]}, {}),
    ({"kind": "customized", "sharedUnits": [4, 3], "taskUnits": [3], "towerUnits": [3]}, {}),
    ({"kind": "cgc", "taskExperts": 2, "sharedExperts": 1, "expertUnits": [4, 3], "towerUnits": [3]}, {}),
    ({"kind": "ple", "taskExperts": 2, "sharedExperts": 1, "expertUnits": [[4, 3], [3], [3]], "towerUnits": [3]}, {}),
    ({"kind": "ple", "taskExperts": 1, "sharedExperts": 2, "expertUnits": [[4], [3]], "towerUnits": []}, {}),
    ({"kind": "adatt-sp", "taskExperts": 1, "expertUnits": [[4, 3], [3]], "towerUnits": [3]}, {}),
    ({"kind": "adatt-sp", "taskExperts": 2, "expertUnits": [[4], [3], [3]], "towerUnits": [3]}, {"/native$": 1.0}),
    ({"kind": "adatt", "taskExperts": 2, "sharedExperts": 2, "expertUnits": [[4, 3], [3], [3]], "towerUnits": [3]}, {"/native$": 1.0}),
    ({"kind": "adatt", "taskExperts": 2, "sharedExperts": 1, "expertUnits": [[4], [3]], "towerUnits": [3]}, {"/native$": 1.0}),
    ({"kind": "adatt-no-nlf", "taskExperts": 2, "sharedExperts": 1, "expertUnits": [[4], [3], [3]], "towerUnits": [3]}, {}),
    ({"kind": "esmm", "bottomUnits": [4, 3], "towerUnits": [3], "steps": 2}, {}),
    ({"kind": "esmm", "bottomUnits": [4], "towerUnits": [], "steps": 0}, {}),
    ({"kind": "esmm-base", "bottomUnits": [4, 3], "towerUnits": [3], "steps": 2}, {}),
    ({"kind": "aitm", "bottomUnits": [4], "towerUnits": [4, 3], "calibrator": 0.6}, {}),
    ({"kind": "aitm-no-transfer", "bottomUnits": [4], "towerUnits": [3], "calibrator": 0.5}, {}),
    ({"kind": "dcn-shared-bottom", "crossLayers": 2, "bottomUnits": [4, 3], "towerUnits": [3]}, {"^cross/bias/": 0.5}),
    ({"kind": "dcn-mmoe", "crossLayers": 1, "experts": 3, "expertUnits": [4], "towerUnits": [3]}, {"^cross/bias/": 0.5}),
    ({"kind": "dcn-ple", "crossLayers": 2, "taskExperts": 1, "sharedExperts": 2, "expertUnits": [[4], [3]], "towerUnits": [3]}, {"^cross/bias/": 0.5}),
    ({"kind": "metaheac", "experts": 3, "expertUnits": [4, 3], "critics": 2, "towerUnits": [3], "taskEmbedding": 2}, {"^task/embedding$": 1.0}),
    ({"kind": "metaheac-no-expert-gate", "experts": 3, "expertUnits": [4], "critics": 3, "towerUnits": [3], "taskEmbedding": 3}, {"^task/embedding$": 1.0}),
    ({"kind": "metaheac-no-critic-gate", "experts": 2, "expertUnits": [4, 3], "critics": 2, "towerUnits": [], "taskEmbedding": 2}, {"^task/embedding$": 1.0}),
    ({"kind": "metaheac-no-gates", "experts": 3, "expertUnits": [4, 3], "critics": 2, "towerUnits": [3], "taskEmbedding": 2}, {}),
    ({"kind": "dupn", "embedding": 2, "lstmUnits": 3, "attentionUnits": 4, "profileUnits": 2, "towerUnits": [3]},
     {"^embedding/": 1.0, "^lstm/": 0.6, "^attention/score$": 1.0}, SEQUENCE_INPUTS),
    ({"kind": "dupn", "embedding": 2, "lstmUnits": 3, "attentionUnits": 4, "profileUnits": 2, "towerUnits": []}, {}),
]

LAYOUTS = {
    # Census-like: the same rows for every replica, numeric plus categorical columns.
    "shared": {"numeric": 3, "categorical": [3, 2]},
    # Synthetic-like: each replica its own rows, numeric only.
    "per-replica": {"numeric": 4, "categorical": []},
}


class Scales(dict):
    """Variable name -> scale: the first of the case's regular expressions that matches (JS and Python agree on these)."""

    def __init__(self, patterns):
        super().__init__()
        self.patterns = patterns

    def __missing__(self, name):
        for p, s in self.patterns.items():
            if re.search(p, name):
                return s
        raise KeyError(f"no scale for variable {name}")


def rnd(x):
    return [rnd(v) for v in x] if isinstance(x, list) else float(f"{x:.8g}")


def batch_for(layout, spec, case_id):
    """Inputs as stored in the fixture: numeric rounded to 4 decimals, categorical indices."""
    R = len(MASTERS)
    rows = R if layout == "per-replica" else 1
    numeric = [[[round((2 * unit(f"x/{case_id}|{r}|{b}|{j}") - 1) * 1.5, 4) for j in range(spec["numeric"])] for b in range(B)] for r in range(rows)]
    categorical = [[int(unit(f"c/{case_id}|{b}|{c}") * v) for c, v in enumerate(spec["categorical"])] for b in range(B)]
    return numeric, categorical


def model_input(numeric_rows, categorical, spec):
    x = f32(numeric_rows)
    if spec["categorical"]:
        hot = [torch.nn.functional.one_hot(torch.tensor([row[c] for row in categorical]), v).to(torch.float64) for c, v in enumerate(spec["categorical"])]
        x = torch.cat([x, *hot], dim=1)
    return x


def sequence_batch(spec, categorical, case_id):
    """Overwrites the sequence columns: row 0 has every behaviour, row 1 ends in padding, row 2 has padding inside."""
    L, fields = spec["sequence"]["length"], spec["sequence"]["fields"]
    first = len(spec["categorical"]) - L * len(fields)
    padded = {1: {L - 1}, 2: {1, L - 1}}
    for b, row in enumerate(categorical):
        for l in range(L):
            for f, v in enumerate(fields):
                u = unit(f"s/{case_id}|{b}|{l}|{f}")
                row[first + l * len(fields) + f] = (0 if l in padded.get(b, set()) else 1 + int(u * (v - 1))) if f == 0 else int(u * v)
    return first, [[row[first + l * len(fields) : first + (l + 1) * len(fields)] for l in range(L)] for row in categorical]


def run_case(cfg, patterns, layout, case_id, inputs=None):
    spec = (inputs or LAYOUTS)[layout]
    numeric, categorical = batch_for(layout, spec, case_id)
    arch_cfg, query = cfg, spec
    if "sequence" in spec:
        first, sequences = sequence_batch(spec, categorical, case_id)
        arch_cfg = {**cfg, "_fields": spec["sequence"]["fields"], "_sequence": sequences}
        query = {"numeric": spec["numeric"], "categorical": spec["categorical"][:first]}
    outputs, gates, extra, attention = [], {}, [], []
    for r, master in enumerate(MASTERS):
        w = Weights(master, Scales(patterns))
        x = model_input(numeric[r if layout == "per-replica" else 0], [row[: len(query["categorical"])] for row in categorical], query)
        ys, reported, omega = ARCH[cfg["kind"]](w, x, arch_cfg)
        if hasattr(w, "attention"):
            attention.append(w.attention.tolist())
        outputs.append(torch.stack(ys, dim=1).tolist())  # [B, T]
        for i, (task, level, g) in enumerate(reported):
            gates.setdefault(i, {"task": task, "level": level, "weights": []})["weights"].append(g.tolist())
        if omega is not None:
            extra.append(float(omega))
    out = {
        "id": case_id, "layout": layout, "config": cfg, "input": spec, "direct": patterns,
        "batch": {"numeric": numeric if layout == "per-replica" else numeric[0], **({"categorical": categorical} if spec["categorical"] else {})},
        "outputs": rnd(outputs),
    }
    if layout == "shared" and gates:
        out["gates"] = [{**g, "weights": rnd(g["weights"])} for g in gates.values()]
    if extra:
        out["extraLoss"] = rnd(extra)
    if attention:
        out["attention"] = rnd(attention)
    return out


# The AdaTT paper's census configuration with 6 experts per level (Table 5), at the input width
# of the MMoEEx/AdaTT feature pipeline; the official parameter counts of mtl_lib.py's modules.
OFFICIAL = [
    ({"kind": "adatt-sp", "taskExperts": 2, "expertUnits": [[128], [64]], "towerUnits": [32]}, 437061),
    ({"kind": "ple", "taskExperts": 1, "sharedExperts": 3, "expertUnits": [[128], [64]], "towerUnits": [32]}, 436275),
    ({"kind": "ml-mmoe", "experts": 6, "expertUnits": [[128], [64]], "towerUnits": [32]}, 452079),
]


def official_counts(width):
    out = []
    for cfg, expected in OFFICIAL:
        w = Weights(1, Scales({"/native$": 1.0}), count_only=True)
        ARCH[cfg["kind"]](w, torch.zeros(1, width), cfg)
        n = w.count()
        if width == 481 and n != expected:
            sys.exit(f"reference count for {cfg['kind']} at width 481 is {n}, the official code has {expected}")
        out.append({"config": cfg, "width": width, "perReplica": n})
    return out


def main():
    cases = [run_case(cfg, pat, layout, f"{i}-{cfg['kind']}-{layout}", *inputs) for layout in LAYOUTS for i, (cfg, pat, *inputs) in enumerate(CASES)]
    fixture = {
        "generator": "test/reference/models_reference.py (/usr/bin/python3, torch " + torch.__version__ + ", float64)",
        "masters": MASTERS, "tasks": T, "rows": B, "cases": cases,
        "counts": official_counts(481) + official_counts(517),
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {len(cases)} cases, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
