"execute never raises: any op/argument soup becomes an Observation (an error observation when the call is bad)."
import os
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck
from pixelis_nb.tools import ToolContext, View, Observation, ToolError, ERROR_CODES, OPS, execute, demo_image, demo_video
from pixelis_nb.tools import Action, OCRArgs, ocr, text_lines
import cv2
from pixelis_nb.grammar import execute_text

IMG = demo_image(64)
VID = demo_video(T=4, size=48)
values = st.one_of(st.none(), st.booleans(), st.integers(-5, 1200), st.floats(allow_nan=True), st.text(max_size=12),
                   st.lists(st.integers(-5, 1200), max_size=5), st.lists(st.one_of(st.integers(0, 1000), st.text(max_size=2)), max_size=4))
args = st.dictionaries(st.sampled_from(['box', 'point', 't', 'scale', 'query', 'x']), values, max_size=3)
ops = st.one_of(st.sampled_from(OPS), st.text(max_size=8), st.none())

def _only_observations(op, a, video):
    ctx = ToolContext(frames=VID) if video else ToolContext(image=IMG)
    obs = execute(Action(op, a), ctx)
    assert isinstance(obs, Observation) and isinstance(obs.text, str)
    if obs.error is not None:
        assert obs.error.code in ERROR_CODES and obs.text.startswith('error: ')

@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops, args, st.booleans())
def test_execute_never_raises(op, a, video): _only_observations(op, a, video)

@pytest.mark.skipif(os.environ.get('PIXELIS_SLOW') != '1', reason='10,000-example fuzz; set PIXELIS_SLOW=1 to run it')
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops, args, st.booleans())
def test_execute_never_raises_10k(op, a, video): _only_observations(op, a, video)

@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_execute_text_never_raises(s):
    obs = execute_text(s, ToolContext(image=IMG))
    assert isinstance(obs, Observation)

def test_valid_calls_have_no_error():
    ctx = ToolContext(image=IMG, view=View((0, 0, 64, 64)))
    for a in (Action('zoom', {'box': [0, 0, 500, 500]}), Action('segment', {'point': [234, 234]}), Action('ocr', {'box': [484, 609, 977, 820]})):
        assert execute(a, ctx).error is None
    vctx = ToolContext(frames=VID)
    assert execute(Action('track', {'box': [0, 0, 500, 500], 't': 0}), vctx).error is None
    assert execute(Action('temporal', {'query': 'red circle appears'}), vctx).error is None

# -- issue 18: tools and grammar ----------------------------------------------------------------------------------
import cv2, pytest
from pixelis_nb.tools import track, TrackArgs, box_iou, zoom, ZoomArgs, ToolConfig, segment, SegmentArgs

def _moving_square(side:int, T:int=8, S:int=64, d=(3, 2)):
    "A textured clip with a `side` px square moving by `d` px per frame, and its true boxes."
    bg = np.random.default_rng(0).integers(20, 60, (S, S, 3)).astype(np.uint8)
    fr, gt = np.repeat(bg[None], T, 0), []
    for t in range(T):
        x, y = 10 + d[0] * t, 12 + d[1] * t
        fr[t, y:y + side, x:x + side] = (220, 40, 40); fr[t, y + 1:y + side - 1, x + 1:x + 2] = 250
        gt.append((x, y, x + side, y + side))
    return fr, gt

@pytest.mark.parametrize('side', [4, 5, 6])
def test_mil_box_keeps_its_size(side):
    "MIL runs on upscaled frames; mapping its boxes back must not inflate them (floor x0 / ceil x1 gave +25..80% area)."
    fr, gt = _moving_square(side)
    r = track(fr, TrackArgs(gt[0], 0), backend='mil')
    ratios = [(b[2] - b[0]) * (b[3] - b[1]) / side**2 for b in r.boxes if b is not None]
    assert len(ratios) == len(gt) and max(abs(x - 1) for x in ratios) <= 0.15, ratios
    assert np.mean([box_iou(a, b) for a, b in zip(r.boxes, gt)]) > 0.5

def test_zoom_output_is_capped():
    big = np.zeros((2000, 2000, 3), np.uint8)
    with pytest.raises(ToolError, match='max_output_pixels=16777216') as e: zoom(big, ZoomArgs((0, 0, 1000, 1000), scale=8))
    assert e.value.code == 'bad_arg'
    with pytest.raises(ToolError, match='max_output_pixels'): zoom(big, ZoomArgs((0, 0, 2000, 2000), scale=64))
    with pytest.raises(ToolError, match='scale'): zoom(big, ZoomArgs((0, 0, 10, 10), scale='big'))
    obs = execute(Action('zoom', {'box': [0, 0, 1000, 1000], 'scale': 8}), ToolContext(image=big))
    assert obs.error.code == 'bad_arg' and 'max_output_pixels' in obs.text

def test_ordinary_zoom_unchanged():
    crop = IMG[10:40, 5:50]
    assert np.array_equal(zoom(IMG, ZoomArgs((5, 10, 50, 40))).image, cv2.resize(crop, (224, 149), interpolation=cv2.INTER_LINEAR))
    assert np.array_equal(zoom(IMG, ZoomArgs((5, 10, 50, 40), scale=0.5)).image, cv2.resize(crop, (22, 15), interpolation=cv2.INTER_AREA))

def _low_contrast(S:int=48):
    img = np.full((S, S, 3), 122, np.uint8); cv2.circle(img, (24, 24), 7, (113, 113, 113), -1)
    return img

def test_segment_flood_is_visible():
    "A grey-113 disc on grey 122: flood fill takes the whole image; the observation must say so."
    ctx = ToolContext(image=_low_contrast(), cfg=ToolConfig(seg_method='floodfill'))
    for a in ({'point': [500, 500]}, {'box': [333, 333, 688, 688]}):
        obs = execute(Action('segment', a), ctx)
        assert obs.error is None and obs.text.endswith('warning=flooded') and obs.result.flooded, obs.text
    assert segment(_low_contrast(), SegmentArgs(point=(24, 24)), method='floodfill').fill == 1.0
    ok = execute(Action('segment', {'point': [234, 234]}), ToolContext(image=demo_image(128)))  # the red disc
    assert ok.error is None and 'warning' not in ok.text and not ok.result.flooded

def _page(lines, w=360, h_line=40):
    im = np.full((h_line * len(lines) + 20, w, 3), 255, np.uint8)
    for k, t in enumerate(lines): cv2.putText(im, t, (10, 40 + h_line * k), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    return im

def test_ocr_reads_a_multi_line_page():
    "Without a box, or on a box of several lines, OCR detects the lines (recognition alone read 'OEY' at 0.35)."
    pg = _page(['OPEN DAILY', 'EXIT 42', 'NO PARKING'])
    assert text_lines(pg) == 3
    r = ocr(pg, OCRArgs())
    assert (r.text, r.backend) == ('OPEN DAILY EXIT 42 NO PARKING', 'rapidocr-det-rec'), r
    assert ocr(pg, OCRArgs((0, 0, 360, 100))).text == 'OPEN DAILY EXIT 42'
    assert ocr(pg, OCRArgs((0, 0, 360, 60))).backend == 'rapidocr-rec'   # one line: the fast path

def test_pixelworld_signs_keep_the_fast_path():
    "Every expert OCR box on PixelWorld holds one line, so the policy's sign reads are unchanged."
    from pixelis_nb.world import make_sample, DIFFICULTIES
    for seed in range(40):
        s = make_sample(seed, 'ocr', DIFFICULTIES[seed % 3])
        x0, y0, x1, y1 = s.program[-1].args['box']
        assert text_lines(s.scene.image[y0:y1, x0:x1]) == 1, seed


def test_segment_everything_counts_clean_scenes():
    "`segment()` with no prompt gives the count and the masks; on clean tiny counting scenes, the scene's own count."
    from pixelis_nb.world import make_sample, world_config, DIFFICULTIES
    from pixelis_nb.tools import segment_all
    wcfg, exact = world_config('tiny'), []
    for d in DIFFICULTIES:
        for s in range(20):
            smp = make_sample(s, 'count', d, cfg=wcfg)
            lab = smp.scene.labels
            exact.append(segment_all(smp.scene.image).count == sum((lab == o.id + 1).any() for o in smp.scene.objects))
    assert sum(exact) >= 0.9 * len(exact), sum(exact)
    obs = execute(Action('segment', {}), ToolContext(image=smp.scene.image))
    assert obs.error is None and obs.text.startswith(f'objects={segment_all(smp.scene.image).count} boxes=[')
