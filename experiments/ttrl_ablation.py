"""Phase 3 ablation arms, too long for chapter 17's budget: the chapter reads what this script appends.

    python experiments/ttrl_ablation.py [SCALE] [WORKERS]     # default: tiny, 2

Runs, through the artifact store (so arms already run are loaded, not rerun), the chapter's Phase 3 configuration and
the frozen policy voting by Phase 3's rule (`ttrl.frozen_arms`; its majority vote is read from the same trajectories
by `ttrl.relabel`), then
`ttrl.ablation_arms`: answer voting, no retrieval, no corridor, and Phase 3 and the frozen arm at sampling seeds 1
and 2. Every arm sees the same shifted stream. Each arm's log and items
are kept (the chapter recomputes the paired gaps of the seed-0 arms against its own frozen runs), with
`ttrl.arm_summary` against the frozen arms at the same seed as this script found them. One JSON line is appended to
`experiments/results/ttrl_ablation.jsonl`, keyed by the hash of the main configuration and the start (chapter 16's
checkpoint, by its store name).

The track tool (OpenCV's MIL tracker) is not deterministic between calls in one process, so two runs of one config
agree only approximately; the arms' spread over sampling seeds is the scale of such differences.
"""
import sys, json, time
from dataclasses import asdict
from pathlib import Path
from pixelis_nb.core import get_scale, config_hash
from pixelis_nb.rft import rft_checkpoint
from pixelis_nb.base import checkpoint_name
from pixelis_nb.ttrl import (TTRL_VERSION, ttrl_config, run_ttrl_arms, load_ttrl_run, arm_summary, frozen_arms,
                              ablation_arms, relabel)

def main(scale_name:str='tiny', workers:int=2):
    scale = get_scale(scale_name)
    cfg = ttrl_config(scale)
    base = {'Phase 3': cfg} | frozen_arms(cfg)
    extra = ablation_arms(cfg)
    t0 = time.time()
    paths = run_ttrl_arms(scale, base | extra, workers)
    secs = time.time() - t0
    runs = {k: load_ttrl_run(p) for k, p in paths.items()}
    runs |= {k.replace('route vote', 'vote'): relabel(r, 'answer majority') for k, r in list(runs.items())
             if k.startswith('frozen route vote')}   # the majority vote, read from the same frozen trajectories
    at = lambda name, s: runs[name] if s == 0 else runs[f'{name}, seed {s}']
    same = lambda c: c.vote == cfg.vote and c.retrieval == cfg.retrieval
    out = {}
    for k, c in extra.items():
        summ = arm_summary(runs[k], at('frozen vote', c.seed) if c.update else None,
                           at('frozen route vote', c.seed) if c.update and same(c) else None)
        out[k] = dict(hash=config_hash(c), config=asdict(c), summary=summ, secs=runs[k]['secs'],
                      history=runs[k]['history'], items=runs[k]['items'])
        print(f"{k:26s} acc {summ['accuracy']:.3f}  gap {summ.get('gap', float('nan')):+.3f}  "
              f"gap_rule {summ.get('gap_rule', float('nan')):+.3f}  rejections {summ['rejections']}  "
              f"kl_start {summ['final_kl_start']:.4f}", flush=True)
    line = dict(scale=scale.name, main_hash=config_hash(cfg), start=checkpoint_name(rft_checkpoint(scale)),
                version=TTRL_VERSION, secs=round(secs, 1), arms=out)
    f = Path(__file__).parent/'results'/'ttrl_ablation.jsonl'
    with f.open('a') as fh: fh.write(json.dumps(line, default=float) + '\n')

if __name__ == '__main__':
    main(*(sys.argv[1:2] or ['tiny']), *map(int, sys.argv[2:3]))
