"""Phase 2 levers: train one CC-RFT variant from the tiny Phase 1 checkpoint and compare it with its start, paired.

    python experiments/rft_levers.py NAME '{"rft": {"steps": 120}}'                      # RFTConfig overrides
    python experiments/rft_levers.py NAME '{"rft": {"steps": 120, "difficulties": ["hard"]}, "reward": {"w_curiosity": 0}}'
    python experiments/rft_levers.py start                                               # the start's results only

Each variant trains through `rft_checkpoint` (the artifact store: a run that is stopped resumes from its last
checkpoint, so long variants can span sessions), then the shared evaluator reads it and its start on chapter 14's
held-out samples (30 per task x difficulty cell, by choice). The start's per-sample results are cached in
`experiments/results/rft_levers_start.json`, keyed by the Phase 1 checkpoint, so every variant is paired with the same
start on the same samples. One JSON line is printed and appended to `experiments/results/rft_levers.jsonl`: paired gaps
(variant - start) on all samples and on the hard zoom samples, and what the training steps logged about the signal
(groups with a task signal, cosine between advantages and the task reward). One seed each: measurements, not a sweep.
"""
import sys, json, time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
import numpy as np
import torch
from pixelis_nb.core import get_scale
from pixelis_nb.rft import rft_config, rft_checkpoint, load_rft_policy, load_rft_writer, rft_eval, rft_start
from pixelis_nb.rewards import reward_config
from pixelis_nb.sft import sft_config, sft_checkpoint
from pixelis_nb.evaluate import held_out, paired_gap, zoom_hard

RESULTS = Path(__file__).parent/'results'

def start_results(scale, samples) -> list:
    "The start's by-choice results on `samples` (cached per Phase 1 checkpoint): objects with .pred and .answer."
    f, key = RESULTS/'rft_levers_start.json', sft_checkpoint(scale).name
    cache = json.loads(f.read_text()) if f.exists() else {}
    if key not in cache or len(cache[key]) != len(samples):
        pol, proc, writer = rft_start(scale, rft_config(scale))
        _, res_c = rft_eval(pol, proc, samples, scale, writer)
        cache[key] = [dict(pred=r.pred, answer=r.answer) for r in res_c]
        f.write_text(json.dumps(cache))
    return [SimpleNamespace(**r) for r in cache[key]]

def main(name:str, kw:dict, threads:int=1):
    torch.set_num_threads(threads)
    scale = get_scale('tiny')
    cfg = replace(rft_config(scale), **{k: tuple(v) if isinstance(v, list) else v for k, v in kw.get('rft', {}).items()})
    rcfg = replace(reward_config(scale), **kw.get('reward', {}))
    scfg = sft_config(scale)
    samples = held_out(scale, scfg.eval_per_cell, scfg.eval_seed)
    if name == 'start':          # only the start's results (run beside a variant's training to fill the cache)
        return start_results(scale, samples)
    t0 = time.time()
    path = rft_checkpoint(scale, cfg, rcfg)
    base = start_results(scale, samples)
    run = json.loads((path/'history.json').read_text())
    pol, proc = load_rft_policy(path)
    _, res_c = rft_eval(pol, proc, samples, scale, load_rft_writer(path))
    h = run['history']
    avg = lambda k, rows: round(float(np.nanmean([r.get(k, float('nan')) for r in rows])), 4)
    k10 = max(1, len(h) // 4)
    acc = lambda rs: round(float(np.mean([r.pred == r.answer for r in rs])), 3)
    out = dict(name=name, kw=kw, path=path.name, steps=cfg.steps, train_secs=round(run['secs'], 1),
               total_secs=round(time.time() - t0, 1), n=len(samples), n_hard_zoom=len(zoom_hard(samples, samples)),
               start_acc=acc(base), rft_acc=acc(res_c),
               start_hard_zoom=acc(zoom_hard(base, samples)), rft_hard_zoom=acc(zoom_hard(res_c, samples)),
               gap_all=paired_gap(res_c, base), gap_hard_zoom=paired_gap(zoom_hard(res_c, samples), zoom_hard(base, samples)),
               train={k: dict(first=avg(k, h[:k10]), last=avg(k, h[-k10:]))
                      for k in ('accuracy', 'reward', 'frac_reward_zero_std', 'frac_task_zero_std', 'task_adv_cos',
                                'tool_call_rate', 'toolchain_len', 'kl')})
    print(json.dumps(out), flush=True)
    RESULTS.mkdir(exist_ok=True)
    with (RESULTS/'rft_levers.jsonl').open('a') as fh: fh.write(json.dumps(out) + '\n')

if __name__ == '__main__':
    main(sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {})
