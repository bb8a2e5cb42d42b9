"""Train chapter 27's VLM family bases (Qwen2.5-VL, LLaVA; Qwen3-VL too where it is not shipped) with the base recipe.

    python experiments/train_families.py [--scale tiny] [--families qwen2_5_vl llava] [--until STEP] [--threads N]

Each family goes through `replication.train_family`: a base already shipped or in the artifact store is only
reported; a missing one is trained with chapter 13b's unchanged recipe (`base.pretrain`), writing resume checkpoints
to `replication.family_resume_dir` every `base.ckpt_every` steps, and stored (`family_checkpoint`) when it reaches the
last step. `--until STEP` stops after that step and stores nothing: rerun the command (with a later `--until`, or
none) to continue from the checkpoint, in this session or a later one. At tiny a family takes about an hour on 2 CPU
threads (1600 steps). The book's chapter 27 uses every family it finds in the store and marks the others
"not trained".
"""
import argparse, sys, time

def main(argv=None):
    from pixelis_nb.replication import FAMILIES
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--scale', default='tiny', help='nano, tiny, small or paper (default: tiny)')
    ap.add_argument('--families', nargs='+', default=None, choices=FAMILIES, metavar='FAMILY',
                    help=f"families to train, of {', '.join(FAMILIES)} (default: all; a shipped or stored one is "
                         'only reported)')
    ap.add_argument('--until', type=int, default=None, metavar='STEP',
                    help='stop after this step (a resumable partial run: nothing is stored)')
    ap.add_argument('--threads', type=int, default=1, help='torch threads (default: 1)')
    a = ap.parse_args(argv)
    if a.until is not None and a.until < 1: ap.error('--until must be >= 1')
    if a.threads < 1: ap.error('--threads must be >= 1')
    import torch
    from pixelis_nb.core import get_scale
    from pixelis_nb.replication import train_family, family_status
    torch.set_num_threads(a.threads)
    scale = get_scale(a.scale)
    fams = tuple(a.families or FAMILIES)
    st = family_status(scale, families=fams)
    print(st.drop(columns='train').to_string(), flush=True)
    t0 = time.time()
    for f in fams:
        k = st.resume_step[f]
        print()
        if st.source[f] == 'not trained':
            print(f"{f}: " + (f"resuming from step {k}" if k else 'starting') + f" (threads {a.threads})", flush=True)
        r = train_family(f, scale, until=a.until)
        print(f"{f}: {r['status']} - step {r['step']} of {r['steps']}, this run {r['wall_secs']} s, "
              f"training so far {r['train_secs']} s, last loss {r['loss']}\n    {r['path']}", flush=True)
    print(f"\ndone in {time.time() - t0:.1f} s", flush=True)

if __name__ == '__main__': main()
