"""Where the experiments scripts keep their results: one JSON line per run in `experiments/results/NAME.jsonl`."""
import json
from pathlib import Path

RESULTS = Path(__file__).parent/'results'

def append_result(name:str, line:dict) -> Path:
    "Append `line` to `experiments/results/{name}.jsonl`; the file's path."
    path = RESULTS/f'{name}.jsonl'
    path.parent.mkdir(exist_ok=True)
    with path.open('a') as f: f.write(json.dumps(line) + '\n')
    return path
