"""Cell statistics per chapter (issue 19's closing note): before (a git revision) and after (the working tree).

For every notebook in nbs/:
- **exp. median**: the median length of its exported cells, in lines of code (blank lines and `#|` directives aside);
- **shown**: example cells with a visible output / all example cells. An example cell is a code cell that is not
  exported and holds more than directives and imports; a visible output is a stored `execute_result`,
  `display_data` or non-empty `stream` output (an error output does not count);
- **prose/code**: words of markdown per line of code (all code cells, blank lines and directives aside);
- **>40**: exported cells longer than 40 lines (counted the same way as the median).

Run from the repository root: `python experiments/cell_stats.py [--rev HEAD] [--markdown]`.
"""
import argparse, ast, json, re, statistics, subprocess
from pathlib import Path

def _code_lines(src:str) -> list[str]:
    return [l for l in src.splitlines() if l.strip() and not l.lstrip().startswith('#|')]

def _is_exported(src:str) -> bool:
    return bool(re.match(r'\s*#\|\s*export', src))

def _only_imports(src:str) -> bool:
    "Whether a cell's code is nothing but import statements (or nothing at all)."
    try: body = ast.parse('\n'.join(_code_lines(src))).body
    except SyntaxError: return False
    return all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in body)

def _visible(outputs:list) -> bool:
    for o in outputs:
        t = o.get('output_type')
        if t in ('execute_result', 'display_data'): return True
        if t == 'stream' and ''.join(o.get('text', '')).strip(): return True
    return False

def cell_stats(nb:dict) -> dict:
    "The statistics of one notebook (a parsed .ipynb)."
    exp, ex, shown, words, code = [], 0, 0, 0, 0
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            words += len(re.findall(r'\w+', src))
            continue
        if c['cell_type'] != 'code': continue
        n = len(_code_lines(src))
        code += n
        if _is_exported(src): exp.append(n)
        elif not _only_imports(src):
            ex += 1
            shown += _visible(c.get('outputs', []))
    return dict(exp_median=statistics.median(exp) if exp else None, n_exp=len(exp), examples=ex, shown=shown,
                prose_per_code=words / code if code else None, over40=sum(n > 40 for n in exp))

def _at_rev(path:Path, rev:str) -> dict|None:
    r = subprocess.run(['git', 'show', f'{rev}:{path.as_posix()}'], capture_output=True, text=True)
    return json.loads(r.stdout) if r.returncode == 0 else None

def _fmt(s:dict|None) -> tuple:
    if s is None: return ('–',) * 4
    med = '–' if s['exp_median'] is None else f"{s['exp_median']:g}"
    share = f"{s['shown']}/{s['examples']}" + (f" ({s['shown'] / s['examples']:.0%})" if s['examples'] else '')
    ppc = '–' if s['prose_per_code'] is None else f"{s['prose_per_code']:.2f}"
    return med, share, ppc, str(s['over40'])

def table(rev:str='HEAD', nbs:Path=Path('nbs')) -> list[tuple]:
    "Rows (notebook, before..., after...) for every notebook in `nbs`."
    rows = []
    for p in sorted(nbs.glob('*.ipynb')):
        before, after = _at_rev(p, rev), json.loads(p.read_text())
        rows.append((p.stem, *_fmt(before and cell_stats(before)), *_fmt(cell_stats(after))))
    return rows

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--rev', default='HEAD', help='the revision "before" is read from')
    args = ap.parse_args()
    head = ('notebook', 'exp. median (before)', 'shown (before)', 'prose/code (before)', '>40 (before)',
            'exp. median (after)', 'shown (after)', 'prose/code (after)', '>40 (after)')
    print('| ' + ' | '.join(head) + ' |')
    print('|' + '---|' * len(head))
    for r in table(args.rev): print('| ' + ' | '.join(r) + ' |')
