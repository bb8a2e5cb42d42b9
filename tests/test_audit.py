"Property tests for pixelis_nb.audit (the notebook holds the hand-computed checks)."
import numpy as np
from hypothesis import given, settings, strategies as st
from sklearn.metrics import roc_auc_score
from pixelis_nb.audit import fairness_metrics, eer, _auc, audit_table, intersect, GAPS


@settings(max_examples=25, deadline=None)
@given(n=st.integers(20, 200), G=st.integers(2, 6), seed=st.integers(0, 999), t=st.floats(0.2, 0.8), gap=st.sampled_from(GAPS))
def test_numpy_path_equals_metricframe(n, G, seed, t, gap):
    rng = np.random.default_rng(seed)
    y, g, s = rng.integers(0, 2, n), rng.integers(0, G, n), np.round(rng.random(n), 2)
    a = fairness_metrics(y, s, g, t, gap); b = fairness_metrics(y, s, g, t, gap, engine='numpy')
    np.testing.assert_allclose(list(a.values()), list(b.values()), atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(4, 100), seed=st.integers(0, 999))
def test_auc_and_eer_ranges(n, seed):
    rng = np.random.default_rng(seed)
    y = np.r_[0, 1, rng.integers(0, 2, n)]; s = np.round(rng.random(n + 2), 1)
    assert abs(_auc(y, s) - roc_auc_score(y, s)) < 1e-12
    assert 0 <= eer(y, s) <= 1
    assert abs(eer(y, 1 - s) - eer(1 - y, s)) < 1e-12   # relabelling and flipping scores is the same problem


def test_audit_table_rows_and_intervals():
    rng = np.random.default_rng(0)
    y, gd, rc = rng.integers(0, 2, 400), rng.integers(0, 2, 400), rng.integers(0, 4, 400)
    s = 1 / (1 + np.exp(-(2 * y - 1 + 0.3 * rc + rng.normal(0, 1, 400))))
    tb = audit_table(y, s, dict(gender=gd, race=rc), n_boot=30)
    assert tb.index.tolist() == ['gender', 'race', 'intersection']
    assert (tb['AUC_lo'] <= tb['AUC']).all() and (tb['AUC'] <= tb['AUC_hi']).all()
    assert len(np.unique(intersect(gd, rc))) == 8
