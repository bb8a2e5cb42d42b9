"""Benchmark for pixelis_nb.activations: peak memory of an activation cache as the token count grows 10x.

Run as `python bench/activations.py` (about 1.5 min on one thread). The subject is the shipped tiny base; every
token (text and image) of the benchmark's items is captured at all 4 decoder layers x 3 sites (resid, mlp, attn),
float32: 12 x 192 x 4 B = 9 KiB per token. Two ways to get them:

- stream:  `write_shards(iter_acts(...))`, the cache writer: one batch and one shard (`shard_rows`) in memory at a time;
- cat:     `capture(...)`, the in-memory baseline: every batch kept, then `torch.cat` per key.

The items are taken seed by seed (one per task x difficulty cell, then the next seed) in batches of 7, so the 1x and
10x runs see batches of the same make-up: a forward pass's own memory depends on its batch (a batch of 16 clips holds
2.5x the tokens of a mixed one), and that is not what is measured here.

Each (way, size) runs in its own subprocess so that one run's freed memory cannot hide the next one's. Memory is the
kernel's peak resident set size (VmHWM in /proc/self/status: what `resource.getrusage().ru_maxrss` reports), reset
just before the measured call by writing 5 to /proc/self/clear_refs, minus the resident size at that moment. So it
counts everything the call made resident: tensor storage, safetensors buffers, Python objects. tracemalloc would not
do: PyTorch allocates tensor storage with its own C++ allocator, which tracemalloc never sees. Where clear_refs is
not writable the script falls back to ru_maxrss in a fresh process (a lower bound on the call's growth).
Prints `name: value unit` lines and ratios measured in the same run.
"""
import os, sys, json, time, subprocess, tempfile

def rss_kb(field='VmRSS') -> int:
    for line in open('/proc/self/status'):
        if line.startswith(field + ':'): return int(line.split()[1])
    raise RuntimeError(f'{field} not in /proc/self/status')

def reset_peak() -> bool:
    try:
        with open('/proc/self/clear_refs', 'w') as f: f.write('5')
        return True
    except OSError: return False

def child(way:str, per_cell:int, shard_rows:int):
    "One measurement: prints a JSON line with rows, peak growth (KiB) and seconds."
    import torch, resource
    torch.set_num_threads(1)
    from pixelis_nb.base import load_stage1
    from pixelis_nb.taskbench import bench_items, taskbench_config
    from pixelis_nb.activations import acts_config, iter_acts, capture, write_shards
    model, proc = load_stage1("tiny")
    bcfg = taskbench_config('tiny', per_cell=per_cell)
    items = sorted(bench_items('tiny', bcfg), key=lambda i: i.sample.seed)   # seed-major: 21 cells, 21 cells, ...
    cfg = acts_config('tiny', sites=['resid', 'mlp', 'attn'], select='all', shard_rows=shard_rows, batch_size=7)
    capture(model, proc, items[:2], cfg, bcfg)   # warm up kernels and allocator
    out = tempfile.mkdtemp()
    hwm = reset_peak()
    base = rss_kb()
    t0 = time.perf_counter()
    if way == 'stream': rows = write_shards(iter_acts(model, proc, items, cfg, bcfg), out, shard_rows)['n_rows']
    else: rows = len(next(iter(capture(model, proc, items, cfg, bcfg).values())))
    secs = time.perf_counter() - t0
    peak = rss_kb('VmHWM') if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(dict(way=way, items=len(items), rows=rows, growth_kb=peak - base, secs=secs, hwm=hwm)))

def run(way, per_cell, shard_rows):
    r = subprocess.run([sys.executable, __file__, '--child', way, str(per_cell), str(shard_rows)],
                       capture_output=True, text=True, env=dict(os.environ, PIXELIS_QUIET='1'))
    if r.returncode: raise RuntimeError(r.stderr[-3000:])
    return json.loads(r.stdout.strip().splitlines()[-1])

def main():
    small, shard_rows = 1, 1024
    sizes = (small, 10 * small)
    res = {(w, n): run(w, n, shard_rows) for n in sizes for w in ('stream', 'cat')}
    mib = lambda r: r['growth_kb'] / 1024
    for (w, n), r in res.items():
        print(f"acts_{w}_{r['rows']}_tokens_peak: {mib(r):.1f} MiB ({r['items']} items, {r['secs']:.1f} s)")
    s1, s10, c1, c10 = (res[('stream', sizes[0])], res[('stream', sizes[1])], res[('cat', sizes[0])],
                        res[('cat', sizes[1])])
    print(f"acts_tokens_growth: {s10['rows'] / s1['rows']:.1f} x")
    print(f"acts_stream_peak_growth: {mib(s10) / mib(s1):.2f} x (peak at 10x tokens / peak at 1x; flat = 1)")
    print(f"acts_cat_peak_growth: {mib(c10) / mib(c1):.2f} x (the in-memory torch.cat baseline)")
    print(f"acts_stream_vs_cat_peak_10x: {mib(s10) / mib(c10):.3f} x (stream peak / cat peak at {s10['rows']} tokens)")
    print(f"acts_stream_vs_cat_secs_10x: {s10['secs'] / c10['secs']:.2f} x (time, same ratio)")
    print(f"peak measured with: {'VmHWM after clear_refs' if s1['hwm'] else 'ru_maxrss in a fresh process'}")

if __name__ == '__main__':
    if '--child' in sys.argv:
        i = sys.argv.index('--child')
        child(sys.argv[i + 1], int(sys.argv[i + 2]), int(sys.argv[i + 3]))
    else: main()
