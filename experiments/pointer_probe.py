"""Can a fresh pointer head find the zoom target from a policy's frozen features? A probe of the grounding bottleneck.

    python experiments/pointer_probe.py base            # the shipped base policy
    python experiments/pointer_probe.py PATH            # a stored Phase 1 checkpoint (policy/ + heads.safetensors)
    STRIP=1 python experiments/pointer_probe.py base    # the thought without its region words ("look closer.")

For fresh samples whose expert starts with a zoom on the scene (attribute, ocr, count, relation), the context is the
prompt and the first CoTA turn up to `zoom(box=[`; the target is that turn's box (view coordinates / 1000). Features:
the last decoder state at `=[` (query) and the scene's visual tokens at layer 0 and at the last layer (keys). A fresh
`PointerArgHead` is trained on 3,000 samples (seeds 5,000,000+, all difficulties) and tested on 300 hard ones
(seeds 900,000+): the pointer's cell accuracy (36 cells at tiny) and how often the target's centre falls in the
predicted box. With a checkpoint, its own trained head is scored on the same test set first.
"""
import os, sys, time, json
from pathlib import Path
import torch
from pixelis_nb.base import load_base
from pixelis_nb.sft import (PointerArgHead, view_keys, target_cell, arg_loss, SFTConfig, image_spans, load_sft_heads,
                            load_sft_policy)
from pixelis_nb.world import make_sample, world_config
from pixelis_nb.tools import tool_config
from pixelis_nb.cota import synthesize
from pixelis_nb.grammar import parse_action
from pixelis_nb.policy import make_messages, encode_conversation, turn_text, collate, model_inputs
from pixelis_nb.evaluate import extend_encoding

LAYERS = (0, -1)

def examples(pol, proc, seed0:int, n:int, diffs, strip:bool, tasks=('attribute', 'ocr', 'count', 'relation')):
    wcfg, tcfg, tok = world_config('tiny'), tool_config('tiny'), proc.tokenizer
    out, k = [], 0
    while len(out) < n:
        s = make_sample(seed0 + k, tasks[k % len(tasks)], diffs[k % len(diffs)], cfg=wcfg); k += 1
        if s.scene.image is None or s.program[0].op != 'zoom': continue
        tr = synthesize(s, 'chain', 'concise', tcfg)
        t = turn_text(tr.steps[0])
        pre = '<think>look closer.</think><act>zoom(box=[' if strip else t[:t.index('=[') + 2]
        enc = encode_conversation(proc, make_messages(s.scene.image, s.question), add_generation_prompt=True)
        enc = extend_encoding(enc, tok(pre, add_special_tokens=False)['input_ids'])
        out.append((enc, [v / 1000 for v in parse_action(tr.steps[0].action).args['box']]))
    return out

@torch.no_grad()
def hidden_rows(pol, proc, ex, batch:int=64):
    "Each `(encoding, box)` of `ex` with its batch's hidden states: (hidden states, row, encoding, box, length, image span)."
    for i in range(0, len(ex), batch):
        ch = ex[i:i + batch]
        hs = pol(**model_inputs(collate([e for e, _ in ch], proc.tokenizer.pad_token_id)), output_hidden_states=True).hidden_states
        for j, (e, box) in enumerate(ch):
            sp = image_spans(e['input_ids'], e['image_grid_thw'], proc.image_token_id, proc.image_processor.merge_size)[0]
            yield hs, j, e, box, len(e['input_ids']), sp

@torch.no_grad()
def features(pol, proc, ex):
    H, K, V, KEY = [], {l: [] for l in LAYERS}, [], []
    for hs, j, e, box, L, sp in hidden_rows(pol, proc, ex):
        H.append(hs[-1][j, L - 1])
        for l in LAYERS: K[l].append(hs[l][j, sp[0]:sp[0] + sp[1] * sp[2]])
        V.append(box); KEY.append(sp)
    return torch.stack(H), {l: torch.stack(K[l]) for l in LAYERS}, torch.tensor(V), torch.tensor(KEY)

def apply(head, H, K, KEY, hard=True):
    key = torch.stack([torch.zeros(len(H), dtype=torch.long), KEY[:, 1], KEY[:, 2]], 1)
    return head(H, *view_keys(K, torch.arange(len(H)), key), hard=hard), key

def scores(box, logits, V, KEY):
    cx, cy = (V[:, 0] + V[:, 2]) / 2, (V[:, 1] + V[:, 3]) / 2
    inside = (box[:, 0] <= cx) & (cx <= box[:, 2]) & (box[:, 1] <= cy) & (cy <= box[:, 3])
    return dict(cell=round((logits.argmax(-1) == target_cell(V, KEY)).float().mean().item(), 3),
                centre_inside=round(inside.float().mean().item(), 3))

def main(which:str, n_train:int=3000, epochs:int=40):
    torch.set_num_threads(2)
    strip = os.environ.get('STRIP') == '1'
    pol, proc = load_base('tiny') if which == 'base' else load_sft_policy(which)
    heads = None if which == 'base' else load_sft_heads(which)
    pol.eval()
    tr = features(pol, proc, examples(pol, proc, 5_000_000, n_train, ['easy', 'medium', 'hard'], strip))
    te = features(pol, proc, examples(pol, proc, 900_000, 300, ['hard'], strip))
    out = dict(policy=which, strip=strip, n_train=n_train)
    if heads is not None:
        with torch.no_grad(): (box, lg), _ = apply(heads['arg'], te[0], te[1][int(heads['arg'].key_layer)], te[3])
        out['trained_head'] = scores(box, lg, te[2], te[3])
    for l in LAYERS:
        torch.manual_seed(0)
        head = PointerArgHead(tr[0].shape[-1], 128, l)
        opt = torch.optim.AdamW(head.parameters(), lr=2e-3, weight_decay=0.01)
        for ep in range(epochs):
            perm = torch.randperm(len(tr[0]))
            for i in range(0, len(perm), 128):
                idx = perm[i:i + 128]
                (box, lg), key = apply(head, tr[0][idx], tr[1][l][idx], tr[3][idx], hard=False)
                loss = arg_loss(box, lg, torch.zeros(len(idx), dtype=torch.long), tr[2][idx], key, SFTConfig())
                opt.zero_grad(); loss.backward(); opt.step()
        with torch.no_grad(): (box, lg), _ = apply(head, te[0], te[1][l], te[3])
        out[f'fresh_head_layer{l}'] = scores(box, lg, te[2], te[3])
    print(json.dumps(out), flush=True)
    f = Path(__file__).parent/'results'/'pointer_probe.jsonl'
    f.parent.mkdir(exist_ok=True)
    with f.open('a') as fh: fh.write(json.dumps(out) + '\n')

if __name__ == '__main__':
    main(sys.argv[1])
