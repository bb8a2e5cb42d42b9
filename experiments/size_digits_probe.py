"""Why does the Phase 1 policy read `size` at chance when handed the expert's tools? A probe of one hypothesis.

    python experiments/size_digits_probe.py [PER_CELL]     # default 60 (180 held-out size samples)

Chapter 14 found expert-tools reading on hard `size` at chance (0.50), although the two segment observations'
areas decide the answer in 179 of 180 samples. The areas are printed as plain integers (`area=37`), so comparing them
needs the policy to compare numbers that may have different digit counts. This script hands chapter 14's SFT policy
the expert's calls and their real observations (`evaluate.oracle_results`, scored by choice as chapter 14 does) on
held-out size samples (seeds 900,000 on, as chapter 14), and splits the accuracy by whether the two areas have the
same number of digits, by difficulty, and by how far apart the areas are. One JSON line is appended to
`experiments/results/size_digits_probe.jsonl`. Measurements at tiny on one seed, not a tuned optimum.
"""
import sys, re, json, time
from pathlib import Path
import numpy as np
import torch
from pixelis_nb.core import get_scale
from pixelis_nb.evaluate import held_out, oracle_results, choice_results, wilson
from pixelis_nb.sft import sft_checkpoint, sft_config, load_sft_policy
from pixelis_nb.rft import rft_tools

AREA = re.compile(r'area=(\d+)')

def areas(result) -> list[int]:
    "The areas the expert's segment observations reported, in order."
    return [int(m.group(1)) for s in result.steps if s.observation is not None
            for m in [AREA.search(s.observation.text or '')] if m]

def split(rows, key) -> dict:
    "Accuracy with a Wilson interval per value of `key`."
    out = {}
    for k in sorted({key(r) for r in rows}, key=str):
        ok = [r['ok'] for r in rows if key(r) == k]
        out[str(k)] = dict(n=len(ok), acc=round(float(np.mean(ok)), 3), ci=[round(x, 3) for x in wilson(sum(ok), len(ok))])
    return out

def main(per_cell:int=60):
    torch.set_num_threads(2)
    scale = get_scale('tiny')
    t0 = time.time()
    policy, proc = load_sft_policy(sft_checkpoint(scale))
    samples = held_out(scale, per_cell, sft_config(scale).eval_seed, ['size'])
    res = choice_results(policy, proc, samples, oracle_results(policy, proc, samples, rft_tools(scale)))
    rows = []
    for s, r in zip(samples, res):
        a = areas(r)
        if len(a) != 2: continue
        rows.append(dict(ok=r.pred == r.answer, difficulty=s.difficulty, same_digits=len(str(a[0])) == len(str(a[1])),
                         decided=(a[0] > a[1]) == (s.answer == 'yes'), ratio=max(a) / max(1, min(a)), pred=r.pred,
                         answer=s.answer))
    ratio_bin = lambda r: '<1.25' if r['ratio'] < 1.25 else '1.25-2' if r['ratio'] < 2 else '>=2'
    out = dict(per_cell=per_cell, n=len(rows), secs=round(time.time() - t0, 1),
               accuracy=round(float(np.mean([r['ok'] for r in rows])), 3),
               areas_decide=round(float(np.mean([r['decided'] for r in rows])), 3),
               said_yes=round(float(np.mean([r['pred'] == 'yes' for r in rows])), 3),
               truth_yes=round(float(np.mean([r['answer'] == 'yes' for r in rows])), 3),
               by_digits=split(rows, lambda r: 'same digits' if r['same_digits'] else 'different digits'),
               by_difficulty=split(rows, lambda r: r['difficulty']), by_ratio=split(rows, ratio_bin))
    print(json.dumps(out, indent=1))
    f = Path(__file__).parent/'results'/'size_digits_probe.jsonl'
    with f.open('a') as fh: fh.write(json.dumps(out) + '\n')

if __name__ == '__main__':
    main(*map(int, sys.argv[1:2]))
