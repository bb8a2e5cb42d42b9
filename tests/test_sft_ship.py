"""The shipped Phase 1 checkpoint is this recipe's output: its manifest names the recipe, the recipe's first steps
reproduce the logged loss, and the files are small safetensors."""
import json, math
from pixelis_nb.core import get_scale, config_hash
from pixelis_nb.base import shipped_dir
from pixelis_nb.sft import sft_key, sft_config, sft_checkpoint, sft_data, train_policy

TINY = get_scale('tiny')
SHIP = shipped_dir('tiny', 'sft')

def test_manifest_names_the_recipe_and_the_book_loads_it():
    m = json.loads((SHIP/'manifest.json').read_text())
    cfg = sft_config(TINY)
    assert m['config_hash'] == config_hash(sft_key(TINY, cfg))
    assert sft_checkpoint(TINY, cfg) == SHIP                       # no training: the shipped directory itself
    assert m['steps'] == cfg.steps and len(m['loss']) == len(json.loads((SHIP/'history.json').read_text())['history'])
    assert {'valid_rate', 'hard_zoom_acc_choice', 'gap_hard_zoom', 'hard_zoom_acc_oracle_choice'} <= set(m['scores'])

def test_shipped_files_are_small_safetensors():
    files = [f for f in SHIP.rglob('*') if f.is_file()]
    assert sum(f.suffix == '.safetensors' for f in files) == 3     # the policy, its heads, the heads before the refit
    assert not any(f.suffix in ('.bin', '.pt', '.pth', '.pkl') for f in files)
    assert sum(f.stat().st_size for f in files) < 20 * 2**20

def test_recipe_reproduces_the_logged_loss():
    "The recipe's first logged step, from the shipped base on the stored corpus, gives the manifest's loss."
    cfg = sft_config(TINY)
    _, _, hist, _ = train_policy(TINY, cfg, sft_data(TINY), until=1)
    want = json.loads((SHIP/'manifest.json').read_text())['loss'][0]
    assert math.isclose(hist[0]['loss'], want, rel_tol=2e-3), (hist[0]['loss'], want)

def test_shipped_copy_keeps_its_store_identity():
    "Later phases key on the Phase 1 checkpoint's name: the shipped copy must answer with its store copy's."
    from pixelis_nb.base import checkpoint_name
    from pixelis_nb.core import ArtifactStore
    m = json.loads((SHIP/'manifest.json').read_text())
    assert checkpoint_name(SHIP) == m['store_name'] == ArtifactStore().key('sft', sft_key(TINY, sft_config(TINY)))
