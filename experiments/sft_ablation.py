"""Phase 1 ablation (chapter 14), too long for the chapter's budget: the chapter reads what this script appends.

    python experiments/sft_ablation.py [SCALE] [WORKERS]     # default: tiny, 2

Trains the two loss arms (uniform CE, weighted CE without heads) side by side in worker processes, evaluates them and
the stored main checkpoint (its numbers spelled by the language model, written by the argument head before and after
its refit) on the first `ablation_per_cell` held-out samples of every cell, and the refit's paired effect on every
hard zoom sample (`sft.sft_ablation`). The main checkpoint comes from the artifact store (trained there on first use).
One JSON line is appended to `experiments/results/sft_ablation.jsonl`, keyed by the main checkpoint's store name,
which hashes its config, the corpus and the base, so the chapter never shows rows of another run.
"""
import sys, time
from results_io import append_result

def main(scale_name:str='tiny', workers:int=2):
    from pixelis_nb.core import get_scale, config_hash
    from pixelis_nb.sft import sft_config, sft_ablation
    scale = get_scale(scale_name)
    cfg = sft_config(scale)
    out = sft_ablation(scale, cfg, workers)
    line = dict(scale=scale.name, main_hash=config_hash(cfg), date=time.strftime('%Y-%m-%d %H:%M'), **out)
    path = append_result('sft_ablation', line)
    for k, r in out['rows'].items():
        print(f"{k:42s} valid {r['valid_rate']:.3f}  by choice {r['choice_accuracy']:.3f}  "
              f"hard zoom {r['hard_zoom_acc_choice']:.3f}")
    g = out['refit_gap']
    if g: print(f"refit - no refit, hard zoom by choice: {g['diff']:+.3f} [{g['lo']:+.3f}, {g['hi']:+.3f}] n={g['n']}")
    print(f"{out['secs']:.0f} s -> {path}")

if __name__ == '__main__': main(*(sys.argv[1:2] or ['tiny']), *map(int, sys.argv[2:3]))
