"""GPU smoke test at paper scale: the Qwen3-VL-8B *config* with random weights in bf16, one LoRA SFT step and one
batched rollout, timed, with tokens/s and model FLOPs utilisation (MFU).

    python bench/gpu_smoke.py                      # on a CUDA GPU: the 8B config, bf16
    python bench/gpu_smoke.py --config PATH        # the text/vision sizes of a local config.json instead
    python bench/gpu_smoke.py --device cpu --tiny  # the same code, a tiny config (checks the script, not speed)

Without a CUDA GPU (and without `--device cpu`) it prints one line and exits 0.

The 8B sizes are Qwen3-8B's published text dimensions (hidden 4096, 36 layers, 32 query / 8 key-value heads of 128,
MLP 12288, vocabulary 151936) with transformers' default Qwen3-VL vision tower (27 blocks of 1152, patch 16, DeepStack
at 8/16/24) projecting to 4096; `--config` reads a real checkpoint's config.json instead. No weights are downloaded:
they are random, which is all a speed test needs.

Model FLOPs (what MFU counts; recomputation by activation checkpointing is not counted):
    forward F = 2 N_text T + 2 N_vision P + 4 L T S (h d)     (T text tokens, P patches, S sequence, L layers)
    LoRA step = 2 F (forward + the backward to activations; the frozen weights get no gradient)
    one generated token = 2 N_text + 4 L S (h d)
MFU = model FLOPs / seconds / peak bf16 FLOP/s of the device (a table of known devices, or `--peak-tflops`).
"""
import argparse, json, sys, time
from pathlib import Path

PEAK_BF16_TFLOPS = {'H200': 989.0, 'H100': 989.0, 'GH200': 989.0, 'A100': 312.0, 'L40S': 362.0, 'A10G': 70.0,
                    'L4': 121.0, 'RTX 4090': 165.0}   # dense bf16 tensor-core peaks from the vendors' data sheets

PAPER = dict(text=dict(vocab_size=151936, hidden_size=4096, intermediate_size=12288, num_hidden_layers=36,
                       num_attention_heads=32, num_key_value_heads=8, head_dim=128),
             vision=dict(depth=27, hidden_size=1152, intermediate_size=4304, num_heads=16, patch_size=16,
                         deepstack_visual_indexes=[8, 16, 24]))
TINY = dict(text=dict(vocab_size=512, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, head_dim=16),
            vision=dict(depth=2, hidden_size=32, intermediate_size=64, num_heads=2, patch_size=16,
                        deepstack_visual_indexes=[0]))
QWEN_SPECIAL = dict(image=151655, video=151656, start=151652, end=151653)   # Qwen3-VL's special token ids

def special_ids(vocab:int) -> dict:
    "Qwen3-VL's image/video/vision start/end ids, or the vocabulary's last four for a smaller (tiny) vocabulary."
    return QWEN_SPECIAL if vocab > max(QWEN_SPECIAL.values()) else dict(zip(QWEN_SPECIAL, range(vocab - 4, vocab)))


def sizes_from(path:str) -> dict:
    "Text and vision sizes from a local config.json (a real Qwen3-VL checkpoint's)."
    p = Path(path).expanduser()
    if p.is_dir(): p = p/'config.json'
    if not p.exists(): raise SystemExit(f'gpu_smoke: no config.json at {p}')
    c = json.loads(p.read_text())
    if c.get('model_type') != 'qwen3_vl':
        raise SystemExit(f"gpu_smoke: {p} is a {c.get('model_type')!r} config, not qwen3_vl")
    t, v = c['text_config'], c['vision_config']
    return dict(text={k: t[k] for k in PAPER['text']}, vision={k: v[k] for k in PAPER['vision']})


def build_config(sz:dict):
    "A Qwen3VLConfig of these sizes (rotary split as Qwen's: [24, 20, 20] for head_dim 128)."
    from transformers import Qwen3VLConfig
    t, v = sz['text'], sz['vision']
    half = t['head_dim'] // 2
    hw = (half - half * 3 // 8) // 2
    sp = special_ids(t['vocab_size'])
    return Qwen3VLConfig(
        text_config=dict(t, max_position_embeddings=32768, rope_parameters=dict(
            rope_type='default', rope_theta=5_000_000.0, mrope_section=[half - 2 * hw, hw, hw],
            mrope_interleaved=True)),
        vision_config=dict(v, spatial_merge_size=2, temporal_patch_size=2, out_hidden_size=t['hidden_size'],
                           num_position_embeddings=2304),
        image_token_id=sp['image'], video_token_id=sp['video'], vision_start_token_id=sp['start'],
        vision_end_token_id=sp['end'],
        tie_word_embeddings=False)


def param_counts(model) -> dict:
    "Parameters of the language model (embedding table excluded: a lookup, no FLOPs) and of the vision tower."
    vis = sum(p.numel() for n, p in model.named_parameters() if '.visual.' in f'.{n}')
    emb = model.get_input_embeddings().weight.numel()
    total = sum(p.numel() for p in model.parameters())
    return dict(total=total, vision=vis, text=total - vis - emb)


def batch(cfg, n:int, seq:int, side:int, device, gen=None):
    "`n` rows of `seq` tokens, each opening with one `side` x `side` image; random pixels and text."
    import torch
    p, m = cfg.vision_config.patch_size, cfg.vision_config.spatial_merge_size
    g = side // p
    n_img = g * g // (m * m)
    if seq < n_img + 8: raise SystemExit(f'gpu_smoke: --seq {seq} is too short for a {side}px image ({n_img} tokens)')
    lo = min(special_ids(cfg.text_config.vocab_size).values())
    text = torch.randint(0, min(lo, 150_000), (n, seq - n_img - 2), generator=gen)
    ids = torch.cat([torch.full((n, 1), cfg.vision_start_token_id), torch.full((n, n_img), cfg.image_token_id),
                     torch.full((n, 1), cfg.vision_end_token_id), text], 1)
    labels = ids.clone()
    labels[:, :n_img + 2] = -100
    pix = torch.randn(n * g * g, 3 * 2 * p * p, generator=gen)
    thw = torch.tensor([[1, g, g]] * n)
    d = dict(input_ids=ids, attention_mask=torch.ones_like(ids), mm_token_type_ids=(ids == cfg.image_token_id).long(),
             labels=labels, pixel_values=pix, image_grid_thw=thw)
    return {k: v.to(device) for k, v in d.items()}, n * (seq - n_img), n * g * g


def timed(fn, device, reps:int) -> float:
    "Median seconds of `reps` calls after one warm-up call."
    import torch
    sync = torch.cuda.synchronize if device.type == 'cuda' else (lambda: None)
    fn()
    sync()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        sync()
        ts.append(time.perf_counter() - t0)
    return sorted(ts)[len(ts) // 2]


def peak_flops(device, override:float|None) -> float|None:
    "Peak dense bf16 FLOP/s: `--peak-tflops`, or the data sheet's for a known GPU, else None."
    import torch
    if override: return override * 1e12
    if device.type != 'cuda': return None
    name = torch.cuda.get_device_name(device)
    return next((v * 1e12 for k, v in PEAK_BF16_TFLOPS.items() if k in name), None)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--device', default='cuda')
    ap.add_argument('--tiny', action='store_true', help='a tiny config (a check that the script runs)')
    ap.add_argument('--config', help="a local Qwen3-VL config.json (or its directory) for the sizes")
    ap.add_argument('--batch', type=int, default=4)
    ap.add_argument('--seq', type=int, default=1024)
    ap.add_argument('--image', type=int, default=448, help='image side in pixels (a multiple of 32)')
    ap.add_argument('--new-tokens', type=int, default=128)
    ap.add_argument('--lora-r', type=int, default=64)
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--peak-tflops', type=float)
    a = ap.parse_args(argv)
    import torch
    if a.device.startswith('cuda') and not torch.cuda.is_available():
        print('gpu_smoke: no CUDA GPU on this machine; nothing to time (use --device cpu --tiny to check the script)')
        return None
    from transformers import Qwen3VLForConditionalGeneration
    from peft import LoraConfig, get_peft_model
    device = torch.device(a.device)
    dtype = torch.bfloat16 if device.type == 'cuda' else torch.float32
    cfg = build_config(TINY if a.tiny else sizes_from(a.config) if a.config else PAPER)
    torch.manual_seed(0)
    t0 = time.perf_counter()
    with torch.device(device):
        model = Qwen3VLForConditionalGeneration(cfg).to(dtype)
    build_s = time.perf_counter() - t0
    n = param_counts(model)
    L, S = cfg.text_config.num_hidden_layers, a.seq
    hd = cfg.text_config.num_attention_heads * cfg.text_config.head_dim
    peak = peak_flops(device, a.peak_tflops)
    out = dict(device=torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu', dtype=str(dtype),
               params_total=n['total'], params_text=n['text'], params_vision=n['vision'], build_s=round(build_s, 1))
    gen = torch.Generator().manual_seed(0)
    inputs, T, P = batch(cfg, a.batch, S, a.image, device, gen)
    fwd = 2 * n['text'] * T + 2 * n['vision'] * P + 4 * L * T * S * hd
    lora = get_peft_model(model, LoraConfig(r=a.lora_r, lora_alpha=2 * a.lora_r,
                                            target_modules=['q_proj', 'k_proj', 'v_proj', 'o_proj']))
    lora.gradient_checkpointing_enable(gradient_checkpointing_kwargs=dict(use_reentrant=False))
    lora.enable_input_require_grads()
    lora.train()
    opt = torch.optim.AdamW([p for p in lora.parameters() if p.requires_grad], lr=1e-5)
    if device.type == 'cuda': torch.cuda.reset_peak_memory_stats(device)
    def sft_step():
        loss = lora(**inputs).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
    step_s = timed(sft_step, device, a.reps)
    out |= dict(sft_batch=a.batch, sft_seq=S, sft_step_s=round(step_s, 3),
                sft_tokens_per_s=round(a.batch * S / step_s, 1),
                sft_tflops=float(f'{2 * fwd / step_s / 1e12:.4g}'))
    if device.type == 'cuda': out['sft_peak_mem_gib'] = round(torch.cuda.max_memory_allocated(device) / 2**30, 1)
    lora.eval()
    prompt = {k: v for k, v in batch(cfg, a.batch, 64 + a.image ** 2 // 1024, a.image, device, gen)[0].items()
              if k != 'labels'}
    def rollout():
        with torch.no_grad():
            return lora.generate(**prompt, max_new_tokens=a.new_tokens, min_new_tokens=a.new_tokens, do_sample=False)
    gen_s = timed(rollout, device, a.reps)
    S_gen = prompt['input_ids'].shape[1] + a.new_tokens // 2   # the mean context of a generated token
    tok = a.batch * a.new_tokens
    out |= dict(rollout_batch=a.batch, rollout_new_tokens=a.new_tokens, rollout_s=round(gen_s, 3),
                rollout_tokens_per_s=round(tok / gen_s, 1),
                rollout_tflops=float(f"{tok * (2 * n['text'] + 4 * L * S_gen * hd) / gen_s / 1e12:.4g}"))
    if peak:
        out['peak_tflops'] = peak / 1e12
        out['sft_mfu'] = float(f"{out['sft_tflops'] * 1e12 / peak:.3g}")
        out['rollout_mfu'] = float(f"{out['rollout_tflops'] * 1e12 / peak:.3g}")
    else: out['mfu'] = 'unknown peak for this device: pass --peak-tflops'
    for k, v in out.items(): print(f'{k}: {v}')
    return out


if __name__ == '__main__':
    sys.exit(0 if main() is not False else 1)
