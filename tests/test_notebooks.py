"One pytest case per notebook: each runs top to bottom at nano scale, `slow` and `gpu` cells skipped."
import os, pathlib, pytest
from nbdev import test as nbdev_test

NBS = pathlib.Path(__file__).resolve().parent.parent/'nbs'
NOTEBOOKS = sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith('_'))

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(nb, monkeypatch):
    monkeypatch.chdir(NBS)
    ok, secs = nbdev_test.test_nb(str(nb), skip_flags=['slow', 'gpu'], basepath=str(NBS.parent))
    assert ok, f'{nb.name} failed (see the traceback above)'
