"""Does an explicit comparison in the expert's last thought make `size` learnable? A probe for issue 13's expert bar.

    python experiments/compare_thought_probe.py NAME '{"steps": 400}' [THREADS] [EVERY]
    python experiments/compare_thought_probe.py NAME '{"steps": 400, "thought": "plain"}'   # control: today's thoughts

`comparison_probe.py` continued the first shipped base (now chapter 13b's stage 1) on size and relation chains:
relation's expert reading rose (0.29 -> 0.78 in 600 steps) but size stayed at chance (0.49 -> 0.53), and
`size_digits_probe.py` showed that the SFT policy does not read the two areas at all. Both areas are in the context
(`area=8`, `area=15`), two observations apart, and the answer hangs on comparing them. This probe changes only the
expert's final thought for `size`: with `thought='explicit'` every size chain is written in the verbose style with the
comparison spelled out, `the areas are 8 and 15: 8 < 15. so the answer is no.`, so the decision becomes a local step
(copy two numbers, then a sign between neighbours) instead of a read across two tool turns. (The evaluation's expert
context is then written in the verbose style too; its tool turns are the same.) The stream is the base's
(`base.stream_rows`, fresh seeds from 7,000,000 on), size chains only unless `chain_tasks` says otherwise, from the
shipped stage 1; expert-tools reading by choice on held-out size/relation/attribute/count samples (30 per cell, seeds
900,000 on, as chapter 14) before training and every EVERY steps. One JSON line goes to
`experiments/results/compare_thought_probe.jsonl`. Measurements of one seed at tiny, not a tuned optimum.
"""
import sys, json
from dataclasses import replace
from pathlib import Path
import torch
import pixelis_nb.cota as cota
from pixelis_nb.core import get_scale
from pixelis_nb.base import base_config, stage1_checkpoint
from pixelis_nb.policy import load_policy
from pixelis_nb.evaluate import held_out
from pixelis_nb.tools import tool_config
from pixelis_nb.world import world_config
from pixelis_nb.cota import cota_config
sys.path.insert(0, str(Path(__file__).parent))
from comparison_probe import continue_pretraining, TASKS

_evidence, _synthesize = cota.evidence, cota.synthesize

def explicit_evidence(sample, tr):
    "cota.evidence, with size's comparison written out: 'the areas are 8 and 15: 8 < 15.'"
    ev, got = _evidence(sample, tr)
    if sample.task_type != 'size' or got is None: return ev, got
    a, b = [int(x) for x in ev.removeprefix('the areas are ').rstrip('.').split(' and ')]
    return f"the areas are {a} and {b}: {a} {'>' if a > b else '<'} {b}.", got

def verbose_size(sample, variant, style, tcfg, *a, **k):
    "Size chains always in the verbose style (the one whose last thought states the evidence)."
    return _synthesize(sample, variant, 'verbose' if sample.task_type == 'size' else style, tcfg, *a, **k)

def main(name:str, kw:dict, threads:int=2, every:int=100, per_cell:int=30):
    torch.set_num_threads(threads)
    thought = kw.pop('thought', 'explicit')
    if thought == 'explicit':
        cota.evidence = explicit_evidence
        cota.synthesize = verbose_size
    scale = get_scale('tiny')
    cfg = replace(base_config(scale), n_percept=0, n_chain=8, first_seed=7_000_000, lr=5e-4, warmup=20,
                  min_lr_ratio=1.0, stage_at=[0.0, 0.0], chain_tasks=dict(size=1.0))
    cfg = replace(cfg, **kw)
    model, proc = load_policy(stage1_checkpoint(scale)/'policy')   # the first shipped base: stage 1 alone
    wcfg, tcfg = world_config(scale), tool_config(scale, obs_max_frames=cota_config(scale).obs_max_frames)
    samples = held_out(scale, per_cell, 900_000, TASKS)
    trained = continue_pretraining(model, proc, cfg, wcfg, tcfg, samples, every)
    out = dict(name=name, thought=thought, kw=kw, steps=cfg.steps, lr=cfg.lr, chain_tasks=cfg.chain_tasks,
               n_chain=cfg.n_chain, n_percept=cfg.n_percept, per_cell=per_cell, **trained)
    with (Path(__file__).parent/'results'/'compare_thought_probe.jsonl').open('a') as fh:
        fh.write(json.dumps(out) + '\n')

if __name__ == '__main__':
    main(sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}, *map(int, sys.argv[3:5]))
