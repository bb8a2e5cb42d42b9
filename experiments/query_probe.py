"""Where does grounding fail: in the visual keys or in the pointer's query? A probe on the shipped base's frozen states.

    python experiments/query_probe.py ocr          # one task (ocr, attribute, count, relation, size)
    python experiments/query_probe.py attribute 1500
    STRIP=1 python experiments/query_probe.py ocr  # the thought without its region words ("look closer.")

For fresh samples of one task whose expert starts with a zoom on the scene (contexts built as in `pointer_probe.py`:
the prompt and the expert's first turn up to `zoom(box=[`), a fresh pointer (query MLP . key MLP, cross-entropy on the
visual token holding the target box's centre; 36 tokens at tiny) is trained on N samples of all difficulties (seeds
5,000,000+) and scored on 300 hard ones (seeds 900,000+). Queries compared:
  - `state`: the decoder's last-layer state at `=[` (what chapter 14's pointer used before `pool_layer`);
  - `oracle`: one-hot of the target's true colour and shape (an upper bound on what the words can tell);
  - `pool L`: the `=[` state plus an attention pool over the context's text tokens at decoder layer L.
Keys: the scene's visual tokens at layer 0 (the decoder's input) or the last layer. One JSON line per task is printed
and appended to `experiments/results/query_probe.jsonl`. About 2 minutes per task on 2 threads.
"""
import os, sys, json
from pathlib import Path
import torch, torch.nn as nn, torch.nn.functional as F
sys.path.insert(0, str(Path(__file__).parent))
from pointer_probe import examples, hidden_rows
from pixelis_nb.base import load_base
from pixelis_nb.sft import target_cell, image_spans
from pixelis_nb.policy import collate, model_inputs
from pixelis_nb.world import make_sample, world_config, COLORS, SHAPES

def oracle_words(task, seed0, n, diffs):
    "One-hot (colour, shape) of the target of the same samples `examples` builds."
    wcfg, out, k = world_config('tiny'), [], 0
    while len(out) < n:
        s = make_sample(seed0 + k, task, diffs[k % len(diffs)], cfg=wcfg); k += 1
        if s.scene.image is None or s.program[0].op != 'zoom': continue
        o = s.scene.objects[0]
        c, sh = list(COLORS), list(SHAPES)
        out.append(torch.cat([F.one_hot(torch.tensor(c.index(o.color) if o.color in c else len(c)), len(c) + 1),
                              F.one_hot(torch.tensor(sh.index(o.shape) if o.shape in sh else len(sh)), len(sh) + 1)]))
    return torch.stack(out).float()

@torch.no_grad()
def features(pol, proc, ex):
    "Per example: the `=[` state, visual tokens at layers 0 and -1, text states at 0 and -1 (padded), the target cell."
    img, d = proc.image_token_id, dict(H=[], K0=[], KL=[], C0=[], CL=[], Y=[])
    for hs, j, e, box, L, (s, r, c) in hidden_rows(pol, proc, ex):
        txt = e['input_ids'] != img
        d['H'].append(hs[-1][j, L - 1]); d['K0'].append(hs[0][j, s:s + r * c]); d['KL'].append(hs[-1][j, s:s + r * c])
        d['C0'].append(hs[0][j, :L][txt]); d['CL'].append(hs[-1][j, :L][txt])
        d['Y'].append(target_cell(torch.tensor([box]), torch.tensor([[0, r, c]]))[0])
    T = max(len(x) for x in d['C0'])
    M = torch.stack([torch.arange(T) < len(x) for x in d['C0']])
    pad = lambda xs: torch.stack([F.pad(x, (0, 0, 0, T - len(x))) for x in xs])
    return dict(H=torch.stack(d['H']), K0=torch.stack(d['K0']), KL=torch.stack(d['KL']), C0=pad(d['C0']),
                CL=pad(d['CL']), M=M, Y=torch.stack(d['Y']))

class Query(nn.Module):
    "The query: a vector alone, or the `=[` state plus an attention pool over the context's text states."
    def __init__(self, d:int, pool:bool):
        super().__init__()
        self.pool = pool
        self.a, self.b = nn.Linear(d, 64), nn.Linear(d, 64)
        self.q = nn.Linear(2 * d if pool else d, 128)
    def forward(self, h, C, M):
        if not self.pool: return self.q(h)
        w = torch.einsum('nd,ntd->nt', self.a(h), self.b(C)).masked_fill(~M, -1e9).softmax(-1)
        return self.q(torch.cat([h, (w[..., None] * C).sum(1)], -1))

def fit(qtr, qte, tr, te, key, pool_ctx=None, epochs=60):
    "Train query + key MLP with cross-entropy on the target cell; return hard cell accuracy."
    torch.manual_seed(0)
    q = Query(qtr.shape[1], pool_ctx is not None)
    k = nn.Sequential(nn.Linear(tr[key].shape[-1], 128), nn.GELU(), nn.Linear(128, 128))
    opt = torch.optim.AdamW([*q.parameters(), *k.parameters()], lr=2e-3, weight_decay=0.01)
    C = lambda f: f[pool_ctx] if pool_ctx else None
    for _ in range(epochs):
        perm = torch.randperm(len(qtr))
        for i in range(0, len(perm), 128):
            ix = perm[i:i + 128]
            ctx = None if pool_ctx is None else C(tr)[ix]
            lg = torch.einsum('nd,nkd->nk', q(qtr[ix], ctx, tr['M'][ix]), k(tr[key][ix]))
            loss = F.cross_entropy(lg, tr['Y'][ix])
            opt.zero_grad(); loss.backward(); opt.step()
    with torch.no_grad():
        lg = torch.einsum('nd,nkd->nk', q(qte, C(te), te['M']), k(te[key]))
    return round((lg.argmax(-1) == te['Y']).float().mean().item(), 3)

def main(task:str, n:int=1500):
    torch.set_num_threads(2)
    strip = os.environ.get('STRIP') == '1'
    pol, proc = load_base('tiny'); pol.eval()
    diffs = ['easy', 'medium', 'hard']
    tr = features(pol, proc, examples(pol, proc, 5_000_000, n, diffs, strip, tasks=(task,)))
    te = features(pol, proc, examples(pol, proc, 900_000, 300, ['hard'], strip, tasks=(task,)))
    otr, ote = oracle_words(task, 5_000_000, n, diffs), oracle_words(task, 900_000, 300, ['hard'])
    out = dict(task=task, strip=strip, n_train=n, n_test=300)
    for key, kn in (('K0', 'keys0'), ('KL', 'keys-1')):
        out[f'state/{kn}'] = fit(tr['H'], te['H'], tr, te, key)
        out[f'oracle/{kn}'] = fit(otr, ote, tr, te, key)
        out[f'pool0/{kn}'] = fit(tr['H'], te['H'], tr, te, key, 'C0')
        out[f'pool-1/{kn}'] = fit(tr['H'], te['H'], tr, te, key, 'CL')
    print(json.dumps(out), flush=True)
    f = Path(__file__).parent/'results'/'query_probe.jsonl'
    with f.open('a') as fh: fh.write(json.dumps(out) + '\n')

if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1500)
