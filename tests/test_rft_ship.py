"""The shipped Phase 2 run is this recipe's output: its manifest names the recipe, the recipe's first step reproduces
the logged reward and loss from the shipped Phase 1 checkpoint, the files are small safetensors, and the copy answers
with its store name (chapter 17's runs and the ablations' results are keyed on it)."""
import json, math
from pixelis_nb.core import get_scale, config_hash, ArtifactStore
from pixelis_nb.base import shipped_dir, checkpoint_name
from pixelis_nb.rewards import reward_config
from pixelis_nb.rft import rft_config, rft_key, rft_checkpoint, rft_start, train_rft

TINY = get_scale('tiny')
SHIP = shipped_dir('tiny', 'rft')

def _manifest() -> dict: return json.loads((SHIP/'manifest.json').read_text())

def _key() -> dict: return rft_key(TINY, rft_config(TINY), reward_config(TINY))

def test_manifest_names_the_recipe_and_the_book_loads_it():
    m, cfg = _manifest(), rft_config(TINY)
    assert m['config_hash'] == config_hash(_key())
    assert rft_checkpoint(TINY) == SHIP                          # no training: the shipped directory itself
    history = json.loads((SHIP/'history.json').read_text())['history']
    assert m['steps'] == cfg.steps == len(m['reward']) == len(history)
    assert {'valid_rate', 'accuracy', 'choice_accuracy', 'hard_zoom_acc_choice'} <= set(m['scores'])

def test_shipped_files_are_small_safetensors():
    files = [f for f in SHIP.rglob('*') if f.is_file()]
    names = sorted(f.name for f in files if f.suffix == '.safetensors')
    assert names == ['curiosity.safetensors', 'heads.safetensors', 'model.safetensors'], names
    assert not any(f.suffix in ('.bin', '.pt', '.pth', '.pkl') for f in files)
    assert sum(f.stat().st_size for f in files) < 20 * 2**20

def test_recipe_reproduces_the_logged_first_step():
    "The recipe's first step, from the shipped Phase 1 checkpoint, gives the manifest's reward and loss."
    cfg, rcfg, m = rft_config(TINY), reward_config(TINY), _manifest()
    policy, proc, writer = rft_start(TINY, cfg)
    hist, _ = train_rft(policy, proc, cfg, rcfg, TINY, until=1, arg_writer=writer)
    for k in ('reward', 'loss'):
        assert math.isclose(hist[0][k], m[k][0], rel_tol=2e-3, abs_tol=1e-5), (k, hist[0][k], m[k][0])

def test_shipped_copy_keeps_its_store_identity():
    assert checkpoint_name(SHIP) == _manifest()['store_name'] == ArtifactStore().key('rft', _key())
