"""Benchmarks for Part III's alignment and audit (run: .venv/bin/python bench/fairness.py [--quick]).

1. The GDA term (`pixelis_nb.alignment.sinkhorn_alignment_loss`, POT Sinkhorn, one solve per (class, group) cell),
   forward + backward on a batch of 256 scores across 8 groups, against a plain torch log-domain Sinkhorn that solves
   all groups of a class at once (padded). The baseline lives here only; it is the "what would batching by hand buy"
   reference. Both use eps=0.1 and squared cost and print the same value; POT stops early (stopThr 1e-6, checked
   every 10 iterations) while the baseline always runs 100 iterations, which is part of the difference.
2. `pixelis_nb.audit.audit_table` on 4000 images, gender/race/intersection, with and without bootstrap.
"""
import sys, time, statistics
import numpy as np
import torch

from pixelis_nb.alignment import sinkhorn_alignment_loss
from pixelis_nb.audit import audit_table

QUICK = '--quick' in sys.argv
torch.set_num_threads(1)   # small tensors; avoids thread contention on 2 shared cores


def timeit(fn, reps, warmup=2):
    for _ in range(warmup): fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def torch_log_sinkhorn_alignment(scores, labels, groups, eps=0.1, n_iter=100, min_group=2):
    "Baseline: all groups of a class solved together in the log domain (padded), fixed iterations."
    total = scores.new_zeros(())
    for c in labels.unique():
        s_c, g_c = scores[labels == c], groups[labels == c]
        ids = [g for g in g_c.unique() if min_group <= int((g_c == g).sum()) < len(s_c)]
        if not ids: continue
        n = max(int((g_c == g).sum()) for g in ids)
        X = s_c.new_zeros(len(ids), n); mask = torch.zeros(len(ids), n, dtype=torch.bool)
        for k, g in enumerate(ids):
            v = s_c[g_c == g]; X[k, :len(v)] = v; mask[k, :len(v)] = True
        C = (X[:, :, None] - s_c[None, None, :]) ** 2                       # [G, n, m]
        loga = torch.where(mask, -mask.sum(1, keepdim=True).float().log(), torch.tensor(-float('inf')))
        logb = torch.full((len(s_c),), -float(np.log(len(s_c))))
        f = torch.zeros(len(ids), n); g = torch.zeros(len(ids), len(s_c))
        for _ in range(n_iter):
            f = -eps * torch.logsumexp((g[:, None, :] - C) / eps + logb[None, None, :], 2)
            f = torch.where(mask, f, torch.zeros_like(f))
            g = -eps * torch.logsumexp((f[:, :, None] - C) / eps + loga[:, :, None], 1)
        logP = (f[:, :, None] + g[:, None, :] - C) / eps + loga[:, :, None] + logb[None, None, :]
        total = total + (logP.exp() * C).sum()
    return total


def bench_alignment():
    torch.manual_seed(0)
    B, G = 256, 8
    z = torch.randn(B)
    labels = torch.randint(0, 2, (B,)); groups = torch.randint(0, G, (B,))
    shift = torch.linspace(-0.8, 0.8, G)
    z = z + 2 * labels + shift[groups]

    def step(fn, **kw):
        def run():
            s = torch.sigmoid(z.clone().requires_grad_(True))
            l = fn(s, labels, groups, **kw); l.backward(); return l
        return run
    reps = 5 if QUICK else 20
    pot = step(sinkhorn_alignment_loss, eps=0.1)
    pot_log = step(sinkhorn_alignment_loss, eps=0.1, method='sinkhorn_log')
    base = step(torch_log_sinkhorn_alignment, eps=0.1)
    v_pot, v_base = pot().item(), base().item()
    t_pot, t_base = timeit(pot, reps), timeit(base, reps)
    t_log = timeit(pot_log, max(2, reps // 5), warmup=1)
    print(f"gda_value_pot: {v_pot:.5f} (same quantity, baseline {v_base:.5f})")
    print(f"gda_fwd_bwd_pot_sinkhorn_b256_g8: {t_pot*1e3:.1f} ms")
    print(f"gda_fwd_bwd_pot_sinkhorn_log_b256_g8: {t_log*1e3:.1f} ms")
    print(f"gda_fwd_bwd_torch_logdomain_batched_b256_g8: {t_base*1e3:.1f} ms")
    print(f"gda_pot_speed: {t_base/t_pot:.2f} x (vs BASELINE torch log-domain batched Sinkhorn)")
    print(f"gda_pot_log_speed: {t_base/t_log:.2f} x (vs BASELINE torch log-domain batched Sinkhorn)")


def bench_audit():
    rng = np.random.default_rng(0)
    N = 4000
    gender, race = rng.integers(0, 2, N), rng.integers(0, 4, N)
    y = rng.integers(0, 2, N)
    s = 1 / (1 + np.exp(-(np.where(y == 1, 1.5, -1.5) + 0.4 * race + rng.normal(0, 1, N))))
    attrs = dict(gender=gender, race=race)
    n_boot = 20 if QUICK else 100
    t0 = timeit(lambda: audit_table(y, s, attrs), 3 if QUICK else 5, warmup=1)
    t1 = timeit(lambda: audit_table(y, s, attrs, n_boot=n_boot), 1, warmup=0)
    print(f"audit_table_n4000_3rows: {t0*1e3:.1f} ms")
    print(f"audit_table_n4000_3rows_boot{n_boot}: {t1:.2f} s")
    print(f"audit_table_per_bootstrap_resample: {t1/n_boot*1e3:.1f} ms")


if __name__ == '__main__':
    bench_alignment()
    bench_audit()
