"""Refit Phase 1's argument head on frozen features of fresh samples, then read the hard zoom samples with it.

    python experiments/head_refit.py 3000 40     # samples, epochs

The stored tiny Phase 1 checkpoint (`sft_checkpoint`) is loaded; a fresh pointer head (last-layer keys) is trained on
the first CoTA turn of N fresh zoom-first samples (as in `pointer_probe.py`), then replaces the checkpoint's head as
the rollout's argument writer on the 113 hard zoom samples (tools and no-tool control by choice, paired gap). About
5 minutes on 2 threads. Result appended to `experiments/results/head_refit.jsonl`.
"""
import sys, json, time, torch
sys.path.insert(0, str(__import__('pathlib').Path(__file__).parent))
import pointer_probe as PP
from dataclasses import replace
from pixelis_nb.core import get_scale
from pixelis_nb.sft import (sft_checkpoint, load_sft_policy, load_sft_heads, PointerArgHead, arg_loss, SFTConfig, sft_config,
                            eval_samples, eval_rollout, head_writer)
from pixelis_nb.evaluate import policy_results, control_results, choice_results, summarize, paired_gap, zoom_hard
from pixelis_nb.tools import tool_config
from pixelis_nb.cota import cota_config
torch.set_num_threads(2)
N = int(sys.argv[1]); EP = int(sys.argv[2])
scale = get_scale('tiny'); cfg = sft_config(scale)
ck = sft_checkpoint(scale, cfg)
pol, proc = load_sft_policy(ck); heads = load_sft_heads(ck); pol.eval()
t0 = time.time()
PP.LAYERS = (-1,)
tr = PP.features(pol, proc, PP.examples(pol, proc, 5_000_000, N, ['easy', 'medium', 'hard'], False))
print('feats', round(time.time() - t0, 1), flush=True)
torch.manual_seed(0)
head = PointerArgHead(tr[0].shape[-1], 128, -1)
opt = torch.optim.AdamW(head.parameters(), lr=2e-3, weight_decay=0.01)
for ep in range(EP):
    perm = torch.randperm(len(tr[0]))
    for i in range(0, len(perm), 128):
        idx = perm[i:i + 128]
        (box, lg), key = PP.apply(head, tr[0][idx], tr[1][-1][idx], tr[3][idx], hard=False)
        loss = arg_loss(box, lg, torch.zeros(len(idx), dtype=torch.long), tr[2][idx], key, SFTConfig())
        opt.zero_grad(); loss.backward(); opt.step()
head.eval(); heads['arg'] = head
allv = eval_samples(scale, replace(cfg, eval_per_cell=30)); samples = zoom_hard(allv, allv)
tcfg = tool_config(scale, obs_max_frames=cota_config(scale).obs_max_frames)
g = eval_rollout(cfg)
res = policy_results(pol, proc, samples, tcfg, g, arg_writer=head_writer(heads))
ctrl = control_results(pol, proc, samples, g)
rc, cc = choice_results(pol, proc, samples, res), choice_results(pol, proc, samples, ctrl)
acc = lambda rs: round(summarize(rs)['accuracy'], 3)
by = lambda rs, t: acc([r for r, s in zip(rs, samples) if s.task_type == t])
out = dict(N=N, EP=EP, tools=acc(rc), control=acc(cc), iou=round(summarize(res)['arg_iou'], 3), gap=paired_gap(rc, cc),
           by_task={t: (by(rc, t), by(cc, t)) for t in sorted({s.task_type for s in samples})})
print(json.dumps(out), flush=True)
from pathlib import Path
with (Path(__file__).parent/'results'/'head_refit.jsonl').open('a') as fh: fh.write(json.dumps(out) + '\n')
