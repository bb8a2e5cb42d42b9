"""Throughput of the five pixel operations, each with its backend named.

Run: .venv/bin/python bench/tools.py   (prints `name: value unit`; comparisons as `name: value x (vs BASELINE)`)
Goals (issue 4): zoom >= 5,000 ops/s at 256 px; segment <= 10 ms; OCR on a crop <= 50 ms; track >= 200 frames/s at 128 px.
"""
import time, statistics, numpy as np
from pixelis_nb.world import WorldConfig, make_sample, inner_point
from pixelis_nb.tools import (ToolConfig, zoom, ZoomArgs, segment, SegmentArgs, SEG_METHODS, track, TrackArgs,
                              ocr, OCRArgs, ocr_engine, temporal, TemporalArgs)
from pixelis_nb.grammar import parse_action, serialize_action

def timed(fn, n:int, warmup:int=1) -> float:
    "Median seconds per call over `n` calls (after `warmup` calls)."
    for _ in range(warmup): fn()
    ts = []
    for _ in range(n):
        t0 = time.perf_counter(); fn(); ts.append(time.perf_counter() - t0)
    return statistics.median(ts)

def main():
    wcfg = WorldConfig(image_size=256, video_size=128, video_frames=16)
    cfg = ToolConfig(zoom_size=224)
    img = make_sample(1, 'count', 'medium', cfg=wcfg).scene
    sign = make_sample(1, 'ocr', 'medium', cfg=wcfg).scene
    clip = make_sample(1, 'track', 'medium', cfg=wcfg)
    tclip = make_sample(1, 'temporal', 'medium', cfg=wcfg)
    print(f"# image {wcfg.image_size} px, video {wcfg.video_size} px x {wcfg.video_frames} frames")

    rng = np.random.default_rng(0); boxes = []
    for _ in range(256):
        x0, y0 = rng.integers(0, 192, 2); w, h = rng.integers(16, 64, 2); boxes.append((int(x0), int(y0), int(x0 + w), int(y0 + h)))
    it = iter(boxes * 1000)
    s = timed(lambda: zoom(img.image, ZoomArgs(next(it)), cfg), 2000)
    print(f"zoom[opencv-resize]: {1 / s:.0f} ops/s")

    o = next(o for o in img.objects if o.shape != 'occluder' and img.mask(o.id).any())
    pt = tuple(inner_point(img.mask(o.id)))
    per = {}
    for m in SEG_METHODS:
        per[m] = timed(lambda: segment(img.image, SegmentArgs(point=pt), cfg, method=m), 50)
        print(f"segment[{m}]: {1e3 * per[m]:.2f} ms")

    so = sign.objects[0]
    ocr(sign.image, OCRArgs(so.box), cfg)  # model load
    fast = timed(lambda: ocr(sign.image, OCRArgs(so.box), cfg, fast=True), 20)
    full = timed(lambda: ocr(sign.image, OCRArgs(so.box), cfg, fast=False), 5)
    print(f"ocr_crop[rapidocr-rec]: {1e3 * fast:.1f} ms")
    print(f"ocr_crop[rapidocr-det-rec]: {1e3 * full:.1f} ms")
    print(f"ocr_fast_path_speedup: {full / fast:.1f} x (vs rapidocr-det-rec)")

    st = clip.program[0]; T = len(clip.scene.frames); fps = {}
    for b in ('mil', 'template'):
        fps[b] = T / timed(lambda: track(clip.scene.frames, TrackArgs(tuple(st.args['box']), 0), cfg, backend=b), 5)
        print(f"track[{b}]: {fps[b]:.0f} frames/s")
    print(f"track_template_speedup: {fps['template'] / fps['mil']:.1f} x (vs mil)")

    q = tclip.program[0].args['query']
    print(f"temporal[color-shape-stats]: {T / timed(lambda: temporal(tclip.scene.frames, TemporalArgs(q), cfg), 5):.0f} frames/s")

    acts = ['zoom(box=[120,40,560,380])', 'segment(box=[0,1,2,3],point=[1,2])', 'temporal(query="red star appears")']
    it2 = iter(acts * 100000)
    print(f"grammar_parse: {1e6 * timed(lambda: parse_action(next(it2)), 20000):.1f} us")
    a = parse_action(acts[0])
    print(f"grammar_serialize: {1e6 * timed(lambda: serialize_action(a), 20000):.1f} us")

if __name__ == '__main__': main()
