"""Benchmark for pixelis_nb.sae: our TopK SAE's training throughput and explained variance against SAELens's own trainer.

Both train on the same activations (the base's residual stream at the SAE's layer, `sae.sae_activations`), at the same
width, k, batch size, steps, learning rate and dead-latent window, each with its own recipe otherwise (SAELens: its
`TopKTrainingSAE` + `SAETrainer` defaults). Both are scored by the same function (`sae_metrics`) on the same held-out
tokens; SAELens's SAE is read back through our `load_sae` from the directory SAELens itself saved.

Run as `python bench/sae.py [--scale tiny] [--steps N]`. SAELens runs in the Python named by $PIXELIS_SAELENS_PYTHON
(or this one, if it imports sae_lens); without one the comparison is skipped with a message. Prints `name: value unit`
lines and ratios against SAELens, the named baseline.
"""
import argparse, json, os, subprocess, sys, tempfile, time
from dataclasses import replace
from pathlib import Path
import torch
from pixelis_nb.core import save_tensors, load_tensors, make_fabric
from pixelis_nb.sae import sae_config, sae_activations, split_tokens, train_sae, sae_metrics, load_sae, saelens_python

SAELENS_TRAIN = r"""
import json, sys, time, torch
from safetensors.torch import load_file
from sae_lens import TopKTrainingSAE, TopKTrainingSAEConfig
from sae_lens.config import SAETrainerConfig
from sae_lens.training.sae_trainer import SAETrainer
torch.set_num_threads(int(sys.argv[4]))
c = json.loads(sys.argv[2])
x = load_file(sys.argv[1])['x']
def batches():
    step = 0
    while True:   # the same seeded batches as pixelis_nb.sae._batches draws for a tensor
        g = torch.Generator().manual_seed(c['seed'] * 1_000_003 + step)
        yield x[torch.randint(len(x), (c['batch_size'],), generator=g)]
        step += 1
sae = TopKTrainingSAE(TopKTrainingSAEConfig(d_in=x.shape[1], d_sae=x.shape[1] * c['expansion'], k=c['k'],
                                            normalize_activations='expected_average_only_in'))
tcfg = SAETrainerConfig(total_training_samples=c['steps'] * c['batch_size'], train_batch_size_samples=c['batch_size'],
                        lr=c['lr'], lr_end=c['lr'] * c['min_lr_ratio'], lr_scheduler_name='cosineannealing',
                        lr_warm_up_steps=c['warmup'], dead_feature_window=c['dead_steps'],
                        feature_sampling_window=10 * c['steps'], n_batches_for_norm_estimate=max(1, c['median_rows'] // c['batch_size']))
t = time.perf_counter()
SAETrainer(cfg=tcfg, sae=sae, data_provider=batches()).fit()
secs = time.perf_counter() - t
sae.save_inference_model(sys.argv[3])
from sae_lens import SAE
from safetensors.torch import save_file
inf = SAE.load_from_disk(sys.argv[3])
xv = load_file(sys.argv[5])['x']
with torch.no_grad(): z = inf.encode(xv); save_file({'z': z, 'x_hat': inf.decode(z)}, sys.argv[5] + '.out')
print(json.dumps(dict(secs=secs)))
"""

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--scale', default=os.environ.get('PIXELIS_SCALE', 'tiny'))
    ap.add_argument('--steps', type=int, default=None)
    ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cfg = sae_config(a.scale)
    if a.steps: cfg = replace(cfg, steps=a.steps)
    x_train, x_val = split_tokens(sae_activations(a.scale, cfg), seed=cfg.seed)
    print(f'activations: {len(x_train):,} train + {len(x_val):,} held-out tokens of width {x_train.shape[1]} '
          f'(scale {a.scale}, layer {cfg.layer}); d_sae {cfg.expansion * x_train.shape[1]}, k {cfg.k}, '
          f'{cfg.steps} steps x {cfg.batch_size} tokens, {a.threads} thread(s)')
    fab = make_fabric(accelerator='cpu', devices=1, strategy='auto', precision='32-true')
    t = time.perf_counter()
    ours, _ = train_sae(x_train, cfg, fabric=fab)
    secs = time.perf_counter() - t
    m = sae_metrics(ours, x_val)
    tps = cfg.steps * cfg.batch_size / secs
    print(f'pixelis_tokens_per_s: {tps:,.0f} tokens/s')
    print(f"pixelis_explained_variance: {m['explained_variance']:.4f}")
    print(f"pixelis_l0: {m['l0']:.1f}  pixelis_dead_fraction: {m['dead_fraction']:.3f}")
    py = saelens_python()
    if py is None:
        print('saelens: skipped (sae_lens is not importable here and $PIXELIS_SAELENS_PYTHON is unset; '
              'install sae-lens in a separate venv and point $PIXELIS_SAELENS_PYTHON at its python)')
        return
    with tempfile.TemporaryDirectory() as td:
        save_tensors({'x': x_train}, Path(td)/'x.safetensors')
        save_tensors({'x': x_val[:256]}, Path(td)/'xv.safetensors')
        c = dict(cfg.__dict__)
        r = subprocess.run([py, '-c', SAELENS_TRAIN, f'{td}/x.safetensors', json.dumps(c), f'{td}/saelens',
                            str(a.threads), f'{td}/xv.safetensors'], capture_output=True, text=True, env={**os.environ, 'WANDB_MODE': 'disabled'})
        if r.returncode: sys.exit(f'SAELens training failed:\n{r.stderr[-3000:]}')
        s_secs = json.loads(r.stdout.strip().splitlines()[-1])['secs']
        theirs = load_sae(Path(td)/'saelens')
        ref = load_tensors(Path(td)/'xv.safetensors.out')
    with torch.no_grad(): xh, z = theirs(x_val[:256])
    print(f"saelens_file_via_load_sae: max |z diff| {(z - ref['z']).abs().max():.2e}, "
          f"max |x_hat diff| {(xh - ref['x_hat']).abs().max():.2e} (SAELens's own encode/decode vs ours on its file)")
    sm = sae_metrics(theirs, x_val)
    s_tps = cfg.steps * cfg.batch_size / s_secs
    print(f'saelens_tokens_per_s: {s_tps:,.0f} tokens/s')
    print(f"saelens_explained_variance: {sm['explained_variance']:.4f}")
    print(f"saelens_l0: {sm['l0']:.1f}  saelens_dead_fraction: {sm['dead_fraction']:.3f}")
    print(f'tokens_per_s_ratio: {tps / s_tps:.2f} x (pixelis / SAELens)')
    print(f"explained_variance_ratio: {m['explained_variance'] / sm['explained_variance']:.3f} x (pixelis / SAELens)")
    print(f"unexplained_variance_ratio: {(1 - m['explained_variance']) / (1 - sm['explained_variance']):.3f} x "
          f"(pixelis / SAELens; below 1 is better)")

if __name__ == '__main__': main()
