"""Refit Phase 1's argument head on frozen features of fresh samples, then read the hard zoom samples with it.

    python experiments/head_refit.py 3000 40            # samples, epochs (pointer reads last-layer keys, no pooling)
    POOL=0 KEY=0 python experiments/head_refit.py 3000 40   # keys at layer 0, query pools the words (layer 0)

The stored tiny Phase 1 checkpoint (`sft_checkpoint` with the current defaults) is loaded; a fresh pointer head is
trained on the first CoTA turn of N fresh zoom-first samples (as in `pointer_probe.py`), then replaces the
checkpoint's head as the rollout's argument writer on the 113 hard zoom samples (tools and no-tool control by choice,
paired gap, per task: accuracy by choice with tools, without, and the head's IoU). The same head is also read on 300
hard `ocr` and `attribute` contexts that hold the expert's own first thought (teacher-forced: pointer cell accuracy,
how often the target's centre is inside the box), to separate grounding from what the policy's own thought does to
it. About 5 minutes on 2 threads. Result appended to `experiments/results/head_refit.jsonl`.
"""
import os, sys, json, time, torch
import torch.nn.functional as F
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
import pointer_probe as PP
from dataclasses import replace
from pixelis_nb.core import get_scale
from pixelis_nb.sft import (sft_checkpoint, load_sft_policy, load_sft_heads, PointerArgHead, arg_loss, SFTConfig,
                            sft_config, eval_samples, eval_rollout, head_writer, view_keys, image_spans, target_cell)
from pixelis_nb.evaluate import policy_results, control_results, choice_results, summarize, paired_gap, zoom_hard
from pixelis_nb.policy import collate, model_inputs, ROLE_ID
from pixelis_nb.tools import tool_config
from pixelis_nb.cota import cota_config
torch.set_num_threads(2)
N, EP = int(sys.argv[1]), int(sys.argv[2])
POOL = None if os.environ.get('POOL', '') == '' else int(os.environ['POOL'])
KEY = int(os.environ.get('KEY', '-1'))
scale = get_scale('tiny'); cfg = sft_config(scale)
ck = sft_checkpoint(scale, cfg)
pol, proc = load_sft_policy(ck); heads = load_sft_heads(ck); pol.eval()

@torch.no_grad()
def features(ex):
    "Per context: the `=[` state, the scene's visual tokens at layer KEY, the prompt's text states at layer POOL, the box."
    H, K, C, V, S = [], [], [], [], []
    for hs, j, e, box, L, sp in PP.hidden_rows(pol, proc, ex):
        ids = e['input_ids']
        H.append(hs[-1][j, L - 1]); K.append(hs[KEY][j, sp[0]:sp[0] + sp[1] * sp[2]])
        if POOL is not None: C.append(hs[POOL][j, :L][(ids != proc.image_token_id) & (e['roles'] == ROLE_ID['prompt'])])
        V.append(box); S.append(sp)
    T = max((len(c) for c in C), default=1)
    M = torch.stack([torch.arange(T) < len(c) for c in C]) if C else None
    Cp = torch.stack([F.pad(c, (0, 0, 0, T - len(c))) for c in C]) if C else None
    return torch.stack(H), torch.stack(K), Cp, M, torch.tensor(V), torch.tensor(S)

t0 = time.time()
H, K, C, M, V, S = features(PP.examples(pol, proc, 5_000_000, N, ['easy', 'medium', 'hard'], False))
feat_secs = time.time() - t0
torch.manual_seed(0)
head = PointerArgHead(H.shape[-1], 128, KEY, POOL)
opt = torch.optim.AdamW(head.parameters(), lr=2e-3, weight_decay=0.01)
t0 = time.time()
for ep in range(EP):
    perm = torch.randperm(len(H))
    for i in range(0, len(perm), 128):
        ix = perm[i:i + 128]
        key = torch.stack([torch.zeros(len(ix), dtype=torch.long), S[ix, 1], S[ix, 2]], 1)
        ctx = dict(ctx=C[ix], ctx_mask=M[ix]) if POOL is not None else {}
        keys = K[ix]
        _, centres, mask, cell = view_keys(torch.zeros(len(ix), keys.shape[1], 1), torch.arange(len(ix)), key)
        box, lg = head(H[ix], keys, centres, mask, cell, **ctx)
        loss = arg_loss(box, lg, torch.zeros(len(ix), dtype=torch.long), V[ix], key, SFTConfig())
        opt.zero_grad(); loss.backward(); opt.step()
fit_secs = time.time() - t0
head.eval(); heads['arg'] = head

@torch.no_grad()
def teacher_forced(task:str) -> dict:
    "The head on 300 hard contexts of `task` with the expert's own first thought: cell accuracy, centre inside box."
    Ht, Kt, Ct, Mt, Vt, St = features(PP.examples(pol, proc, 900_000, 300, ['hard'], False, tasks=(task,)))
    key = torch.stack([torch.zeros(len(Ht), dtype=torch.long), St[:, 1], St[:, 2]], 1)
    _, centres, mask, cell = view_keys(torch.zeros(len(Ht), Kt.shape[1], 1), torch.arange(len(Ht)), key)
    box, lg = head(Ht, Kt, centres, mask, cell, hard=True, **(dict(ctx=Ct, ctx_mask=Mt) if POOL is not None else {}))
    cx, cy = (Vt[:, 0] + Vt[:, 2]) / 2, (Vt[:, 1] + Vt[:, 3]) / 2
    inside = (box[:, 0] <= cx) & (cx <= box[:, 2]) & (box[:, 1] <= cy) & (cy <= box[:, 3])
    return dict(cell=round((lg.argmax(-1) == target_cell(Vt, key)).float().mean().item(), 3),
                centre_inside=round(inside.float().mean().item(), 3))

forced = {t: teacher_forced(t) for t in ('ocr', 'attribute')}
allv = eval_samples(scale, replace(cfg, eval_per_cell=30)); samples = zoom_hard(allv, allv)
tcfg = tool_config(scale, obs_max_frames=cota_config(scale).obs_max_frames)
g = eval_rollout(cfg)
res = policy_results(pol, proc, samples, tcfg, g, arg_writer=head_writer(heads))
ctrl = control_results(pol, proc, samples, g)
rc, cc = choice_results(pol, proc, samples, res), choice_results(pol, proc, samples, ctrl)
acc = lambda rs: round(summarize(rs)['accuracy'], 3)
by = lambda rs, t: acc([r for r, s in zip(rs, samples) if s.task_type == t])
iou_by = lambda t: round(summarize([r for r, s in zip(res, samples) if s.task_type == t])['arg_iou'] or 0, 3)
out = dict(N=N, EP=EP, pool=POOL, key=KEY, sft=ck.name, feat_secs=round(feat_secs, 1), fit_secs=round(fit_secs, 1),
           teacher_forced=forced, tools=acc(rc), control=acc(cc), iou=round(summarize(res)['arg_iou'], 3), gap=paired_gap(rc, cc),
           by_task={t: (by(rc, t), by(cc, t), iou_by(t)) for t in sorted({s.task_type for s in samples})})
print(json.dumps(out), flush=True)
with (Path(__file__).parent/'results'/'head_refit.jsonl').open('a') as fh: fh.write(json.dumps(out) + '\n')
