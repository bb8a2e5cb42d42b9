"""A stand-in for a real Qwen3-VL checkpoint, so that the paper path (`--scale paper --model DIR`) runs on a laptop CPU.

The directory has the released layout of Qwen3-VL-8B-Instruct:
- `config.json`: model_type qwen3_vl, vocabulary 151936, Qwen's special-token ids, patch 16, merge 2, DeepStack;
- `model.safetensors` in bfloat16;
- Qwen's byte-level BPE tokenizer: its 151,643 ranks (the file `qwen.tiktoken`, shipped in the `dashscope` wheel on
  PyPI, fetched once and checked by sha256), Qwen's pre-tokenizer pattern, and Qwen3-VL's 26 added tokens at their ids;
- `generation_config.json` with Qwen3-VL-Instruct's sampling defaults (top_k 20, top_p 0.8, temperature 0.7), which
  the book's rollouts must override;
- `preprocessor_config.json` with Qwen3-VL's patching and normalisation.

Only the sizes differ (2 text layers of 64, a 2-block vision tower) and the weights are random. So the stand-in tests
the paper path's mechanics (tokenizer, processor, LoRA, bf16, checkpoints, rollouts), never what a trained 8B does.

    python experiments/paper_standin.py build OUT               # write the stand-in checkpoint to OUT
    python experiments/paper_standin.py book OUT [--store S]    # `pixelis book --scale paper --model` on it with
                                                                # CPU-sized knobs; one line to results/paper_standin.jsonl
"""
import argparse, base64, hashlib, json, re, subprocess, sys, tempfile, time, zipfile
from pathlib import Path

BENCH = Path(__file__).parents[1]/'bench'
DASHSCOPE = 'dashscope==2.0.2'
BPE_MEMBER = 'dashscope/resources/qwen.tiktoken'
BPE_SHA256 = 'b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186'
# Qwen's pre-tokenizer: contractions, letters, single digits, punctuation runs, newlines, spaces
PATTERN = (r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+"""
           r"""|\s+(?!\S)|\s+""")
ADDED = ('<|endoftext|>', '<|im_start|>', '<|im_end|>', '<|object_ref_start|>', '<|object_ref_end|>', '<|box_start|>',
         '<|box_end|>', '<|quad_start|>', '<|quad_end|>', '<|vision_start|>', '<|vision_end|>', '<|vision_pad|>',
         '<|image_pad|>', '<|video_pad|>', '<tool_call>', '</tool_call>', '<|fim_prefix|>', '<|fim_middle|>',
         '<|fim_suffix|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>', '<tool_response>', '</tool_response>',
         '<think>', '</think>')   # ids 151643.. in this order; the tool and think tags are not `special`
NOT_SPECIAL = ('<tool_call>', '</tool_call>', '<tool_response>', '</tool_response>', '<think>', '</think>')
GENERATION = dict(bos_token_id=151643, pad_token_id=151643, eos_token_id=[151645, 151643], do_sample=True, top_k=20,
                  top_p=0.8, temperature=0.7, repetition_penalty=1.0)
PREPROCESSOR = dict(size=dict(longest_edge=16777216, shortest_edge=65536), patch_size=16, temporal_patch_size=2,
                    merge_size=2, image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5],
                    processor_class='Qwen3VLProcessor', image_processor_type='Qwen2VLImageProcessorFast')


def qwen_bpe(cache:Path|None=None) -> Path:
    "Qwen's BPE ranks (`qwen.tiktoken`), fetched once from the dashscope wheel on PyPI and checked by sha256."
    from pixelis_nb.core import cache_root
    dst = Path(cache or cache_root()/'qwen-bpe')/'qwen.tiktoken'
    if dst.exists() and hashlib.sha256(dst.read_bytes()).hexdigest() == BPE_SHA256: return dst
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([sys.executable, '-m', 'pip', 'download', '-q', '--no-deps', DASHSCOPE, '-d', d],
                           capture_output=True, text=True)
        wheels = list(Path(d).glob('dashscope-*.whl'))
        if r.returncode or not wheels: raise SystemExit(f'paper_standin: could not fetch {DASHSCOPE}: {r.stderr[-500:]}')
        data = zipfile.ZipFile(wheels[0]).read(BPE_MEMBER)
    if hashlib.sha256(data).hexdigest() != BPE_SHA256: raise SystemExit(f'paper_standin: {BPE_MEMBER} sha256 differs')
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(data)
    return dst


def ranks(path:Path) -> dict:
    "token bytes -> rank, from a tiktoken file (one `base64 rank` per line)."
    return {base64.b64decode(t): int(r) for t, r in (l.split() for l in Path(path).read_text().splitlines() if l)}


def qwen_tokenizer(bpe:Path):
    "Qwen3-VL's tokenizer rebuilt from its BPE ranks: a transformers fast tokenizer."
    from tokenizers import AddedToken, normalizers
    from transformers import PreTrainedTokenizerFast
    from transformers.convert_slow_tokenizer import TikTokenConverter

    class _Converter(TikTokenConverter):
        load_tiktoken_bpe = staticmethod(ranks)   # the file format is plain: no tiktoken package needed

    tk = _Converter(vocab_file=str(bpe), pattern=PATTERN).converted()
    tk.normalizer = normalizers.NFC()
    tk.add_special_tokens([AddedToken(t, special=t not in NOT_SPECIAL, normalized=False) for t in ADDED])
    return PreTrainedTokenizerFast(tokenizer_object=tk, eos_token='<|im_end|>', pad_token='<|endoftext|>',
                                   extra_special_tokens={'image_token': '<|image_pad|>', 'video_token': '<|video_pad|>',
                                                         'vision_bos_token': '<|vision_start|>',
                                                         'vision_eos_token': '<|vision_end|>'})


def build_standin(out:str|Path, bpe:Path|None=None, seed:int=0) -> Path:
    "Write the stand-in checkpoint to `out` (see the module's docstring)."
    import torch
    from transformers import GenerationConfig, Qwen3VLForConditionalGeneration
    sys.path.insert(0, str(BENCH))
    import gpu_smoke
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tok = qwen_tokenizer(bpe or qwen_bpe())
    sizes = dict(text=dict(gpu_smoke.TINY['text'], vocab_size=151936), vision=gpu_smoke.TINY['vision'])
    cfg = gpu_smoke.build_config(sizes)
    torch.manual_seed(seed)
    model = Qwen3VLForConditionalGeneration(cfg).to(torch.bfloat16)
    model.generation_config = GenerationConfig(**GENERATION)
    model.save_pretrained(str(out), safe_serialization=True)
    tok.save_pretrained(str(out))
    (out/'preprocessor_config.json').write_text(json.dumps(PREPROCESSOR, indent=1))
    return out


CPU_KNOBS = ['policy.min_pixels=4096', 'policy.max_pixels=16384', 'policy.max_frames=6', 'world.image_size=128',
             'world.video_size=64', 'world.video_frames=16', 'world.n_train=200', 'world.n_val=50',
             'world.n_test=50', 'tools.zoom_size=128', 'cota.n_per_cell=6', 'rollout.max_turn_tokens=48',
             'rollout.max_new_tokens=192', 'rollout.max_steps=4', 'reward.emb_dim=32', 'reward.curiosity_hidden=64',
             'sft.steps=12', 'sft.warmup=2', 'sft.batch_size=4', 'sft.grad_accum=1', 'sft.eval_per_cell=4',
             'sft.ablation_per_cell=2', 'sft.ckpt_every=6', 'sft.log_every=2', 'sft.head_fit=500',
             'rft.steps=2', 'rft.prompts_per_step=2', 'rft.ckpt_every=1', 'rft.ablation_per_cell=2',
             'rft.max_steps=4', 'rft.max_turn_tokens=96', 'rft.max_new_tokens=384', 'ttrl.stream_size=8',
             'ttrl.heldout_size=14', 'ttrl.n_votes=3', 'ttrl.queries_per_step=4', 'ttrl.max_steps=4',
             'ttrl.max_turn_tokens=96', 'ttrl.max_new_tokens=384', 'bench.max_side=512', 'bench.num_frames=6',
             'bench.max_steps=3', 'bench.max_turn_tokens=48']   # the paper scale's sizes cut to a CPU's minutes


def failing_line(error:str) -> str:
    "The exception and the chapter's line that raised it, from a failed chapter's traceback."
    lines = re.sub(r'\x1b\[[0-9;]*m', '', error).splitlines()
    at = next((m.group(1) for l in lines if (m := re.match(r'^-+> *[0-9]+ (.*)$', l))), '')   # the cell's line
    exc = next((l.split()[0] for l in lines if re.match(r'^[A-Za-z]+(Error|Exception)\b', l)), 'error')
    return f"{exc} at `{at.strip()}`"[:300]


def run_book_on(ckpt:Path, out:Path, store:Path|None, only:list, resume:bool=False) -> dict:
    "`pixelis book --scale paper --model ckpt` with `CPU_KNOBS` (bf16-mixed, one CPU device): per-chapter status."
    from pixelis_nb.book import run_book
    t0 = time.time()
    res = run_book('paper', only=only, out=out, store=store, chapter_timeout=1800, resume=resume,
                   overrides=[f'model_path={ckpt}', 'devices=1', 'strategy=auto', 'precision=bf16-mixed', *CPU_KNOBS])
    errs = {r.name: failing_line(r.error) for r in res.results if not r.ok}
    return dict(chapters={r.name: 'skipped' if r.skipped else 'ok' if r.ok else 'FAILED' for r in res.results},
                errors=errs, secs=round(time.time() - t0, 1), kept=[r.name for r in res.results if r.kept],
                knobs=CPU_KNOBS, only=only)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('what', choices=['build', 'book'])
    ap.add_argument('out')
    ap.add_argument('--store', help='artifact store (default: a fresh one under OUT)')
    ap.add_argument('--only', nargs='+', default=['foundations', 'pixelis'])
    ap.add_argument('--resume', action='store_true', help="keep chapters an earlier run in OUT completed (same config)")
    a = ap.parse_args(argv)
    out = Path(a.out).absolute()
    ckpt = out/'standin' if a.resume and (out/'standin'/'config.json').exists() else \
        build_standin(out/'standin' if a.what == 'book' else out)
    if a.what == 'build': return print(f'stand-in checkpoint: {ckpt}')
    line = run_book_on(ckpt, out/'book', Path(a.store) if a.store else out/'store', a.only, a.resume)
    line.update(date=time.strftime('%Y-%m-%d'))
    res = Path(__file__).parent/'results'/'paper_standin.jsonl'
    with res.open('a') as f: f.write(json.dumps(line) + '\n')
    print(json.dumps(line, indent=1))


if __name__ == '__main__':
    main()
