"Checkpoints survive a crash mid-save, a SIGKILLed run resumes to the same weights, and a seed fixes a run."
import json, os, random, signal, subprocess, sys, textwrap, time
from dataclasses import replace
from pathlib import Path
import numpy as np, pytest, torch
import fastcore.test as fct   # imported as a module so pytest does not collect test_eq as a test
from pixelis_nb import core
from pixelis_nb.core import save_checkpoint, load_checkpoint, save_tensors, load_tensors, atomic_write_text

def _model_opt(seed:int):
    torch.manual_seed(seed)
    m = torch.nn.Linear(3, 2); o = torch.optim.AdamW(m.parameters(), lr=0.1)
    m(torch.ones(1, 3)).sum().backward(); o.step()
    return m, o

def test_crash_mid_save_keeps_the_previous_checkpoint(monkeypatch, tmp_path):
    "A save that dies after writing the new model file must leave step 1's complete checkpoint readable."
    m1, o1 = _model_opt(1); save_checkpoint(tmp_path, m1, o1, 1, dict(loss=[1.0]))
    m2, o2 = _model_opt(2)
    import safetensors.torch as st
    def boom(*a, **k): raise OSError('disk full')   # save_model has written the model; the optimizer write dies
    monkeypatch.setattr(st, 'save_file', boom)
    with pytest.raises(OSError, match='disk full'): save_checkpoint(tmp_path, m2, o2, 2, dict(loss=[1.0, 0.5]))
    monkeypatch.undo()
    m, o = _model_opt(3)
    fct.test_eq(load_checkpoint(tmp_path, m, o)['step'], 1)
    fct.test_eq(m.weight.detach(), m1.weight.detach())
    fct.test_eq(o.state_dict()['state'][0]['exp_avg'], o1.state_dict()['state'][0]['exp_avg'])
    save_checkpoint(tmp_path, m2, o2, 2, dict(loss=[1.0, 0.5]))   # the next save succeeds and tidies up
    fct.test_eq(load_checkpoint(tmp_path, m, o)['step'], 2)
    fct.test_eq(m.weight.detach(), m2.weight.detach())
    fct.test_eq(len([p for p in tmp_path.iterdir() if p.is_dir()]), 1)

def test_checkpoint_restores_rng_states(tmp_path):
    "Python, NumPy and torch draw the same numbers after a load as right after the save."
    m, o = _model_opt(0)
    random.seed(5); np.random.seed(5); torch.manual_seed(5)
    save_checkpoint(tmp_path, m, o, 1, {})
    want = (random.random(), float(np.random.rand()), torch.rand(3))
    random.seed(9); np.random.seed(9); torch.manual_seed(9)
    load_checkpoint(tmp_path, m, o)
    got = (random.random(), float(np.random.rand()), torch.rand(3))
    fct.test_eq(got[:2], want[:2]); fct.test_eq(got[2], want[2])

def test_old_layout_still_loads(tmp_path):
    "A checkpoint written before the atomic layout (files directly under the directory) still restores."
    from safetensors.torch import save_model
    m1, o1 = _model_opt(1)
    save_model(m1, str(tmp_path/'model.safetensors'))
    sd = o1.state_dict()
    as_t = lambda v: v if torch.is_tensor(v) else torch.tensor(v)
    save_tensors({f'state.{i}.{k}': as_t(v) for i, s in sd['state'].items() for k, v in s.items()},
                 tmp_path/'optim.safetensors')
    atomic_write_text(tmp_path/'state.json', json.dumps(dict(step=7, param_groups=sd['param_groups'], history=[])))
    m, o = _model_opt(3)
    fct.test_eq(load_checkpoint(tmp_path, m, o)['step'], 7)
    fct.test_eq(m.weight.detach(), m1.weight.detach())
    fct.test_eq(o.state_dict()['state'][0]['exp_avg'], o1.state_dict()['state'][0]['exp_avg'])

# The SAE trains on fixed random activations (nano SAE knobs, 16 wide).
_sae_acts = lambda: 3 * torch.randn(4096, 16, generator=torch.Generator().manual_seed(3)) + 1

# A trainer run to its end: `kind` is base, sft or sae; it returns the final weights and the loss history.
def _train(kind, ckpt=None):
    import dataclasses
    from pixelis_nb.core import get_scale
    scale = get_scale('nano')
    if kind == 'sae':
        from pixelis_nb.sae import train_sae, sae_config
        sae, hist = train_sae(_sae_acts(), sae_config(scale, steps=5, ckpt_every=1), ckpt_dir=ckpt)
        return sae, hist['loss']
    if kind == 'base':
        from pixelis_nb.base import pretrain, base_config
        cfg = dataclasses.replace(base_config(scale), steps=5, ckpt_every=1)
        model, _, hist, _ = pretrain(scale, cfg, ckpt_dir=ckpt)
        return model, hist['loss']
    from pixelis_nb.sft import train_policy, sft_config, sft_data
    cfg = dataclasses.replace(sft_config(scale), steps=5, ckpt_every=1)
    model, _, hist, _ = train_policy(scale, cfg, sft_data(scale), ckpt_dir=ckpt)
    return model, [r['loss'] for r in hist]

# The same in a child process, writing its result to `out`; with HOLD set, it stops (sleeps) after its first
# checkpoint, so the parent can SIGKILL it at a known point.
_CHILD = textwrap.dedent('''
    import json, os, sys, time, torch
    torch.set_num_threads(1)
    from pixelis_nb import core
    from pixelis_nb.core import save_tensors
    sys.path.insert(0, os.path.dirname(sys.argv[4]))
    from test_resume import _train
    kind, ckpt, out = sys.argv[1], sys.argv[2], sys.argv[3]
    if os.environ.get('HOLD'):
        import pixelis_nb.base, pixelis_nb.sft, pixelis_nb.sae
        real = core.save_checkpoint
        def hold(*a, **k):
            real(*a, **k); time.sleep(600)
        pixelis_nb.base.save_checkpoint = pixelis_nb.sft.save_checkpoint = pixelis_nb.sae.save_checkpoint = hold
    model, loss = _train(kind, ckpt)
    save_tensors({k: v.clone() for k, v in model.state_dict().items()}, out + '.safetensors')
    open(out + '.json', 'w').write(json.dumps(loss))
''')

def _child(kind, ckpt, out, hold=False):
    env = dict(os.environ, OMP_NUM_THREADS='1', **({'HOLD': '1'} if hold else {}))
    return subprocess.Popen([sys.executable, '-c', _CHILD, kind, str(ckpt), str(out), __file__], env=env)

def _result(out):
    return load_tensors(str(out) + '.safetensors'), json.loads(Path(str(out) + '.json').read_text())

@pytest.mark.parametrize('kind', ['base', 'sft', 'sae'])
def test_sigkilled_run_resumes_to_the_uninterrupted_result(kind, tmp_path):
    "SIGKILL after the first checkpoint, resume to the end: same weights and losses as a run never stopped."
    killed = _child(kind, tmp_path/'ck', tmp_path/'killed', hold=True)
    n = torch.get_num_threads(); torch.set_num_threads(1)
    try: model, l_ref = _train(kind)   # the uninterrupted run, here while the child trains
    finally: torch.set_num_threads(n)
    w_ref = {k: v.detach().clone() for k, v in model.state_dict().items()}
    t0 = time.time()
    while not (tmp_path/'ck'/'state.json').exists():
        assert killed.poll() is None and time.time() - t0 < 120, 'the held run ended or never checkpointed'
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL); killed.wait()
    fct.test_eq(_child(kind, tmp_path/'ck', tmp_path/'resumed').wait(), 0)
    w_res, l_res = _result(tmp_path/'resumed')
    fct.test_eq(len(l_res), 5); fct.test_close(l_res, l_ref, eps=1e-6)
    fct.test_eq(sorted(w_res), sorted(w_ref))
    for k in w_ref: fct.test_close(w_res[k], w_ref[k], eps=1e-6)

@pytest.mark.parametrize('kind', ['base', 'sft', 'sae'])
def test_same_seed_same_losses(kind):
    "Two in-process runs with the same seed on CPU give identical loss histories."
    from pixelis_nb.core import get_scale
    scale, steps = get_scale('nano'), 4   # nano's base and SFT steps
    if kind == 'sae':
        from pixelis_nb.sae import train_sae, sae_config
        x, cfg = _sae_acts(), sae_config(scale)
        run, steps = lambda: train_sae(x, cfg)[1]['loss'], cfg.steps
    elif kind == 'base':
        from pixelis_nb.base import pretrain, base_config
        run = lambda: pretrain(scale, base_config(scale))[2]['loss']
    else:
        from pixelis_nb.sft import train_policy, sft_config, sft_data
        data = sft_data(scale)
        run = lambda: [r['loss'] for r in train_policy(scale, sft_config(scale), data)[2]]
    a, b = run(), run()
    fct.test_eq(len(a), steps); fct.test_eq(a, b)
