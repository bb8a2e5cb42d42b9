"`pixelis book`: overrides checked before anything runs, a chapter timeout and idle watchdog, and --resume."
import os, subprocess, sys, time
from pathlib import Path
import nbformat
import pytest
from pixelis_nb.cli import main
from pixelis_nb.book import run_book

BAD = [  # argv after `book`, words the one-line error must contain
    (['--set', 'nosuch.field=1'], ['nosuch', 'valid sections', 'tools']),
    (['--set', 'tools.zoom_size=abc'], ['tools.zoom_size', 'abc', 'int']),
    (['--set', 'seed=abc'], ['seed', 'abc', 'int']),
    (['--set', 'nosuch=1'], ['nosuch', 'valid', 'seed', 'sft']),
    (['--set', 'noequals'], ['noequals', 'key=value']),
    (['--config', '/missing.yaml'], ['/missing.yaml', 'not found']),
]

@pytest.fixture
def empty_book(tmp_path, monkeypatch):
    "An empty notebook folder: if a bad override were not caught, the run would start (and do nothing) and exit 0."
    (tmp_path/'nbs').mkdir()
    monkeypatch.setenv('PIXELIS_NBS', str(tmp_path/'nbs'))
    return tmp_path

@pytest.mark.parametrize('argv,words', BAD)
def test_bad_override_is_one_line_exit_2(argv, words, empty_book, capsys):
    out = empty_book/'out'
    rc = main(['book', '--scale', 'nano', '--out', str(out), *argv])
    err = capsys.readouterr().err
    assert rc == 2
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    for w in words: assert w in lines[0], (w, lines[0])
    assert not out.exists()   # nothing ran

@pytest.mark.parametrize('argv,words', [
    (['--scale', 'paper'], ['paper scale needs a local Qwen3-VL checkpoint', '--model']),
    (['--scale', 'paper', '--model', '/nonexistent/ckpt'], ['checkpoint path not found', '/nonexistent/ckpt']),
    (['--scale', 'paper', '--model', '.'], ['no config.json', 'not a transformers checkpoint']),
])
def test_paper_scale_without_a_valid_checkpoint_is_one_line(argv, words, empty_book, capsys, monkeypatch):
    "`pixelis book --scale paper` started the whole book without a checkpoint; now it stops at once (exit 2)."
    monkeypatch.chdir(empty_book)
    out = empty_book/'out'
    rc = main(['book', '--out', str(out), *argv])
    lines = [l for l in capsys.readouterr().err.splitlines() if l.strip()]
    assert rc == 2 and len(lines) == 1, lines
    for w in words: assert w in lines[0], (w, lines[0])
    assert not out.exists()

def test_bad_override_console_has_no_traceback(empty_book):
    cmd = [sys.executable, '-c', 'import sys; from pixelis_nb.cli import main; sys.exit(main())',
           'book', '--set', 'nosuch=1', '--out', str(empty_book/'out')]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert 'Traceback' not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr

def test_valid_overrides_still_run(empty_book, capsys):
    rc = main(['book', '--scale', 'nano', '--out', str(empty_book/'out'), '--set', 'seed=3', '--set',
               'tools.zoom_size=96', '--set', 'tools_eval.n_slow=2'])
    assert rc == 0

def _mk_nb(path, *cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f'# {path.stem}')] + [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'python3', 'language': 'python'}
    nbformat.write(nb, str(path))

def test_chapter_timeout_fails_chapter_and_book_goes_on(tmp_path):
    _mk_nb(tmp_path/'00_slow.ipynb', 'import time', 'time.sleep(60)')
    _mk_nb(tmp_path/'01_fast.ipynb', 'x = 1')
    t0 = time.time()
    res = run_book('nano', out=tmp_path/'book', nbs_path=tmp_path, chapter_timeout=4, verbose=False)
    assert time.time() - t0 < 45
    assert [(r.name, r.ok) for r in res.results] == [('00_slow', False), ('01_fast', True)]
    assert 'chapter timeout' in res.results[0].error and '4 s' in res.results[0].error

LOSE_REPLY = '''k = get_ipython().kernel
_send = k.session.send
def _lossy(stream, msg, *a, **kw):
    kind = msg if isinstance(msg, str) else msg['header']['msg_type']
    if kind == 'execute_reply':
        k.session.send = _send   # lose this one reply, as a dropped kernel message would
        return None
    return _send(stream, msg, *a, **kw)
k.session.send = _lossy'''

def test_idle_watchdog_fails_chapter_after_lost_reply(tmp_path):
    _mk_nb(tmp_path/'00_lost.ipynb', LOSE_REPLY, 'y = 2')
    _mk_nb(tmp_path/'01_fast.ipynb', 'x = 1')
    t0 = time.time()
    res = run_book('nano', out=tmp_path/'book', nbs_path=tmp_path, timeout=300, idle_timeout=3, verbose=False)
    assert time.time() - t0 < 60   # far less than the 300 s cell timeout
    assert [(r.name, r.ok) for r in res.results] == [('00_lost', False), ('01_fast', True)]
    assert 'idle' in res.results[0].error

def test_resume_skips_completed_chapters(tmp_path, monkeypatch):
    log, flag = tmp_path/'ran.txt', tmp_path/'fixed'
    nbs = tmp_path/'nbs'; nbs.mkdir()
    _mk_nb(nbs/'00_a.ipynb', f"open(r'{log}', 'a').write('a\\n')")
    _mk_nb(nbs/'01_b.ipynb', f"open(r'{log}', 'a').write('b\\n')",
           f"import os\nassert os.path.exists(r'{flag}'), 'not fixed yet'")
    monkeypatch.setenv('PIXELIS_NBS', str(nbs))
    book = ['book', '--scale', 'nano', '--out', str(tmp_path/'out')]
    ran = lambda: log.read_text().split()
    assert main(book) == 1                          # 01_b fails
    assert ran() == ['a', 'b']
    flag.touch()
    assert main(book + ['--resume']) == 0           # 00_a kept, 01_b rerun
    assert ran() == ['a', 'b', 'b']
    assert main(book + ['--resume']) == 0           # nothing to do
    assert ran() == ['a', 'b', 'b']
    assert main(book + ['--resume', '--set', 'seed=1']) == 0   # a changed config reruns both
    assert ran() == ['a', 'b', 'b', 'a', 'b']
    _mk_nb(nbs/'00_a.ipynb', f"open(r'{log}', 'a').write('a\\n')", 'z = 3')   # a changed notebook reruns it
    assert main(book + ['--resume', '--set', 'seed=1']) == 0
    assert ran() == ['a', 'b', 'b', 'a', 'b', 'a']
    assert main(book + ['--set', 'seed=1']) == 0     # without --resume everything runs
    assert ran() == ['a', 'b', 'b', 'a', 'b', 'a', 'a', 'b']
