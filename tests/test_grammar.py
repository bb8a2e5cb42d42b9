"Property tests of the action grammar: the parser only ever returns an Action or raises ToolError; serialize/parse round-trips."
import os, pytest
from hypothesis import given, settings, strategies as st, HealthCheck
from pixelis_nb.grammar import (parse_action, serialize_action, action_char_roles, parse_turn, serialize_turn,
                                ACTION_ROLES)
from pixelis_nb.tools import ToolError, ERROR_CODES, Action, SIGNATURES, QUERY_CHARS, MAX_QUERY, INT_RANGES

SLOW = os.environ.get('PIXELIS_SLOW') == '1'
slow = pytest.mark.skipif(not SLOW, reason='10,000-example fuzz; set PIXELIS_SLOW=1 to run it')

# -- strategies -------------------------------------------------------------------------------------------------
coord = st.integers(0, 1000)
@st.composite
def boxes(draw):
    x0, x1 = sorted(draw(st.lists(coord, min_size=2, max_size=2, unique=True)))
    y0, y1 = sorted(draw(st.lists(coord, min_size=2, max_size=2, unique=True)))
    return [x0, y0, x1, y1]
VALUES = {'box': boxes(), 'point': st.lists(coord, min_size=2, max_size=2),
          't': st.integers(*INT_RANGES['t']), 'scale': st.integers(*INT_RANGES['scale']),
          'query': st.text(alphabet=QUERY_CHARS, min_size=1, max_size=MAX_QUERY)}

@st.composite
def actions(draw):
    op = draw(st.sampled_from(list(SIGNATURES)))
    args = {}
    for name, req in SIGNATURES[op]:
        if req or draw(st.booleans()): args[name] = draw(VALUES[name])
    if op == 'segment' and not args: args['point'] = draw(VALUES['point'])
    return Action(op, args)

# Strings near the grammar (pieces of actions) and arbitrary unicode text.
PIECES = ['zoom', 'segment', 'track', 'ocr', 'temporal', '(', ')', '[', ']', ',', '=', '"', 'box', 'point', 't', 'scale',
          'query', '0', '1', '00', '1000', '1001', '999999999', ' ', '-1', 'x', '\\', "'", '<act>', '٣', '\n']
near = st.lists(st.sampled_from(PIECES), max_size=30).map(''.join)
any_string = st.one_of(st.text(max_size=300), near, actions().map(serialize_action))

def _only_action_or_toolerror(s):
    try: a = parse_action(s)
    except ToolError as e:
        assert e.code in ERROR_CODES
        return
    assert isinstance(a, Action)
    assert serialize_action(a) == s  # anything that parses is canonical

# -- the fuzz: any string -> Action or ToolError, nothing else ----------------------------------------------------
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_string)
def test_parse_any_string(s): _only_action_or_toolerror(s)

@slow
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_string)
def test_parse_any_string_10k(s): _only_action_or_toolerror(s)

@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200))
def test_parse_turn_any_string(s):
    try: parse_turn(s)
    except ToolError: pass

# -- round trips -------------------------------------------------------------------------------------------------
@settings(max_examples=500, deadline=None)
@given(actions())
def test_serialize_parse_identity(a):
    s = serialize_action(a)
    assert parse_action(s) == a
    assert serialize_action(parse_action(s)) == s

@settings(max_examples=300, deadline=None)
@given(actions(), st.one_of(st.none(), st.text(alphabet=QUERY_CHARS, max_size=40)))
def test_turn_round_trip(a, thought):
    t = parse_turn(serialize_turn(thought, a))
    assert (t.thought, t.action, t.answer) == (thought, a, None)

@settings(max_examples=300, deadline=None)
@given(actions())
def test_char_roles_cover_every_character(a):
    s = serialize_action(a); r = action_char_roles(s)
    assert len(r) == len(s) and set(r) <= set(ACTION_ROLES)
    assert ''.join(c for c, x in zip(s, r) if x == 'op') == a.op
    assert all(x == 'syntax' for c, x in zip(s, r) if c in '()[],=')

def test_non_strings_raise_toolerror():
    for x in (None, 3, b'zoom()', ['zoom()']):
        with pytest.raises(ToolError): parse_action(x)

# -- issue 18: one validator for parsed and constructed actions; errors in view coordinates --------------------------
import numpy as np
from pixelis_nb.tools import ToolContext, View, execute, demo_image

CTX = ToolContext(image=demo_image(128))

@pytest.mark.parametrize('scale,code', [(64, 'out_of_bounds'), (True, 'bad_arg'), ('big', 'bad_arg'), (2.5, 'bad_arg'),
                                        (0, 'out_of_bounds')])
def test_constructed_actions_get_the_grammar_checks(scale, code):
    obs = execute(Action('zoom', {'box': [0, 0, 500, 500], 'scale': scale}), CTX)
    assert obs.error is not None and obs.error.code == code and 'scale' in obs.error.message, obs.text
    with pytest.raises(ToolError): parse_action(f'zoom(box=[0,0,500,500],scale={scale})')  # the text is refused too

def test_valid_scale_still_zooms():
    obs = execute(Action('zoom', {'box': [0, 0, 500, 500], 'scale': 2}), CTX)
    assert obs.error is None and obs.image.shape == (128, 128, 3)

def test_errors_name_view_coordinates():
    "The policy wrote view coordinates 0..1000 of a 64x32 view; errors must not switch to pixels."
    ctx = ToolContext(image=demo_image(128), view=View((64, 64, 128, 96)))
    small = execute(Action('zoom', {'box': [100, 100, 140, 140]}), ctx)  # 3x1 px: under zoom_min_px
    assert small.error.code == 'empty_box' and small.error.message.startswith('box [100,100,140,140] is too small'), small.text
    assert 'at least 63 wide and 125 tall' in small.error.message
    out = execute(Action('segment', {'box': [0, 0, 100, 100], 'point': [900, 900]}), ctx)
    assert out.error.code == 'bad_arg' and out.error.message == 'point [900,900] lies outside box [0,0,100,100]'
    ocr_small = execute(Action('ocr', {'box': [0, 0, 10, 500]}), ctx)
    assert ocr_small.error.code == 'empty_box' and '[0,0,10,500]' in ocr_small.error.message
