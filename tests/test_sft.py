"Focused checks of Phase 1: the loss pieces and heads (pure tensor functions), and the ablation's worker processes (nano)."
import math, torch
from pixelis_nb.sft import (SFTConfig, role_weights, weighted_ce, giou, box_loss, head_targets, lr_at, ROLE_ID, PointerArgHead,
                            view_keys, target_cell, arg_loss, head_coords)

def test_weights_zero_on_prompt_and_observation():
    r = torch.tensor([[ROLE_ID[x] for x in ('prompt', 'observation', 'pad', 'thought', 'op', 'arg', 'answer')]])
    w = role_weights(r, SFTConfig(w_op=3., w_arg=4., w_ans=5.))
    assert w.tolist() == [[0., 0., 0., 1., 3., 4., 5.]]

def test_weighted_ce_is_normalised():
    ids = torch.tensor([[0, 1, 2, 3]])
    for w in ([0., 1., 1., 1.], [0., 5., 5., 5.], [0., 1., 0., 7.]):
        assert math.isclose(weighted_ce(torch.zeros(1, 4, 6), ids, torch.tensor([w])).item(), math.log(6), rel_tol=1e-6)

def test_giou_bounds():
    g = torch.Generator().manual_seed(0)
    box = lambda: (lambda xy, wh: torch.cat([xy, xy + wh], 1))(torch.rand(200, 2, generator=g) * .5, .1 + torch.rand(200, 2, generator=g) * .4)
    a, b = box(), box()
    v = giou(a, b)
    assert (v <= 1 + 1e-6).all() and (v >= -1 - 1e-6).all()
    assert torch.allclose(giou(a, a), torch.ones(200), atol=1e-4)
    assert box_loss(a, a).item() < 1e-3

def test_head_targets_and_schedule():
    r = torch.tensor([ROLE_ID[x] for x in 'prompt thought syntax op syntax arg syntax arg arg syntax arg syntax observation thought answer'.split()])
    t = head_targets(r, [0, 5], [('box', [0, 0, .5, .5], (0, 2, 2)), None])
    assert t['op_pos'] == [2, 13] and t['arg_pos'] == [6] and t['arg_key'] == [[0, 2, 2]] and t['arg_kind'] == [0]
    c = SFTConfig(steps=50, warmup=5, lr=1.0, min_lr_ratio=0.0)
    assert math.isclose(lr_at(4, c), 1.0) and lr_at(49, c) < 0.01

def test_head_coords_are_valid_actions():
    for b in ([0., 0., 0., 0.], [1., 1., 1., 1.], [.2, .3, .2, .3], [.1, .2, .9, .8]):
        x0, y0, x1, y1 = head_coords(torch.tensor(b), 'box')
        assert 0 <= x0 < x1 <= 1000 and 0 <= y0 < y1 <= 1000
    assert head_coords(torch.tensor([.1, .2, .3, .4]), 'point') == [200, 300]

def test_pointer_head_learns_to_point():
    "Queries that carry a noisy copy of one token's state: the head must learn to point at that token."
    torch.manual_seed(0)
    N, rows, cols, D = 256, 3, 4, 16
    hidden = torch.randn(N, 1 + rows * cols, D)
    tgt = torch.randint(0, rows * cols, (N,))
    hidden[:, 0] = hidden[torch.arange(N), 1 + tgt] + .1 * torch.randn(N, D)
    key = torch.tensor([[1, rows, cols]] * N)
    centre = torch.stack([(tgt % cols + .5) / cols, (tgt // cols + .5) / rows], -1)
    val = torch.cat([centre, centre], -1)
    head = PointerArgHead(D, 32)
    opt = torch.optim.Adam(head.parameters(), lr=1e-2)
    cfg = SFTConfig()
    kinds = torch.ones(N, dtype=torch.long)   # point targets
    for _ in range(150):
        box, lg = head(hidden[:, 0], *view_keys(hidden, torch.arange(N), key))
        loss = arg_loss(box, lg, kinds, val, key, cfg)
        opt.zero_grad(); loss.backward(); opt.step()
    with torch.no_grad(): box, lg = head(hidden[:, 0], *view_keys(hidden, torch.arange(N), key), hard=True)
    assert (lg.argmax(-1) == tgt).float().mean() > 0.9
    assert (target_cell(box, key) == tgt).float().mean() > 0.9

def test_head_writes_the_numbers_outside_the_token_budget(monkeypatch):
    "Through the rollout engine: a turn that opens `zoom(box=[` gets its numbers from the head writer, the language model then closes the action, and the numbers use none of its budget."
    import numpy as np
    import pixelis_nb.rollout as R
    import pixelis_nb.sft as S
    from pixelis_nb.policy import make_policy
    torch.manual_seed(0)
    pol, proc = make_policy('nano'); tok = proc.tokenizer
    heads = S.SFTModel(pol, S.SFTConfig()).heads.eval()
    img = np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    first = tok('<think>look closer.</think><act>zoom(box=[', add_special_tokens=False)['input_ids']
    rest = tok('</act>', add_special_tokens=False)['input_ids']
    budgets = []
    def fake(model, processor, rows, cfg, seed, stops, budget):   # the language model's two parts of the turn
        budgets.append(budget)
        ids = list(first if len(budgets) == 1 else rest)
        return [(ids, [-0.1] * len(ids), True)]
    monkeypatch.setattr(R, '_sample', fake)
    cfg = R.RolloutConfig(group_size=1, max_steps=1, max_turn_tokens=len(first) + 1, max_new_tokens=100, temperature=0.0)
    traj = R.rollout(pol, proc, [(img, 'What colour is the star?')], cfg=cfg, arg_writer=S.head_writer(heads))[0][0]
    a = traj.steps[0].action
    x0, y0, x1, y1 = a.args['box']
    assert a.op == 'zoom' and 0 <= x0 < x1 <= 1000 and 0 <= y0 < y1 <= 1000
    assert budgets == [len(first) + 1, 1]                  # the head's numbers did not use the turn's token budget
    assert traj.length == len(first) + len(rest)           # ... and are not counted as sampled tokens
    assert tok.decode(traj.input_ids[traj.external]).endswith('])')

def test_run_arms_in_worker_processes_matches_in_process():
    "The ablation's arms give the same row whether trained side by side in spawned workers or here (nano, 2 steps)."
    from dataclasses import replace
    from pixelis_nb.core import get_scale
    from pixelis_nb.sft import sft_config, run_arms
    sc = get_scale('nano'); c = replace(sft_config(sc), steps=2, aux=False, eval_per_cell=1, eval_max_steps=1, eval_max_new_tokens=8)
    arms = {'uniform': replace(c, loss='uniform'), 'weighted': c}
    n0 = torch.get_num_threads(); torch.set_num_threads(1)   # the workers' thread count, so the floats can match exactly
    try: par, seq = run_arms(sc, arms, workers=2), run_arms(sc, {'uniform': arms['uniform']}, workers=1)
    finally: torch.set_num_threads(n0)
    assert set(par) == {'uniform', 'weighted'}
    same = lambda a, b: a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))
    assert all(same(par['uniform'][k], v) for k, v in seq['uniform'].items() if k != 'train_secs')
    assert 0 <= par['weighted']['choice_accuracy'] <= 1
