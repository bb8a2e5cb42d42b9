"""bench/gpu_smoke.py: the 8B config is the published size, the script runs end to end (tiny, CPU), a machine without a
GPU gets one line and exit 0."""
import subprocess, sys
from pathlib import Path
import pytest, torch

BENCH = Path(__file__).parents[1]/'bench'
sys.path.insert(0, str(BENCH))
import gpu_smoke

def test_paper_config_has_the_published_parameter_count():
    "Qwen3-VL-8B-Instruct is published as 8.77B parameters; the config built here, on the meta device, matches."
    from transformers import Qwen3VLForConditionalGeneration
    with torch.device('meta'): m = Qwen3VLForConditionalGeneration(gpu_smoke.build_config(gpu_smoke.PAPER))
    n = gpu_smoke.param_counts(m)
    assert abs(n['total'] / 8.77e9 - 1) < 0.005, n
    assert n['vision'] + n['text'] < n['total']   # the embedding table is a lookup: no FLOPs counted

@pytest.mark.skipif(torch.cuda.is_available(), reason='the no-GPU path')
def test_no_gpu_exits_cleanly():
    r = subprocess.run([sys.executable, str(BENCH/'gpu_smoke.py')], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and 'no CUDA GPU' in r.stdout, (r.stdout, r.stderr[-2000:])

def test_tiny_run_on_cpu_reports_speed_and_mfu():
    out = gpu_smoke.main(['--device', 'cpu', '--tiny', '--batch', '1', '--seq', '96', '--image', '64',
                          '--new-tokens', '4', '--reps', '1', '--peak-tflops', '1'])
    assert out['sft_tokens_per_s'] > 0 and out['rollout_tokens_per_s'] > 0
    assert 0 < out['sft_mfu'] < 1 and 0 < out['rollout_mfu'] < 1

def test_bad_config_path_is_one_line():
    with pytest.raises(SystemExit, match='no config.json'): gpu_smoke.sizes_from('/nonexistent/ckpt')
