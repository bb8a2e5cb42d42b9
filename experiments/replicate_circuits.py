"""Chapter 27's circuit grid: chapters 22-26 chained (`replication.circuit_pipeline`) in every (family, dataset) cell.

    python experiments/replicate_circuits.py [--scale tiny] [--workers 2] [--threads 1] [--fixture-images 24]

One worker per family (`replication.family_circuits`, one torch thread each). A family with no base (neither shipped
nor stored: `experiments/train_families.py` trains one) gives rows marked 'not trained'. CLEVR, GQA and VQAv2 are
read from `replication.data_root`; a set that is not there is replaced by fixtures in its released layout
(`replication.write_fixtures`, --fixture-images scenes of five questions each), and the line says so per dataset:
fixture rows test that the chain runs on those layouts and say nothing about the real sets.

Appends one JSON line to `experiments/results/replication_circuits.jsonl`: the scale, the hash of
`replication.circuits_key` (every stage's knobs, the replication knobs, each family's base recipe), the datasets'
sources, the wall time, and every row. Chapter 27 reads the latest line made for its own key.
"""
import argparse, json, tempfile, time
from dataclasses import asdict, replace
from pathlib import Path

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--scale', default='tiny', help='nano, tiny, small or paper (default: tiny)')
    ap.add_argument('--workers', type=int, default=2, help='worker processes, one family each (default: 2)')
    ap.add_argument('--fixture-images', type=int, default=24, help='scenes per fixture set (default: 24)')
    ap.add_argument('--threads', type=int, default=1, help='torch threads of each worker, or of this process with '
                                                          '--workers 1 (default: 1)')
    a = ap.parse_args(argv)
    import torch
    torch.set_num_threads(a.threads)
    from pixelis_nb.core import get_scale, config_hash, in_workers
    from pixelis_nb.replication import (replication_config, circuits_key, family_circuits, family_source, load_dataset,
                                        write_fixtures, READERS, CIRCUITS_VERSION)
    scale = get_scale(a.scale)
    cfg = replication_config(scale)
    source, fix = {}, None
    for d in READERS:
        try:
            load_dataset(d, scale, cfg)
            source[d] = 'real'
        except FileNotFoundError:
            source[d] = 'fixture'
    if 'fixture' in source.values():
        real_root = cfg.data_root
        fix = write_fixtures(Path(tempfile.mkdtemp())/'data', n_images=a.fixture_images)
        cfg = replace(cfg, data_root=str(fix))
        if 'real' in source.values():
            raise SystemExit(f"some real sets are under {real_root or 'the default data root'} and some are not "
                             f"({source}); put all three there, or none")
    fams = {f: family_source(f, scale) for f in cfg.families}
    print(f"scale {scale.name}; families {fams}; sets {source}", flush=True)
    t0 = time.time()
    rows = in_workers(family_circuits, [(f, scale.name, asdict(cfg)) for f in cfg.families], a.workers, a.threads)
    secs = time.time() - t0
    rows = [r for rs in rows for r in rs]
    for r in rows:
        if r.get('stage') == 'done' and r['comparison'].startswith(('both: own set', 'union x4 - norm-matched, KL')):
            print(f"{r['family']:11s} {r['dataset']:17s} L{r['layer']} {r['pair']:18s} {r['comparison']:42s} "
                  f"{r['estimate']:+.4f} [{r['lo']:+.4f}, {r['hi']:+.4f}] p {r['p']:.3g}", flush=True)
    print(f"{len(rows)} rows in {secs:.1f} s", flush=True)
    line = dict(scale=scale.name, key=config_hash(circuits_key(scale, cfg)), version=CIRCUITS_VERSION,
                families=fams, sources={d: ('generated' if d.startswith('pixelworld') else source[d])
                                        for d in cfg.datasets},
                fixture_images=a.fixture_images if fix else None, workers=a.workers, secs=round(secs, 1),
                created=time.strftime('%Y-%m-%d'), rows=rows)
    f = Path(__file__).parent/'results'/'replication_circuits.jsonl'
    with f.open('a') as fh: fh.write(json.dumps(line, default=float) + '\n')
    print(f"appended to {f}")

if __name__ == '__main__': main()
