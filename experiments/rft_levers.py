"""Phase 2 levers: train one CC-RFT variant from the tiny Phase 1 checkpoint and compare it with its start, paired.

    python experiments/rft_levers.py NAME '{"rft": {"steps": 120}}'                      # RFTConfig overrides
    python experiments/rft_levers.py NAME '{"rft": {"difficulties": ["hard"]}, "reward": {"w_curiosity": 0}}'
    python experiments/rft_levers.py start                                               # the start's results only
    python experiments/rft_levers.py --resummarize          # recompute the training summaries from stored histories

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
from pixelis_nb.base import checkpoint_name
from pixelis_nb.evaluate import held_out, paired_gap, zoom_hard

RESULTS = Path(__file__).parent/'results'

def start_results(scale, samples) -> list:
    "The start's by-choice results on `samples` (cached per Phase 1 checkpoint): objects with .pred and .answer."
    f, key = RESULTS/'rft_levers_start.json', checkpoint_name(sft_checkpoint(scale))
    cache = json.loads(f.read_text()) if f.exists() else {}
    if key not in cache or len(cache[key]) != len(samples):
        pol, proc, writer = rft_start(scale, rft_config(scale))
        _, res_c = rft_eval(pol, proc, samples, scale, writer)
        cache[key] = [dict(pred=r.pred, answer=r.answer) for r in res_c]
        f.write_text(json.dumps(cache))
    return [SimpleNamespace(**r) for r in cache[key]]

TRAIN_KEYS = ('accuracy', 'reward', 'rewards/task/mean', 'rewards/format/mean', 'rewards/curiosity/mean',
              'rewards/coherence/mean', 'rewards/efficiency/mean', 'curiosity/error', 'frac_reward_zero_std',
              'frac_task_zero_std', 'frac_task_zero_std_iid', 'task_adv_cos', 'tool_call_rate', 'toolchain_len', 'kl')

def train_summary(h:list) -> dict:
    "Each logged key's mean over the first and the last quarter of a run's steps (the iid level from the accuracy)."
    for r in h: r.setdefault('frac_task_zero_std_iid', r['accuracy'] ** 4 + (1 - r['accuracy']) ** 4)   # G = 4
    k = max(1, len(h) // 4)
    avg = lambda key, rows: round(float(np.nanmean([r.get(key, float('nan')) for r in rows])), 4)
    return {key: dict(first=avg(key, h[:k]), last=avg(key, h[-k:])) for key in TRAIN_KEYS}

def resummarize():
    "Recompute every result line's `train` summary from its run's history in the artifact store (when it is there)."
    from pixelis_nb.core import ArtifactStore
    f = RESULTS/'rft_levers.jsonl'
    rows = [json.loads(l) for l in f.read_text().splitlines() if l.strip()]
    for r in rows:
        hist = ArtifactStore().root/r['path']/'history.json'
        if hist.exists(): r['train'] = train_summary(json.loads(hist.read_text())['history'])
    f.write_text(''.join(json.dumps(r) + '\n' for r in rows))

def main(name:str, kw:dict, threads:int=1):
    torch.set_num_threads(threads)
    scale = get_scale('tiny')
    over = {k: tuple(v) if isinstance(v, list) else v for k, v in kw.get('rft', {}).items()}
    cfg = replace(rft_config(scale), **over)
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
    acc = lambda rs: round(float(np.mean([r.pred == r.answer for r in rs])), 3)
    out = dict(name=name, kw=kw, path=path.name, steps=cfg.steps, curiosity_norm=rcfg.curiosity_norm,
               train_secs=round(run['secs'], 1),
               total_secs=round(time.time() - t0, 1), n=len(samples), n_hard_zoom=len(zoom_hard(samples, samples)),
               start_acc=acc(base), rft_acc=acc(res_c),
               start_hard_zoom=acc(zoom_hard(base, samples)), rft_hard_zoom=acc(zoom_hard(res_c, samples)),
               gap_all=paired_gap(res_c, base),
               gap_hard_zoom=paired_gap(zoom_hard(res_c, samples), zoom_hard(base, samples)),
               train=train_summary(h))
    print(json.dumps(out), flush=True)
    RESULTS.mkdir(exist_ok=True)
    with (RESULTS/'rft_levers.jsonl').open('a') as fh: fh.write(json.dumps(out) + '\n')

if __name__ == '__main__':
    if sys.argv[1] == '--resummarize': sys.exit(resummarize())
    main(sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {})
