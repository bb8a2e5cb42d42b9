"""Can the shipped base learn to read two observations and compare them? A probe for the expert-tools bar of Phase 1.

    python experiments/comparison_probe.py NAME '{"steps": 600, "chain_tasks": {"size": 0.5, "relation": 0.5}}'
    python experiments/comparison_probe.py NAME '{"steps": 1000, "n_percept": 20, ...}' 2 250   # threads, eval every

After SFT, the expert's own tool calls lift the policy to at most about 60% on the hard zoom tasks (chapter 14). By
task, reading one observation works (OCR ~97%), while the tasks that compare two segment observations sit near their
question prior (size, relation). This script continues the first shipped base's (now chapter 13b's stage 1) own pretraining stream (`base.stream_rows`,
fresh seeds from 7,000,000 on, disjoint from the base's and the held-out seeds) with a chain mix of its own (BaseConfig
overrides as JSON; defaults: chain rows only, size and relation), and reads the expert-tools accuracy (by choice) on
held-out size, relation, attribute and count samples (30 per cell, `eval_seed` 900,000 as chapter 14) before training
and every `every` steps. One JSON line is printed and appended to `experiments/results/comparison_probe.jsonl`.
Measurements of one seed at tiny (one thread unless given), not a tuned optimum.
"""
import sys, json, time
from dataclasses import replace
from pathlib import Path
import torch
from pixelis_nb.core import get_scale, lr_at
from pixelis_nb.base import base_config, stage1_checkpoint, stream_rows, collate_rows, base_loss
from pixelis_nb.policy import load_policy
from pixelis_nb.evaluate import held_out, oracle_results, choice_results
from pixelis_nb.tools import tool_config
from pixelis_nb.cota import cota_config
from pixelis_nb.world import world_config

TASKS = ('size', 'relation', 'attribute', 'count')

def expert_reading(model, proc, samples, tcfg) -> dict:
    "Expert-tools accuracy by choice per task x difficulty (and per task)."
    res = choice_results(model, proc, samples, oracle_results(model, proc, samples, tcfg))
    out = {}
    for s, r in zip(samples, res):
        for k in (s.task_type, f'{s.task_type}/{s.difficulty}'): out.setdefault(k, []).append(r.pred == r.answer)
    return {k: round(sum(v) / len(v), 3) for k, v in sorted(out.items())}

def continue_pretraining(model, proc, cfg, wcfg, tcfg, samples, every:int) -> dict:
    "Continue the base's stream on `model`, read before and every `every` steps: train/total secs, curve, loss."
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    curve, losses, t0 = [dict(step=0, secs=0.0, **expert_reading(model, proc, samples, tcfg))], [], time.time()
    print(json.dumps(curve[-1]), flush=True)
    train_secs = 0.0
    for step in range(cfg.steps):
        t1 = time.time()
        model.train()
        for g in opt.param_groups: g['lr'] = lr_at(step, cfg)
        batch = collate_rows(stream_rows(step, proc, cfg, wcfg, tcfg), proc.tokenizer.pad_token_id)
        loss = base_loss(model, batch)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
        opt.step()
        opt.zero_grad()
        losses.append(round(loss.item(), 4))
        train_secs += time.time() - t1
        if (step + 1) % every == 0 or step + 1 == cfg.steps:
            model.eval()
            curve.append(dict(step=step + 1, secs=round(train_secs, 1), **expert_reading(model, proc, samples, tcfg)))
            print(json.dumps(curve[-1]), flush=True)
    return dict(train_secs=round(train_secs, 1), total_secs=round(time.time() - t0, 1), curve=curve, loss=losses[::10])

def main(name:str, kw:dict, threads:int=1, every:int=200, per_cell:int=30):
    torch.set_num_threads(threads)
    scale = get_scale('tiny')
    cfg = replace(base_config(scale), n_percept=0, n_chain=8, first_seed=7_000_000, lr=5e-4, warmup=20,
                  min_lr_ratio=1.0, stage_at=[0.0, 0.0], chain_tasks=dict(size=0.5, relation=0.5))
    cfg = replace(cfg, **kw)
    model, proc = load_policy(stage1_checkpoint(scale)/'policy')   # the first shipped base: stage 1 alone
    wcfg, tcfg = world_config(scale), tool_config(scale, obs_max_frames=cota_config(scale).obs_max_frames)
    samples = held_out(scale, per_cell, 900_000, TASKS)
    trained = continue_pretraining(model, proc, cfg, wcfg, tcfg, samples, every)
    out = dict(name=name, kw=kw, steps=cfg.steps, lr=cfg.lr, chain_tasks=cfg.chain_tasks, n_chain=cfg.n_chain,
               n_percept=cfg.n_percept, per_cell=per_cell, **trained)
    f = Path(__file__).parent/'results'/'comparison_probe.jsonl'
    with f.open('a') as fh: fh.write(json.dumps(out) + '\n')

if __name__ == '__main__':
    main(sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}, *map(int, sys.argv[3:5]))
