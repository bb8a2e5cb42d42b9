"""Phase 2 ablation (chapter 16), too long for the chapter's budget: the chapter reads what this script appends.

    python experiments/rft_ablation.py [SCALE] [WORKERS]     # default: tiny, 2

Trains (or loads from the artifact store) the five arms of `rft.ablation_arms` (no curiosity, no coherence, no
efficiency, no KL, the task reward alone) in worker processes of one thread each, and reads each on the first
`ablation_per_cell` held-out samples of every cell (`rft.rft_ablation`). One JSON line is appended to
`experiments/results/rft_ablation.jsonl`, keyed by the main run's store name, which hashes its configuration, so the
chapter never shows rows of another run.
"""
import sys, time
from results_io import append_result

def main(scale_name:str='tiny', workers:int=2):
    from pixelis_nb.core import get_scale
    from pixelis_nb.rft import rft_config, rft_ablation
    from pixelis_nb.rewards import reward_config
    scale = get_scale(scale_name)
    out = rft_ablation(scale, rft_config(scale), reward_config(scale), workers)
    line = dict(scale=scale.name, date=time.strftime('%Y-%m-%d %H:%M'), **out)
    path = append_result('rft_ablation', line)
    for k, r in out['rows'].items():
        print(f"{k:16s} valid {r['valid_rate']:.3f}  by choice {r['choice_accuracy']:.3f}  "
              f"hard zoom {r['hard_zoom_acc_choice']:.3f}")
    print(f"{out['secs']:.0f} s -> {path}")

if __name__ == '__main__': main(*(sys.argv[1:2] or ['tiny']), *map(int, sys.argv[2:3]))
