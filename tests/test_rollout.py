"Replay exactness of the rollout engine: re-scoring sampled trajectories gives the sampled log-probabilities."
import os, pytest, torch
from pixelis_nb.policy import make_policy, generated_mask
from pixelis_nb.rollout import rollout, rollout_config, replay_error, imitation_warmup, trajectory_to_batch
from pixelis_nb.world import make_sample

torch.set_num_threads(1)

@pytest.fixture(scope='module')
def warm():
    model, proc = make_policy('nano')
    train = [make_sample(100 + i, 'attribute') for i in range(4)]
    imitation_warmup(model, proc, train, steps=100)   # the question restated after the crop lengthens what is imitated
    return model, proc, train

@pytest.mark.parametrize('temperature,top_p', [(1.0, 1.0), (0.7, 0.9)])
def test_replay_untrained(temperature, top_p):
    model, proc = make_policy('nano', seed=3)
    cfg = rollout_config('nano', group_size=2, max_turn_tokens=10, max_new_tokens=20, temperature=temperature, top_p=top_p)
    trajs = [t for g in rollout(model, proc, [make_sample(5, 'attribute'), make_sample(6, 'track')], cfg=cfg) for t in g]
    assert replay_error(model, proc, trajs, temperature) < 1e-4

def test_replay_multiturn_with_crops(warm):
    model, proc, train = warm
    trajs = [t for g in rollout(model, proc, train, cfg=rollout_config('nano', group_size=4, seed=7)) for t in g]
    crops = [t for t in trajs if len(t.image_grid_thw) > 1]
    assert crops, 'expected some trajectories with a zoomed crop'
    assert replay_error(model, proc, trajs) < 1e-4
    b = trajectory_to_batch(trajs, proc.tokenizer.pad_token_id)
    assert int(generated_mask(b['roles']).sum()) == sum(t.length for t in trajs)
    for t in trajs:  # logprobs live only on generated tokens; every generated token has one
        assert bool((t.logprobs[~t.generated_mask] == 0).all())
        assert bool((t.logprobs[t.generated_mask] <= 0).all())

def test_greedy_is_deterministic(warm):
    model, proc, train = warm
    cfg = rollout_config('nano', group_size=2, temperature=0.0)
    a = [t.input_ids.tolist() for g in rollout(model, proc, train[:2], cfg=cfg) for t in g]
    b = [t.input_ids.tolist() for g in rollout(model, proc, train[:2], cfg=cfg) for t in g]
    assert a == b and a[0] == a[1]
