"""Phase 2 (pixelis_nb.rft) at nano: where one GRPO step's time goes, and what batching the group's rollouts buys.

Run as `python bench/rft.py` (one torch thread unless BENCH_THREADS says otherwise). Prints `name: value unit` lines:
the time split of one step of `train_rft` (generation, tool execution, reward, reference scoring, backward), and the
speed-up of sampling a step's P x G trajectories in one batched engine call over sampling them one at a time with
the same model and the same rollout knobs (same total trajectories), as a ratio against that named baseline.
"""
import os, time
from dataclasses import replace
os.environ.setdefault('PIXELIS_QUIET', '1')
import torch
from pixelis_nb.rft import rft_config, rft_start, rft_prompts, rft_rollout_config, train_rft
from pixelis_nb.rewards import reward_config
from pixelis_nb.rollout import rollout
from pixelis_nb.world import world_config

def fixed_writer(model, processor, items):
    "Writes the same box (or point) into every turn that opens one, so the nano start makes real tool calls."
    return ['250,250,750,750' if kind == 'box' else '500,500' for _, _, kind, _ in items]

def step_split(policy, proc, cfg, steps=4):
    "Mean seconds per step of each `time/*` entry of `train_rft`'s history, the first step (warm-up) left out."
    p = type(policy)(policy.config)
    p.load_state_dict(policy.state_dict())
    hist, _ = train_rft(p, proc, replace(cfg, steps=steps), reward_config('nano'), 'nano', arg_writer=fixed_writer)
    keys = [k for k in hist[0] if k.startswith('time/')]
    return {k: sum(r[k] for r in hist[1:]) / (len(hist) - 1) for k in keys}, hist

def rollout_speedup(policy, proc, cfg, reps=3):
    "Trajectories per second: one batched engine call for the step vs one call per trajectory (best of `reps`)."
    prompts = rft_prompts(0, cfg, world_config('nano'))
    rc = rft_rollout_config(cfg, 0)
    G = cfg.num_generations
    def batched():
        return [t for g in rollout(policy, proc, prompts, G, rc, arg_writer=fixed_writer) for t in g]
    def one_at_a_time():
        return [rollout(policy, proc, [s], 1, replace(rc, seed=rc.seed + g), arg_writer=fixed_writer)[0][0]
                for s in prompts for g in range(G)]
    batched()  # warm up kernels
    best, work = {'batched': 1e9, 'one_at_a_time': 1e9}, {}
    for _ in range(reps):   # interleaved, so both see the same load on a shared machine
        for name, fn in (('batched', batched), ('one_at_a_time', one_at_a_time)):
            t0 = time.perf_counter()
            trajs = fn()
            best[name] = min(best[name], time.perf_counter() - t0)
            work[name] = (len(trajs), sum(t.length for t in trajs), sum(t.num_tool_calls for t in trajs))
    return best, work

def main():
    torch.set_num_threads(int(os.environ.get('BENCH_THREADS', '1')))
    cfg = rft_config('nano')
    t0 = time.perf_counter()
    policy, proc, _ = rft_start('nano', cfg)
    print(f"rft_start_imitate: {time.perf_counter() - t0:.2f} s ({cfg.imitate_steps} imitation steps)")
    split, hist = step_split(policy, proc, cfg)
    n = cfg.prompts_per_step * cfg.num_generations
    for k, v in split.items(): print(f"rft_step_{k[5:]}: {1e3 * v:.1f} ms")
    total = sum(split.values())
    print(f"rft_step_total: {1e3 * total:.1f} ms ({n} trajectories, {hist[-1]['num_tokens']:.0f} tokens in the loss)")
    for k, v in split.items(): print(f"rft_step_share_{k[5:]}: {v / total:.2f} x (of the step)")
    best, work = rollout_speedup(policy, proc, cfg)
    for name in best:
        k, toks, calls = work[name]
        print(f"rollout_{name}: {k / best[name]:.2f} trajectories/s ({k} trajectories, {toks} sampled tokens, "
              f"{calls} tool calls)")
    print(f"rollout_batched_speedup_P{cfg.prompts_per_step}xG{cfg.num_generations}: "
          f"{best['one_at_a_time'] / best['batched']:.2f} x (vs one trajectory per engine call, same model and knobs)")
    tps = {name: work[name][1] / best[name] for name in best}
    print(f"rollout_batched_token_speedup: {tps['batched'] / tps['one_at_a_time']:.2f} x "
          f"(sampled tokens per second, vs one trajectory per engine call)")

if __name__ == '__main__': main()
