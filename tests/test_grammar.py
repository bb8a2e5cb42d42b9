"Property tests of the action grammar: the parser only ever returns an Action or raises ToolError; serialize/parse round-trips."
import os, pytest
from hypothesis import given, settings, strategies as st, HealthCheck
from pixelis_nb.grammar import (Action, parse_action, serialize_action, action_char_roles, parse_turn, serialize_turn,
                                SIGNATURES, QUERY_CHARS, MAX_QUERY, INT_RANGES, ROLES)
from pixelis_nb.tools import ToolError, ERROR_CODES

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
    assert len(r) == len(s) and set(r) <= set(ROLES)
    assert ''.join(c for c, x in zip(s, r) if x == 'op') == a.op
    assert all(x == 'syntax' for c, x in zip(s, r) if c in '()[],=')

def test_non_strings_raise_toolerror():
    for x in (None, 3, b'zoom()', ['zoom()']):
        with pytest.raises(ToolError): parse_action(x)
