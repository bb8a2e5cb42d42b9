"""Phase 1 levers on the hard zoom-needing tasks: train one SFT variant from the shipped base and read it with the shared evaluator.

    python experiments/hard_zoom_levers.py NAME '{"lr": 2e-4}'          # SFTConfig overrides, as JSON
    python experiments/hard_zoom_levers.py base '{"no_sft": true}'      # the base policy itself (spelled arguments)
    python experiments/hard_zoom_levers.py mix '{"mix_chains": 800}'    # + 800 fresh CoTA chains (seeds 3,000,000+)

Scores the hard samples whose expert zooms (30 per task x difficulty cell, `eval_seed` as in chapter 14): the policy's
own tools, the no-tool control and the expert's tools, all by choice, with the paired tools - control gap. One JSON line
is printed and appended to `experiments/results/hard_zoom_levers.jsonl`. At tiny on one core: 2-3 min of training,
1-2 min of evaluation per variant. Results are measurements of one seed, not a tuned optimum.
"""
import sys, json, time
from dataclasses import replace
from pathlib import Path
import numpy as np
import torch
from pixelis_nb.core import get_scale
from pixelis_nb.sft import sft_config, sft_data, train_policy, eval_samples, eval_rollout, head_writer, encode_trace
from pixelis_nb.base import load_base
from pixelis_nb.evaluate import (policy_results, control_results, oracle_results, choice_results, summarize, paired_gap,
                                 zoom_hard)
from pixelis_nb.tools import tool_config
from pixelis_nb.cota import cota_config, synthesize, check_trace
from pixelis_nb.world import make_sample, world_config, TASK_TYPES
from pixelis_nb.policy import make_processor

def fresh_chains(proc, n:int, wcfg, tcfg, seed0:int=3_000_000) -> list:
    "`n` encoded CoTA chains from fresh seeds, half of them attribute/ocr."
    out, k = [], 0
    while len(out) < n:
        t = TASK_TYPES[k % len(TASK_TYPES)] if k % 2 else ('attribute', 'ocr')[k // 2 % 2]
        s = make_sample(seed0 + k, t, ('easy', 'medium', 'hard')[k % 3], cfg=wcfg); k += 1
        tr = synthesize(s, 'chain', 'concise', tcfg)
        if check_trace(s, tr) == 'ok': out.append(encode_trace(proc, tr, wcfg, s))
    return out

def main(name:str, kw:dict, threads:int=1, per_cell:int=30):
    torch.set_num_threads(threads)
    mix, no_sft = kw.pop('mix_chains', 0), kw.pop('no_sft', False)
    scale = get_scale('tiny')
    cfg = replace(sft_config(scale), **kw)
    proc = make_processor(scale)
    wcfg, tcfg = world_config(scale), tool_config(scale, obs_max_frames=cota_config(scale).obs_max_frames)
    if no_sft: (pol, proc), writer, secs = load_base(scale), None, 0.0
    else:
        data = sft_data(scale, proc) + (fresh_chains(proc, mix, wcfg, tcfg) if mix else [])
        model, _, _, secs = train_policy(scale, cfg, data, proc)
        pol, writer = model.policy, (head_writer(model.heads) if cfg.aux and cfg.arg_decode == 'head' else None)
    allv = eval_samples(scale, replace(cfg, eval_per_cell=per_cell))
    samples = zoom_hard(allv, allv)
    t0 = time.time()
    g = eval_rollout(cfg)
    res = policy_results(pol, proc, samples, tcfg, g, arg_writer=writer)
    ctrl = control_results(pol, proc, samples, g)
    orc = oracle_results(pol, proc, samples, tcfg, cfg.eval_max_new_tokens)
    rc, cc, oc = (choice_results(pol, proc, samples, r) for r in (res, ctrl, orc))
    acc = lambda rs: round(summarize(rs)['accuracy'], 3)
    by = lambda rs, t: acc([r for r, s in zip(rs, samples) if s.task_type == t])
    out = dict(name=name, kw=kw, mix_chains=mix, no_sft=no_sft, n=len(samples), train_secs=round(secs, 1),
               eval_secs=round(time.time() - t0, 1), tools_choice=acc(rc), control_choice=acc(cc), expert_choice=acc(oc),
               arg_iou=round(summarize(res)['arg_iou'], 3), valid=round(summarize(res)['valid_rate'], 3),
               gap_tools_control=paired_gap(rc, cc), gap_expert_control=paired_gap(oc, cc),
               by_task={t: dict(tools=by(rc, t), control=by(cc, t), expert=by(oc, t)) for t in sorted({s.task_type for s in samples})})
    print(json.dumps(out), flush=True)
    f = Path(__file__).parent/'results'/'hard_zoom_levers.jsonl'
    f.parent.mkdir(exist_ok=True)
    with f.open('a') as fh: fh.write(json.dumps(out) + '\n')

if __name__ == '__main__':
    main(sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {})
