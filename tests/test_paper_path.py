"""The paper path (`--scale paper --model DIR`) on a stand-in checkpoint in Qwen3-VL-8B-Instruct's released layout, with
Qwen's own tokenizer and random tiny weights (experiments/paper_standin.py): processor, encoding, LoRA SFT in
bf16-mixed with resume and determinism, rollouts with stop strings, the checkpoint's sampling defaults kept out."""
import sys
from dataclasses import replace
from pathlib import Path
import pytest, torch

sys.path.insert(0, str(Path(__file__).parents[1]/'experiments'))
import paper_standin
from pixelis_nb.core import get_scale
from pixelis_nb.policy import make_policy, make_processor, check_compatible, numeric_eps, ROLE_ID


@pytest.fixture(scope='module')
def scale(tmp_path_factory):
    ckpt = paper_standin.build_standin(tmp_path_factory.mktemp('standin'))
    return get_scale('paper', overrides=[f'model_path={ckpt}', 'devices=1', 'strategy=auto', 'precision=bf16-mixed',
                                         *paper_standin.CPU_KNOBS])


@pytest.fixture(scope='module')
def traces(scale):
    from pixelis_nb.cota import synthesize
    from pixelis_nb.tools import tool_config
    from pixelis_nb.world import make_sample, world_config
    wcfg, tcfg = world_config(scale), tool_config(scale)
    samples = [make_sample(s, t, 'easy', cfg=wcfg) for s, t in [(1, 'attribute'), (2, 'count'), (3, 'ocr')]]
    return [synthesize(s, 'chain', 'concise', tcfg) for s in samples], samples, wcfg


def test_the_processor_is_the_checkpoints(scale):
    "At a scale with `model_path`, every chapter's `make_processor(scale)` gave the book's 512-token BPE (fixed)."
    proc = make_processor(scale)
    model, proc2 = make_policy(scale)
    assert (len(proc.tokenizer), proc.image_token_id) == (151669, 151655)
    assert proc.tokenizer('Hello world', add_special_tokens=False)['input_ids'] == [9707, 1879]   # Qwen's own ids
    assert check_compatible(model, proc) and model.dtype == torch.bfloat16
    assert proc.image_processor.size['longest_edge'] == 16384   # the scale's pixel budget, not the checkpoint's 4096^2


def test_traces_encode_with_qwens_tokenizer(scale, traces):
    from pixelis_nb.sft import encode_trace, collate_sft
    from pixelis_nb.policy import model_inputs
    proc = make_processor(scale)
    trs, samples, wcfg = traces
    encs = [encode_trace(proc, tr, wcfg, s) for tr, s in zip(trs, samples)]
    e = encs[0]
    ops = proc.tokenizer.decode(e['input_ids'][e['roles'] == ROLE_ID['op']])
    assert 'zoom' in ops and '<act>' not in ops   # the grammar's tags are several Qwen tokens, not one, yet roles hold
    digits = lambda x: ''.join(c for c in x if c.isdigit())
    args = proc.tokenizer.decode(e['input_ids'][e['roles'] == ROLE_ID['arg']])
    assert digits(args) == digits(''.join(str(st.action) for st in trs[0].steps if st.action))   # every number
    model, _ = make_policy(scale)
    b = collate_sft(encs, proc.tokenizer.pad_token_id)
    with torch.no_grad(): out = model(**model_inputs(b))   # every image's tokens match its features
    assert out.logits.shape[:2] == b['input_ids'].shape


def _train(scale, traces, tmp=None, until=None):
    from pixelis_nb.sft import encode_trace, sft_config, train_policy
    proc = make_processor(scale)
    trs, samples, wcfg = traces
    data = [encode_trace(proc, tr, wcfg, s) for tr, s in zip(trs, samples)]
    cfg = replace(sft_config(scale), steps=2, batch_size=2, warmup=1, log_every=1, ckpt_every=0, head_fit=0)
    assert (cfg.lora, cfg.init) == (True, 'fresh')   # the paper recipe: LoRA on the local checkpoint
    model, _, hist, _ = train_policy(scale, cfg, data, proc, ckpt_dir=tmp, until=until)
    return model, hist


def test_lora_sft_repeats_and_resumes(scale, traces, tmp_path):
    "Two runs with one seed differed (LoRA's initial adapters were not seeded: fixed); a resumed run equals one run."
    torch.manual_seed(1)
    m1, h1 = _train(scale, traces)
    torch.manual_seed(2)   # whatever the global RNG holds, the seed decides
    m2, h2 = _train(scale, traces)
    _train(scale, traces, tmp_path/'ckpt', until=1)
    m3, h3 = _train(scale, traces, tmp_path/'ckpt')
    sd1, sd2, sd3 = (m.state_dict() for m in (m1, m2, m3))
    assert max((sd1[k] - sd2[k]).abs().max().item() for k in sd1) == 0.0
    assert max((sd1[k] - sd3[k]).abs().max().item() for k in sd1) == 0.0
    assert [r['loss'] for r in h1] == [r['loss'] for r in h3]
    n_lora = sum(p.numel() for n, p in m1.policy.named_parameters() if 'lora_' in n)
    assert 0 < n_lora == sum(p.numel() for p in m1.policy.parameters() if p.requires_grad)   # only adapters train


def test_rollouts_stop_on_strings_and_ignore_the_checkpoints_sampling_defaults(scale):
    from transformers import GenerationConfig
    from pixelis_nb.rollout import RolloutConfig, rollout, replay_error, _stop_ids
    from pixelis_nb.world import make_sample, world_config
    model, proc = make_policy(scale)
    assert _stop_ids(proc.tokenizer) == set()   # `</act>` is several tokens: turns end on stop strings
    assert model.generation_config.top_k == 20   # Qwen3-VL-Instruct's own sampling defaults, shipped beside it
    wcfg = world_config(scale)
    samples = [make_sample(1, 'attribute', cfg=wcfg), make_sample(2, 'ocr', cfg=wcfg)]
    cfg = RolloutConfig(group_size=2, max_steps=2, max_turn_tokens=12, max_new_tokens=24, temperature=1.0, seed=3)
    trajs = [t for g in rollout(model, proc, samples, cfg=cfg) for t in g]
    assert {t.stop_reason for t in trajs} <= {'answer', 'max_steps', 'max_tokens', 'unclosed'}
    assert replay_error(model, proc, trajs) < numeric_eps(model)
    model.generation_config = GenerationConfig()
    plain = [t for g in rollout(model, proc, samples, cfg=cfg) for t in g]
    assert [t.input_ids.tolist() for t in trajs] == [t.input_ids.tolist() for t in plain]


def test_forced_answers_stop_on_the_closing_tag(scale):
    "The no-tool control forces `<answer>`; it asked for `</answer>`'s token id, None with Qwen's tokenizer (fixed)."
    from pixelis_nb.evaluate import control_results, greedy
    from pixelis_nb.world import make_sample, world_config
    model, proc = make_policy(scale)
    wcfg = world_config(scale)
    samples = [make_sample(1, 'attribute', cfg=wcfg), make_sample(2, 'count', cfg=wcfg)]
    res = control_results(model, proc, samples, greedy(max_steps=1, max_turn_tokens=8))
    assert [r.n_calls for r in res] == [0, 0]
    assert all('</answer>' not in (r.pred or '') for r in res)


@pytest.mark.parametrize('strategy', ['ddp', 'fsdp'])
def test_pixelis_sft_on_two_processes_at_paper(scale, tmp_path, strategy):
    """`pixelis sft --scale paper --model DIR --devices 2` (LoRA, bf16-mixed, 4 traces a step, CPU knobs): the command
    the README documents. It failed under both strategies when a rank's share held no argument target (fixed)."""
    import json, os, shutil, subprocess
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1', PIXELIS_HOME=str(tmp_path/'home'),
               PYTHONUNBUFFERED='1', PIXELIS_QUIET='1')
    env.pop('PIXELIS_CONFIG', None)
    sets = [f'model_path={scale.model_path}', 'accelerator=cpu', *paper_standin.CPU_KNOBS, 'sft.head_fit=0']
    # the knobs' 12 steps, within which a rank's share holds no argument target (the last of a field wins)
    cmd = [shutil.which('pixelis'), 'sft', '--scale', 'paper', '--devices', '2', '--strategy', strategy,
           '--precision', 'bf16-mixed', *[x for s in sets for x in ('--set', s)]]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-4000:]
    path = Path(next(l for l in r.stdout.splitlines() if l.startswith('Phase 1 checkpoint: ')).split(': ', 1)[1])
    hist = json.loads((path/'history.json').read_text())['history']
    assert (path/'policy'/'model.safetensors').exists() and [h['step'] for h in hist] == [0, 2, 4, 6, 8, 10, 11]
