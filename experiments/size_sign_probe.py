"""What does a base write when it compares two areas? A probe of stage 2's written-out comparison (chapter 13b).

    python experiments/size_sign_probe.py [STEPS2] [PER_CELL]   # STEPS2: the base recipe with base2.steps=STEPS2
                                                                # (default: the recipe in force); PER_CELL default 20

The base is handed the expert's own `size` tool calls and their real observations (`evaluate.oracle_results`, greedy,
held-out seeds 900,000 on as chapter 14) and writes its last turn. Stage 2 teaches it to write `A < B. so no.` there.
For each sample this reads back: whether it wrote a comparison, whether it copied the two observed areas correctly,
whether its sign is right for the numbers it wrote, and whether its answer follows its sign. One JSON line is appended
to `experiments/results/size_sign_probe.jsonl`. The base must exist (shipped, or in the artifact store); this script
never trains one.
"""
import sys, re, json, time
from pathlib import Path
import numpy as np
import torch
from pixelis_nb.core import get_scale, config_hash, ArtifactStore
from pixelis_nb.base import base2_config, recipe_key, base_checkpoint, shipped_checkpoint
from pixelis_nb.policy import load_policy
from pixelis_nb.evaluate import held_out, oracle_results
from pixelis_nb.rft import rft_tools

CMP = re.compile(r'(\d+) ([<>=]) (\d+)')

def sign(a:int, b:int) -> str: return '>' if a > b else '<' if a < b else '='

def main(steps2:int|None=None, per_cell:int=20):
    torch.set_num_threads(2)
    scale = get_scale('tiny')
    cfg2 = base2_config(scale, **({} if steps2 is None else dict(steps=steps2)))
    key = recipe_key(scale, cfg2=cfg2)
    if shipped_checkpoint(scale, key) is None and not ArtifactStore().exists('base', key):
        sys.exit(f'no base with base2.steps={cfg2.steps} (recipe {config_hash(key)}) shipped or stored')
    pol, proc = load_policy(base_checkpoint(scale, cfg2=cfg2)/'policy')
    samples = held_out(scale, per_cell, 900_000, ['size'])
    t0 = time.time()
    res = oracle_results(pol, proc, samples, rft_tools(scale))
    rows = []
    for s, r in zip(samples, res):
        areas = [int(a) for st in r.steps if st.observation is not None
                 for a in re.findall(r'area=(\d+)', st.observation.text or '')]
        m = CMP.search(r.text or '')
        row = dict(ok=r.pred == r.answer, wrote=m is not None, truth_yes=s.answer == 'yes', said_yes=r.pred == 'yes')
        if m:
            a, op, b = int(m.group(1)), m.group(2), int(m.group(3))
            row.update(copied=[a, b] == areas[:2], first_ok=a == areas[0], second_ok=b == areas[1],
                       sign_ok=op == sign(a, b), follows=(r.pred == 'yes') == (op == '>'), wrote_gt=op == '>')
        rows.append(row)
    mean = lambda k: round(float(np.mean([r[k] for r in rows if k in r])), 3) if any(k in r for r in rows) else None
    out = dict(steps2=cfg2.steps, recipe=config_hash(key), n=len(rows), secs=round(time.time() - t0, 1),
               **{k: mean(k) for k in ('ok', 'wrote', 'copied', 'first_ok', 'second_ok', 'sign_ok', 'follows',
                                       'wrote_gt', 'said_yes', 'truth_yes')})
    print(json.dumps(out))
    with (Path(__file__).parent/'results'/'size_sign_probe.jsonl').open('a') as fh: fh.write(json.dumps(out) + '\n')

if __name__ == '__main__':
    main(*(int(a) for a in sys.argv[1:3]))
