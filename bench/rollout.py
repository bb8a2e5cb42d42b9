"Rollout throughput: G=8 trajectories batched in one engine call vs one at a time (each turn a plain single-row `generate`)."
import os, time, torch
os.environ.setdefault('PIXELIS_QUIET', '1')
from pixelis_nb.policy import make_policy
from pixelis_nb.rollout import rollout, rollout_config, imitation_warmup
from pixelis_nb.world import make_sample

def main(G=8, reps=5):
    torch.set_num_threads(int(os.environ.get('BENCH_THREADS', '1')))
    model, proc = make_policy('nano')
    train = [make_sample(100 + i, 'attribute') for i in range(4)]
    imitation_warmup(model, proc, train, steps=60)  # so trajectories are multi-turn with real tool calls
    sample = train[0]
    cfg = rollout_config('nano', seed=0)
    rollout(model, proc, [sample], group_size=2, cfg=cfg)  # warm up kernels
    def batched():
        return [t for g in rollout(model, proc, [sample], group_size=G, cfg=cfg) for t in g]
    def one_at_a_time():
        out = []
        for g in range(G):
            out += rollout(model, proc, [sample], group_size=1, cfg=rollout_config('nano', seed=g))[0]
        return out
    best, stats = {'batched': 1e9, 'sequential': 1e9}, {}
    for _ in range(reps):  # interleaved, so both see the same load on a shared machine
        for name, fn in [('batched', batched), ('sequential', one_at_a_time)]:
            t0 = time.perf_counter(); trajs = fn(); best[name] = min(best[name], time.perf_counter() - t0)
            stats[name] = (sum(t.length for t in trajs), sum(t.num_tool_calls for t in trajs))
    res = {k: G / v for k, v in best.items()}
    for name in res:
        print(f"rollout_{name}_G{G}: {res[name]:.2f} trajectories/s")
        print(f"rollout_{name}_generated_tokens: {stats[name][0]} tokens")
        print(f"rollout_{name}_tool_calls: {stats[name][1]} calls")
    print(f"rollout_batched_speedup_G{G}: {res['batched'] / res['sequential']:.2f} x (vs one at a time with plain generate)")

if __name__ == '__main__': main()
