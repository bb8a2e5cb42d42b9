"""Chapter 27 reads its circuit grid from `experiments/results/replication_circuits.jsonl` (the grid takes longer than
the book's budget): the file must hold a line made for the current knobs and family recipes, in which every family is
shipped and the whole chain of chapters 22-26 ran on both PixelWorld sets."""
import json
from pathlib import Path
from pixelis_nb.core import config_hash
from pixelis_nb.replication import circuits_key, FAMILIES

RESULTS = Path(__file__).parents[1]/'experiments'/'results'/'replication_circuits.jsonl'

def _line() -> dict|None:
    key = config_hash(circuits_key('tiny'))
    lines = [json.loads(x) for x in RESULTS.read_text().splitlines()] if RESULTS.exists() else []
    return next((l for l in reversed(lines) if l['scale'] == 'tiny' and l['key'] == key), None)

def test_a_line_for_the_current_knobs():
    line = _line()
    assert line is not None, 'no line for the current knobs: python experiments/replicate_circuits.py --scale tiny'
    assert line['families'] == {f: 'shipped' for f in FAMILIES}

def test_the_chain_ran_on_pixelworld_in_every_family():
    rows = _line()['rows']
    for f in FAMILIES:
        for d in ('pixelworld', 'pixelworld_shift'):
            cell = [r for r in rows if r['family'] == f and r['dataset'] == d]
            assert cell and {r.get('stage') for r in cell} == {'done'}, (f, d, cell[:1])
            assert len({r['comparison'] for r in cell}) == len(cell) >= 10   # the findings table, one row each
