"""Numbers on the book's front page (nbs/index.ipynb, and the README built from it) are checked against the results
files they come from."""
import json, re
from pathlib import Path

ROOT = Path(__file__).parents[1]
BOOK_TIME = ROOT/'experiments'/'results'/'book_time.json'

def _index_prose() -> str:
    nb = json.loads((ROOT/'nbs'/'index.ipynb').read_text())
    return '\n'.join(''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'markdown')

def test_book_time_on_the_front_page_is_the_recorded_run():
    "The minutes `index` quotes for a whole book run from an empty store are those of `experiments/book_time.py`."
    rec = json.loads(BOOK_TIME.read_text())
    for text in (_index_prose(), (ROOT/'README.md').read_text()):
        m = re.search(r'from an empty store[^.]*? took (\d+) minutes on (\d+) cores', text)
        assert m, 'the front page quotes no whole-book time'
        assert (int(m.group(1)), int(m.group(2))) == (round(rec['total_seconds'] / 60), rec['cores'])
    assert rec['store'] == 'empty' and rec['failed'] == []
