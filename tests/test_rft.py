"Focused checks of Phase 2's pure pieces: advantages, k3, reductions, the masked gradient, config, checkpoints."
import math, tempfile
from pathlib import Path
import pytest, torch
import torch.nn.functional as F
from pixelis_nb.core import ConfigError
from pixelis_nb.rft import (RFTConfig, group_advantages, frac_reward_zero_std, k3_kl, reduce_loss, grpo_loss,
                            logprobs_from_logits, check_prompt_seeds, save_curiosity, load_curiosity)
from pixelis_nb.rewards import Curiosity, RewardConfig

def test_advantages_both_toggles_and_flat_groups():
    r = torch.tensor([[1., 0., 0., 1.], [2., 2., 2., 2.], [0.1, 0.1 + 1e-7, 0.1, 0.1]])
    a = group_advantages(r)
    assert torch.isfinite(a).all() and a[1].eq(0).all()
    assert torch.allclose(a[0], torch.tensor([1., -1., -1., 1.]) * 0.5 / (r[0].std() + 1e-4))
    assert torch.allclose(group_advantages(r, scale_rewards=False)[0], torch.tensor([.5, -.5, -.5, .5]))
    assert frac_reward_zero_std(r) == pytest.approx(2 / 3)   # the nearly flat group counts as flat too

def test_k3_is_nonnegative_and_zero_on_agreement():
    a, b = torch.randn(500), torch.randn(500)
    assert (k3_kl(a, b) >= 0).all() and k3_kl(a, a).abs().max() == 0

def test_reductions():
    pt, m = torch.tensor([[1., 9.], [2., 2.]]), torch.tensor([[1., 0.], [1., 1.]])
    assert reduce_loss(pt, m, 'grpo').item() == pytest.approx(1.5)
    assert reduce_loss(pt, m, 'dapo').item() == pytest.approx(5 / 3)
    assert reduce_loss(pt, m, 'dapo', n_tokens=6).item() == pytest.approx(5 / 6)
    assert reduce_loss(pt, m, 'dr_grpo', max_len=10).item() == pytest.approx(5 / 20)

@pytest.mark.parametrize('loss_type', ['grpo', 'bnpo', 'dapo', 'dr_grpo'])
def test_masked_tokens_get_no_gradient_even_when_improbable(loss_type):
    g = torch.Generator().manual_seed(0)
    logits = (torch.randn(3, 7, 11, generator=g) * 30).requires_grad_()   # log-probs far below -40 somewhere
    ids = torch.randint(0, 11, (3, 7), generator=g)
    mask = torch.tensor([[0, 0, 1, 1, 0, 0, 1], [0, 1, 1, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0, 0]], dtype=torch.float)
    lp = logprobs_from_logits(logits, ids)
    ref = lp.detach() + 40 * torch.randn(lp.shape, generator=g)          # exp(ref - logp) overflows where masked
    cfg = RFTConfig(loss_type=loss_type, beta=0.1)
    loss, met = grpo_loss(lp, lp.detach() - 0.3, ref, torch.tensor([1., -2., 3.]), mask, cfg)
    loss.backward()
    gn = F.pad(logits.grad[:, :-1].norm(dim=-1), (1, 0))
    assert torch.isfinite(loss) and torch.isfinite(logits.grad).all()
    assert gn[mask == 0].max() == 0 and (gn[mask == 1] > 0).all()
    assert math.isfinite(met['kl']) and met['clip_ratio'] > 0                # ratio e^0.3 > 1.2 for A > 0

def test_config_errors_name_the_valid_values():
    with pytest.raises(ConfigError, match='valid values: grpo, bnpo, dapo, dr_grpo'): RFTConfig(loss_type='x')
    with pytest.raises(ConfigError, match='num_generations must be >= 2'): RFTConfig(num_generations=1)
    with pytest.raises(ConfigError, match='temperature must be > 0'): RFTConfig(temperature=0)
    with pytest.raises(ConfigError, match='overlap the held-out'):
        check_prompt_seeds(RFTConfig(prompt_seed=899_998), 900_000, 30)
    check_prompt_seeds(RFTConfig(prompt_seed=899_990), 900_000, 30)   # 899990..899995: just below
    check_prompt_seeds(RFTConfig(), 900_000, 30)

def test_curiosity_round_trip():
    rc = RewardConfig()
    a, b = Curiosity(16, rc, seed=0), Curiosity(16, rc, seed=1)
    x = [torch.randn(6, 16, generator=torch.Generator().manual_seed(k)) for k in range(3)]
    a.step(*x)
    p = Path(tempfile.mkdtemp())/'c.safetensors'
    load_curiosity(b, save_curiosity(a, p))
    assert torch.equal(a.step(*x), b.step(*x)) and torch.equal(a.errors(*x), b.errors(*x))
    assert (a.stats.n, a.stats.mean, a.stats.var) == (b.stats.n, b.stats.mean, b.stats.var)
