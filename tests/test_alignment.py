"Property tests for pixelis_nb.alignment (the notebook holds the lesson checks)."
import numpy as np, torch
from hypothesis import given, settings, strategies as st
from pixelis_nb.alignment import GroupBalancedSampler, sinkhorn_alignment_loss, alignment_loss, AlignmentConfig


@settings(max_examples=30, deadline=None)
@given(sizes=st.lists(st.integers(1, 40), min_size=2, max_size=8), bs=st.integers(16, 64),
       mode=st.sampled_from(['stratified', 'equal']), seed=st.integers(0, 99))
def test_every_batch_holds_every_group(sizes, bs, mode, seed):
    groups = np.repeat(np.arange(len(sizes)), sizes)
    s = GroupBalancedSampler(groups, bs, seed=seed, mode=mode, min_per_group=2)
    batches = list(s.batches())
    assert len(batches) == int(np.ceil(len(groups) / bs))
    assert all(len(b) == bs and set(groups[b]) == set(range(len(sizes))) for b in batches)
    assert sum(s.quota) == bs


def test_loss_is_permutation_invariant_and_zero_for_one_group():
    torch.manual_seed(0)
    s = torch.rand(64, dtype=torch.float64); y = torch.randint(0, 2, (64,)); g = torch.randint(0, 4, (64,))
    perm = torch.randperm(64)
    a, b = sinkhorn_alignment_loss(s, y, g), sinkhorn_alignment_loss(s[perm], y[perm], g[perm])
    assert torch.allclose(a, b, atol=1e-8)
    assert sinkhorn_alignment_loss(s, y, torch.zeros(64, dtype=torch.long)).item() == 0.0


def test_gradient_pulls_a_shifted_group_toward_the_rest():
    s = torch.cat([torch.full((8,), 0.2), torch.full((8,), 0.8)]).requires_grad_(True)
    y = torch.zeros(16, dtype=torch.long); g = torch.tensor([0] * 8 + [1] * 8)
    sinkhorn_alignment_loss(s, y, g, eps=0.05).backward()
    assert (s.grad[:8] < 0).all() and (s.grad[8:] > 0).all()   # descent moves group 0 up, group 1 down


def test_alignment_loss_scales_with_lambda():
    z = torch.randn(32); y = torch.randint(0, 2, (32,)); g = torch.randint(0, 2, (32,))
    a = alignment_loss(z, y, g, AlignmentConfig(lambda_fair=1.0))
    b = alignment_loss(z, y, g, AlignmentConfig(lambda_fair=0.005))
    assert torch.allclose(b, 0.005 * a)
