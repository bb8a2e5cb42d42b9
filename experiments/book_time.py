"""The whole book's wall time on this machine from an empty store (what a fresh clone costs): the figure `index` quotes.

    python experiments/book_time.py                  # runs `pixelis book --scale tiny` with a fresh PIXELIS_HOME
    python experiments/book_time.py --from RUN_DIR   # records a run made otherwise (its metrics.json's `_book` entry)

The shipped checkpoints (the base, Phase 1) load from the package; everything else (the CoTA corpus, Phase 2 and 3,
activations, SAEs, detectors) is built in the run. Writes `experiments/results/book_time.json`: total and
per-chapter seconds, the machine's cores, the date. `tests/test_claims.py` checks the minutes that `nbs/index.ipynb`
quotes against it.
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path

OUT = Path(__file__).parent/'results'/'book_time.json'

def record(run_dir:Path, store:str) -> dict:
    "Write the `_book` entry of `run_dir/metrics.json` (with the machine and the store it ran from) to OUT."
    book = json.loads((run_dir/'metrics.json').read_text())['_book']
    line = dict(book, minutes=round(book['total_seconds'] / 60, 1), cores=os.cpu_count(), store=store,
                failed=[k for k, v in book['chapters'].items() if not v['ok']], date=time.strftime('%Y-%m-%d'))
    OUT.write_text(json.dumps(line, indent=1) + '\n')
    return line

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--from', dest='run_dir', help='a finished run directory (its metrics.json) instead of a new run')
    ap.add_argument('--store', default='empty', help='how the recorded run began (default: empty)')
    a = ap.parse_args()
    if a.run_dir: run = Path(a.run_dir)
    else:
        home, run = tempfile.mkdtemp(prefix='pixelis-home-'), Path(tempfile.mkdtemp(prefix='pixelis-book-'))
        subprocess.run(['pixelis', 'book', '--scale', 'tiny', '--out', str(run)], check=True,
                       env=dict(os.environ, PIXELIS_HOME=home))
    line = record(run, a.store)
    print(f"{line['minutes']} min on {line['cores']} cores, {len(line['chapters'])} chapters, failed: {line['failed']}")
