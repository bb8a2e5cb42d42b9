"Notebooks are the source of truth: exporting and cleaning must change nothing, and README/sidebar are generated."
import ast, os, shutil, subprocess, sys, filecmp, pathlib
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(sys.executable).parent

def _tree(p):
    return {q.relative_to(p): q.read_bytes() for q in p.rglob('*') if q.is_file() and '__pycache__' not in q.parts
            and not q.name.startswith('.')}

def test_export_and_clean_change_nothing(tmp_path):
    for name in ('pyproject.toml', 'README.md'): shutil.copy(ROOT/name, tmp_path/name)
    for d in ('nbs', 'pixelis_nb'):
        shutil.copytree(ROOT/d, tmp_path/d, ignore=shutil.ignore_patterns('__pycache__', '.ipynb_checkpoints', '_proc'))
    before = _tree(tmp_path)
    for cmd in ('nbdev-export', 'nbdev-clean'):
        r = subprocess.run([str(BIN/cmd)], cwd=tmp_path, capture_output=True, text=True)
        assert r.returncode == 0, f'{cmd} failed:\n{r.stdout}\n{r.stderr}'
    after = _tree(tmp_path)
    changed = sorted(str(k) for k in set(before) | set(after) if before.get(k) != after.get(k))
    assert not changed, f'nbdev-export/nbdev-clean changed {changed}: run them and commit the result'

def test_sidebar_lists_every_notebook():
    from pixelis_nb.docs import sidebar_yaml
    assert (ROOT/'nbs'/'sidebar.yml').read_text() == sidebar_yaml(ROOT/'nbs'), \
        'nbs/sidebar.yml is stale: run `python -c "from pixelis_nb.docs import write_sidebar; write_sidebar()"`'

def test_readme_is_index(tmp_path):
    from pixelis_nb.docs import readme_markdown
    assert (ROOT/'README.md').read_text() == readme_markdown(ROOT/'nbs'), 'README.md is stale: run `pixelis docs`'

def _cells_docs_would_run():
    "Code cells that nbdev's docs processing executes besides exported ones: any cell with an import anywhere in it."
    import ast, nbformat
    for nb in sorted((ROOT/'nbs').glob('*.ipynb')):
        for i, c in enumerate(nbformat.read(str(nb), as_version=4).cells):
            if c.cell_type != 'code': continue
            flags = [l[3:].split(':')[0].strip() for l in c.source.splitlines() if l.startswith('#| ')]
            if {'export', 'exports', 'exporti', 'default_exp'} & set(flags): continue
            body = '\n'.join(l for l in c.source.splitlines() if not l.lstrip().startswith(('%', '!')))
            try: tree = ast.parse(body)
            except SyntaxError: continue
            if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree)): yield nb.name, i, flags, tree

def test_docs_build_runs_import_only_cells():
    "The offline docs build (nbdev's exec_show_docs) runs every cell holding an import: such a cell must hold only imports."
    bad = [f'{name} cell {i}' for name, i, flags, tree in _cells_docs_would_run()
           if any(not isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body)]
    assert not bad, 'imports mixed with other code; move them into an import-only cell:\n' + '\n'.join(bad)
