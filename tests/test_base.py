"""The shipped base policy is this recipe's output: its manifest names the recipe, the recipe's first steps reproduce the
logged loss, and the weights load and see on held-out samples."""
import math, pytest, torch
from pixelis_nb.core import get_scale, config_hash
from pixelis_nb.base import (shipped_dir, load_manifest, recipe_key, stage1_key, pretrain, load_base, base_config,
                             base2_config, eval_samples, perception_results)
from pixelis_nb.tools import tool_config

TINY = get_scale('tiny')
CROP_MIN = 0.4   # the shipped base reads colour or shape off the expert's crop on well over half of these (see 13b_base)
SHIP = shipped_dir('tiny')

def test_manifest_matches_the_recipe():
    "Both stages' manifests name their recipes, and the base names the stage it was continued from."
    m, m1 = load_manifest(SHIP), load_manifest(SHIP/'stage1')
    assert m['config_hash'] == config_hash(recipe_key(TINY))
    assert m1['config_hash'] == config_hash(stage1_key(TINY)) == m['stage1']['config_hash']
    assert m['steps'] == base2_config(TINY).steps == len(m['loss'])
    assert m1['steps'] == base_config(TINY).steps == len(m1['loss'])
    for sc in (m['scores'], m1['scores']):
        assert {'hard_zoom_expert_tools', 'hard_zoom_scene', 'gap_hard_zoom', 'text_obs_expert_tools'} <= set(sc)

def test_shipped_weights_are_small_safetensors():
    files = [f for f in SHIP.rglob('*') if f.is_file()]
    assert sum(f.suffix == '.safetensors' for f in files) == 2   # the base and its stage 1
    assert not any(f.suffix in ('.bin', '.pt', '.pth') for f in files)
    assert sum(f.stat().st_size for f in files) < 50 * 2**20

def _close(got, want):
    for g, w in zip(got, want): assert math.isclose(g, w, rel_tol=2e-3), (got, want)

def test_recipe_reproduces_the_logged_loss():
    "Stage 1's first steps from the seed, and stage 2's first steps from the shipped stage 1, give the logged losses."
    from pixelis_nb.policy import load_policy
    _, _, hist, _ = pretrain(TINY, until=3)
    _close(hist['loss'], load_manifest(SHIP/'stage1')['loss'][:3])
    _, _, hist2, _ = pretrain(TINY, base2_config(TINY), until=3, init=load_policy(SHIP/'stage1'/'policy'))
    _close(hist2['loss'], load_manifest(SHIP)['loss'][:3])

def test_shipped_policy_reads_crops():
    "On fresh held-out `attribute` samples, the expert's crop must beat the whole scene."
    from dataclasses import replace
    policy, proc = load_base(TINY)
    samples = eval_samples(TINY, replace(base_config(TINY), eval_per_cell=8, eval_seed=10_000_500), tasks=('attribute',))
    tcfg = tool_config(TINY)
    acc = lambda rs: sum(r.pred == r.answer for r in rs) / len(rs)
    crop, scene = acc(perception_results(policy, proc, samples, 'crop', tcfg)), acc(perception_results(policy, proc, samples, 'scene', tcfg))
    assert crop >= CROP_MIN and crop > scene, (crop, scene)

def test_stream_segmentations_raise_no_flood_warning():
    "`tools.seg_flood` is `unhashed` (out of the recipe hash): the expert's segmentations on the stream's scenes never show its warning."
    from pixelis_nb.world import make_sample, world_config, DIFFICULTIES
    from pixelis_nb.cota import synthesize
    wcfg, tcfg, seen = world_config(TINY), tool_config(TINY), 0
    for k in range(240):
        s = make_sample(base_config(TINY).first_seed + k, ('count', 'size')[k % 2], DIFFICULTIES[k % 3], cfg=wcfg)
        obs = [st.observation.text for st in synthesize(s, 'chain', 'concise', tcfg).steps if st.observation is not None]
        seen += sum('mask box=' in o for o in obs)
        assert not any('warning=flooded' in o for o in obs), (s.question, obs)
    assert seen > 100   # the check did see segmentations
