import os, tempfile, pathlib

# Tests run every notebook at the nano scale, with a private cache, store and run directory per session.
_tmp = pathlib.Path(tempfile.mkdtemp(prefix='pixelis-test-'))
os.environ.setdefault('PIXELIS_SCALE', 'nano')
os.environ.setdefault('PIXELIS_HOME', str(_tmp/'home'))
os.environ.setdefault('PIXELIS_RUN_DIR', str(_tmp/'run'))
os.environ.setdefault('PIXELIS_QUIET', '1')
os.environ.setdefault('MPLBACKEND', 'Agg')
os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
# Under pytest-xdist each worker gets one thread: torch's threads fighting over 2 cores made notebooks up to 8x slower.
if os.environ.get('PYTEST_XDIST_WORKER'):
    for k in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS'): os.environ.setdefault(k, '1')
