"""The shipped family bases (chapter 27) are the base recipe's output: each manifest names its family's recipe, the
recipe's first steps from the seed reproduce the logged loss, the files are small safetensors, and the book finds
them (`family_source` says 'shipped')."""
import math, pytest
from pixelis_nb.core import get_scale, config_hash
from pixelis_nb.base import load_manifest, base_config, pretrain, shipped_dir
from pixelis_nb.replication import FAMILIES, family_key, family_source, family_factory, shipped_family, family_checkpoint

TINY = get_scale('tiny')
SHIPPED = [f for f in FAMILIES[1:] if shipped_dir('tiny', f'family-{f}').exists()]

def test_both_other_families_ship():
    assert SHIPPED == ['qwen2_5_vl', 'llava']

@pytest.mark.parametrize('family', SHIPPED)
def test_manifest_names_the_recipe_and_the_book_finds_it(family):
    ship = shipped_family(family, TINY)
    assert ship is not None and ship == shipped_dir('tiny', f'family-{family}')
    m = load_manifest(ship)
    assert m['config_hash'] == config_hash(family_key(family, TINY)) and m['family'] == family
    assert m['steps'] == base_config(TINY).steps == len(m['loss'])
    assert m['loss'][-1] < m['loss'][0] / 5
    assert family_source(family, TINY) == 'shipped' and family_checkpoint(family, TINY, train=False) == ship/'policy'
    sc = m['scores']['pixelworld']
    assert sc['lo'] > sc['chance'], sc      # the shipped base answers PixelWorld above chance

@pytest.mark.parametrize('family', SHIPPED)
def test_shipped_files_are_small_safetensors(family):
    files = [f for f in shipped_dir('tiny', f'family-{family}').rglob('*') if f.is_file()]
    assert sum(f.suffix == '.safetensors' for f in files) == 1
    assert not any(f.suffix in ('.bin', '.pt', '.pth', '.pkl') for f in files)
    assert sum(f.stat().st_size for f in files) < 20 * 2**20

@pytest.mark.parametrize('family', SHIPPED)
def test_recipe_reproduces_the_logged_loss(family):
    "The recipe's first three steps from the seed, with the family's model factory, give the logged losses."
    _, _, hist, _ = pretrain(TINY, until=3, model_factory=family_factory(family, TINY))
    want = load_manifest(shipped_dir('tiny', f'family-{family}'))['loss'][:3]
    for g, w in zip(hist['loss'], want): assert math.isclose(g, w, rel_tol=2e-3), (hist['loss'], want)
