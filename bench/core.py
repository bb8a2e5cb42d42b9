"""Benchmarks for pixelis_nb.core: the artifact store's overhead on a cache hit, and metrics recording.

Run as `python bench/core.py`. Prints `name: value unit` lines and ratios against a baseline measured in the same run.
"""
import os, time, tempfile, json
from pathlib import Path
import torch
from pixelis_nb.core import ArtifactStore, record_metrics, config_hash, save_tensors, load_tensors

def timeit(fn, n):
    fn(); t = time.perf_counter()
    for _ in range(n): fn()
    return (time.perf_counter() - t) / n

def main():
    root = Path(tempfile.mkdtemp())
    store = ArtifactStore(root/'store')
    cfg = {'scale': 'tiny', 'steps': 200, 'layers': [1, 2, 3]}
    w = {f'layer{i}.weight': torch.randn(256, 256) for i in range(8)}   # 8 x 256 KiB
    p = store.get_or_create('bench', cfg, lambda d: save_tensors(w, d/'model.safetensors'))
    raw = root/'raw.safetensors'; save_tensors(w, raw)
    hit = timeit(lambda: store.get_or_create('bench', cfg, lambda d: None), 2000)
    print(f'store_hit_latency: {hit*1e6:.1f} us')
    t_store = timeit(lambda: load_tensors(store.get_or_create('bench', cfg, lambda d: None)/'model.safetensors'), 200)
    t_raw = timeit(lambda: load_tensors(raw), 200)
    print(f'store_load_2MiB: {t_store*1e3:.2f} ms')
    print(f'store_load_overhead: {t_store/t_raw:.2f} x (vs plain safetensors load of the same file)')
    print(f'config_hash: {timeit(lambda: config_hash(cfg), 5000)*1e6:.1f} us')
    os.environ['PIXELIS_RUN_DIR'] = str(root/'run')
    rec = timeit(lambda: record_metrics('foundations', 'bench', {'x': 1.0}), 300)
    plain = timeit(lambda: (root/'plain.json').write_text(json.dumps({'x': 1.0})), 300)
    print(f'record_metrics: {rec*1e3:.3f} ms')
    print(f'record_metrics_overhead: {rec/plain:.1f} x (vs an unlocked json write)')

if __name__ == '__main__': main()
