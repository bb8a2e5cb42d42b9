"Focused checks of Phase 1's loss pieces (pure tensor functions; no model, no data)."
import math, torch
from pixelis_nb.sft import SFTConfig, role_weights, weighted_ce, giou, box_loss, head_targets, lr_at, ROLE_ID

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
    r = torch.tensor([ROLE_ID[x] for x in 'prompt thought syntax op arg arg syntax observation thought answer'.split()])
    t = head_targets(r, [0, 5], [[0, 0, .5, .5], None])
    assert t['op_pos'] == [2, 8] and t['arg_pos'] == [3, 4]
    c = SFTConfig(steps=50, warmup=5, lr=1.0, min_lr_ratio=0.0)
    assert math.isclose(lr_at(4, c), 1.0) and lr_at(49, c) < 0.01
