"execute never raises: any op/argument soup becomes an Observation (an error observation when the call is bad)."
import numpy as np
from hypothesis import given, settings, strategies as st, HealthCheck
from pixelis_nb.tools import ToolContext, View, Observation, ToolError, ERROR_CODES, OPS, execute, demo_image, demo_video
from pixelis_nb.grammar import Action

IMG = demo_image(64)
VID = demo_video(T=4, size=48)
values = st.one_of(st.none(), st.booleans(), st.integers(-5, 1200), st.floats(allow_nan=True), st.text(max_size=12),
                   st.lists(st.integers(-5, 1200), max_size=5), st.lists(st.one_of(st.integers(0, 1000), st.text(max_size=2)), max_size=4))
args = st.dictionaries(st.sampled_from(['box', 'point', 't', 'scale', 'query', 'x']), values, max_size=3)
ops = st.one_of(st.sampled_from(OPS), st.text(max_size=8), st.none())

@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops, args, st.booleans())
def test_execute_never_raises(op, a, video):
    ctx = ToolContext(frames=VID) if video else ToolContext(image=IMG)
    obs = execute(Action(op, a), ctx)
    assert isinstance(obs, Observation) and isinstance(obs.text, str)
    if obs.error is not None:
        assert obs.error.code in ERROR_CODES and obs.text.startswith('error: ')

@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_execute_text_never_raises(s):
    obs = execute(s, ToolContext(image=IMG))
    assert isinstance(obs, Observation)

def test_valid_calls_have_no_error():
    ctx = ToolContext(image=IMG, view=View((0, 0, 64, 64)))
    for a in (Action('zoom', {'box': [0, 0, 500, 500]}), Action('segment', {'point': [234, 234]}), Action('ocr', {'box': [484, 609, 977, 820]})):
        assert execute(a, ctx).error is None
    vctx = ToolContext(frames=VID)
    assert execute(Action('track', {'box': [0, 0, 500, 500], 't': 0}), vctx).error is None
    assert execute(Action('temporal', {'query': 'red circle appears'}), vctx).error is None
