"""Phase 3 ablation arms, too long for chapter 17's budget: the chapter reads what this script appends.

    python experiments/ttrl_ablation.py [SCALE] [WORKERS]     # default: tiny, 2

Runs, through the artifact store (so arms already run are loaded, not rerun), the chapter's Phase 3 configuration and
the frozen answer-majority vote, then `ttrl.ablation_arms`: answer voting (TTRL), no retrieval, no corridor, and
Phase 3 and the frozen vote at sampling seeds 1 and 2. Every arm sees the same shifted stream. Each arm's log and items
are kept (the chapter recomputes the paired gaps of the seed-0 arms against its own frozen run), with `ttrl.arm_summary`
against the frozen vote at the same seed as this script found it. One JSON line is appended to
`experiments/results/ttrl_ablation.jsonl`, keyed by the hash of the main configuration.

The track tool (OpenCV's MIL tracker) is not deterministic between calls in one process, so two runs of one config
agree only approximately; the arms' spread over sampling seeds is the scale of such differences.
"""
import sys, json, time
from dataclasses import replace
from pathlib import Path
from pixelis_nb.core import get_scale, config_hash
from pixelis_nb.ttrl import ttrl_config, run_ttrl_arms, load_ttrl_run, arm_summary, ablation_arms

def main(scale_name:str='tiny', workers:int=2):
    scale = get_scale(scale_name)
    cfg = ttrl_config(scale)
    frozen = replace(cfg, update=False, vote='answer')
    extra = ablation_arms(cfg)
    arms = {'Phase 3': cfg, 'frozen vote': frozen} | extra
    t0 = time.time()
    paths = run_ttrl_arms(scale, arms, workers)
    secs = time.time() - t0
    runs = {k: load_ttrl_run(p) for k, p in paths.items()}
    frozen_at = lambda s: runs['frozen vote'] if s == 0 else runs[f'frozen vote, seed {s}']
    out = {}
    for k, c in extra.items():
        summ = arm_summary(runs[k], frozen_at(c.seed) if c.update else None)
        out[k] = dict(hash=config_hash(c), seed=c.seed, update=c.update, summary=summ, secs=runs[k]['secs'],
                      history=runs[k]['history'], items=runs[k]['items'])
        print(f"{k:24s} acc {summ['accuracy']:.3f}  gap {summ.get('gap', float('nan')):+.3f}  "
              f"rejections {summ['rejections']}  kl_start {summ['final_kl_start']:.4f}", flush=True)
    line = dict(scale=scale.name, main_hash=config_hash(cfg), frozen_hash=config_hash(frozen), secs=round(secs, 1),
                arms=out)
    f = Path(__file__).parent/'results'/'ttrl_ablation.jsonl'
    with f.open('a') as fh: fh.write(json.dumps(line, default=float) + '\n')

if __name__ == '__main__':
    main(*(sys.argv[1:2] or ['tiny']), *map(int, sys.argv[2:3]))
