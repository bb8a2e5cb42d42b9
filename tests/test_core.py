"The artifact store's lock across processes: two processes build one artifact at once, the builder runs once."
import multiprocessing as mp, time, pathlib
from pixelis_nb.core import ArtifactStore

def _build_in(root, counter, barrier):
    def build(d):
        with open(counter, 'a') as f: f.write('x')   # count builder calls
        time.sleep(0.5)                                # widen the race window
        (d/'payload.txt').write_text('done')
    barrier.wait()
    p = ArtifactStore(root).get_or_create('shared', {'k': 1}, build)
    assert (p/'payload.txt').read_text() == 'done'

def test_two_processes_build_once(tmp_path):
    ctx = mp.get_context('spawn')
    counter = tmp_path/'calls.txt'
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_build_in, args=(str(tmp_path/'store'), str(counter), barrier)) for _ in range(2)]
    for p in procs: p.start()
    for p in procs: p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    assert counter.read_text() == 'x'
    store = ArtifactStore(tmp_path/'store')
    assert store.exists('shared', {'k': 1})
    assert not [q for q in store.root.iterdir() if '.tmp' in q.name]
