"Part III, second edition: presets, held-out domains, real-format annotation loaders and `pixelis fairness`."
import json, contextlib, io
from pathlib import Path
import numpy as np, pandas as pd, pytest

from pixelis_nb.faces import (face_config, generate_split, split_identities, load_annotation_csv, annotation_split,
                              annotation_format, domain_config, skin_counterfactual, FACE_DOMAINS)
from pixelis_nb.fairness import paired_deltas, method_verdict, seed_interval, load_fairness_data, select_lambda
from pixelis_nb.cli import main

FX = Path(__file__).parent/'fixtures'
IMAGES, PGFDD, AIFACE = FX/'fairness_images', FX/'fairness_pgfdd', FX/'fairness_aiface'


def _small(**kw):
    return face_config('nano', ids_per_group=4, eval_ids_per_group=1, images_per_identity=5, image_size=24, **kw)


def test_shortcut_preset_sets_train_fake_rate_and_keeps_test_balanced():
    cfg = _small(preset='shortcut')
    tr, te = generate_split(cfg, 'train'), generate_split(cfg, 'test')
    rates = [tr['label'][tr['skin'] == s].mean() for s in range(4)]
    assert np.allclose(rates, cfg.fake_rate[:4], atol=0.051) and rates[3] > rates[0] + 0.4
    assert all(te['label'][te['group'] == k].mean() == 0.5 for k in range(8))


def test_default_preset_is_unchanged_by_the_new_knobs():
    a = generate_split(_small(), 'train')
    b = generate_split(_small(preset='evidence_limited', fake_rate=(0.5,) * 8, jpeg_quality=0), 'train')
    assert np.array_equal(a['image'], b['image']) and a['label'].mean() == 0.5


def test_bad_knobs_fail_with_valid_values():
    with pytest.raises(ValueError, match='valid presets: evidence_limited, shortcut'): face_config(preset='x')
    with pytest.raises(ValueError, match='fake_rate values must lie in'):
        split_identities(_small(fake_rate=(-0.1,) * 8), 'train')
    with pytest.raises(ValueError, match='eval_group_weights needs 8 values'):
        split_identities(_small(eval_group_weights=(1, 1)), 'test')
    with pytest.raises(ValueError, match='valid domains: smooth_swap, jpeg'): domain_config(_small(), 'dfdc')


def test_domains_drop_a_group_and_change_the_pixels():
    base = _small(preset='shortcut')
    te = generate_split(base, 'test')
    for d in FACE_DOMAINS:
        t = generate_split(domain_config(base, d), 'test')
        missing = [k for k in range(8) if FACE_DOMAINS[d]['eval_group_weights'][k] == 0]
        assert missing and not np.isin(t['group'], missing).any() and t['label'].mean() == 0.5
    j = generate_split(domain_config(base, 'jpeg'), 'test')
    keep = te['group'] < 4   # the groups before the dropped one are drawn identically
    assert np.abs(j['image'][:keep.sum()].astype(int) - te['image'][keep].astype(int)).mean() > 0.5


def test_counterfactual_changes_only_the_face():
    cf = skin_counterfactual(_small(), n=4)
    d = np.abs(cf[0].astype(int) - cf[1].astype(int)).mean((0, 3))
    assert d[12, 12] > 40 and d[0, 0] < 3


def test_both_published_layouts_read_the_same_frames():
    assert annotation_format(pd.read_csv(PGFDD/'test.csv', nrows=0).columns) == 'pg_fdd'
    assert annotation_format(pd.read_csv(AIFACE/'test.csv', nrows=0).columns) == 'ai_face'
    for split in ('train', 'val', 'test'):
        a, b = annotation_split(PGFDD, split, IMAGES), annotation_split(AIFACE, split, IMAGES)
        key = lambda d: sorted(zip(d.path, d.group, d.label))
        assert key(a) == key(b) and len(a) > 0
    te = annotation_split(PGFDD, 'test', IMAGES)
    assert 2 not in set(te.group)          # the fixture's test split lacks female-black (group 4*0 + 2)
    fake = load_annotation_csv(PGFDD/'faketrain.csv', IMAGES)
    assert set(fake.label) == {1} and set(fake['ismale']) <= {1, -1}


def test_missing_annotations_say_where_to_put_them(tmp_path):
    with pytest.raises(FileNotFoundError) as e: annotation_split(tmp_path, 'train')
    for part in (str(tmp_path), 'faketrain.csv and realtrain.csv', 'AI-Face file train.csv'): assert part in str(e.value)
    with pytest.raises(FileNotFoundError, match='image file not found'): annotation_split(AIFACE, 'train')  # no root


@pytest.mark.parametrize('col,val,msg', [('ismale', 2, 'ismale=2 is not 1, -1 or 0'),
                                         ('intersec_label', 3, 'inconsistent intersec_label=3'),
                                         ('label', 'x', "label='x' is not 0 or 1")])
def test_pgfdd_row_errors_name_file_and_row(tmp_path, col, val, msg):
    d = pd.read_csv(PGFDD/'realtrain.csv').astype({col: object})
    d.loc[1, col] = val
    d.to_csv(tmp_path/'realtrain.csv', index=False)
    with pytest.raises(ValueError) as e: load_annotation_csv(tmp_path/'realtrain.csv', IMAGES)
    assert 'realtrain.csv row 1 (line 3)' in str(e.value) and msg in str(e.value)


def test_paired_deltas_and_verdict():
    assert seed_interval([0.5])[1:] == (0.5, 0.5)
    ps = pd.DataFrame(dict(method=['Ori'] * 5 + ['+GDA+SFD'] * 5, seed=list(range(5)) * 2,
                           AUC=[0.9] * 10, F_FPR=[0.4, 0.5, 0.45, 0.42, 0.48, 0.41, 0.52, 0.44, 0.43, 0.47],
                           F_MEO=[0.5] * 5 + [0.4] * 5))
    d = paired_deltas(ps).set_index('metric')
    assert d.loc['F_FPR', 'lo'] < 0 < d.loc['F_FPR', 'hi'] and d.loc['F_MEO', 'hi'] < 0
    v = method_verdict(d.reset_index())
    assert v['met'] and not v['lowers_F_FPR'] and v['lowers_F_MEO'] and v['n_seeds'] == 5


def test_select_lambda_respects_tolerances():
    d = pd.DataFrame(dict(comparison=['lambda=0.05'] * 3 + ['lambda=0.5'] * 3 + ['lambda=0.2'] * 3,
                          metric=['AUC', 'ACC', 'F_FPR'] * 3,
                          delta=[0.0, 0.0, -0.04, 0.0, -0.11, -0.2, -0.005, -0.005, -0.1]))
    assert select_lambda(d) == 0.2                       # 0.5 lowers F_FPR most but costs 11 points of accuracy
    assert select_lambda(d, acc_tolerance=0.2) == 0.5
    assert select_lambda(d.assign(delta=0.01)) is None


def test_fairness_data_holdout_from_one_csv():
    tr, te, note = load_fairness_data(AIFACE/'train.csv', images=IMAGES, image_size=16)
    assert len(tr) + len(te) == len(pd.read_csv(AIFACE/'train.csv')) and 'identities may leak' in note
    assert tuple(tr[0]['image'].shape) == (3, 16, 16)


def test_cli_fairness_trains_and_audits_fixtures(tmp_path):
    out = tmp_path/'audit.json'
    with contextlib.redirect_stdout(io.StringIO()) as f:
        rc = main(['fairness', '--data', str(PGFDD), '--images', str(IMAGES), '--scale', 'nano', '--steps', '3',
                   '--method', '+GDA', '--out', str(out)])
    assert rc == 0 and 'trained on 96 images, audited on 42' in f.getvalue()
    audit = json.loads(out.read_text())
    assert set(audit) == {'gender', 'race', 'intersection'} and audit['intersection']['undefined'] == 'female-black'
    assert 0 <= audit['gender']['AUC'] <= 1


def test_cli_fairness_missing_data_exits_2(tmp_path):
    with contextlib.redirect_stderr(io.StringIO()) as f: rc = main(['fairness', '--data', str(tmp_path/'none')])
    assert rc == 2 and 'pixelis fairness: error: --data' in f.getvalue() and 'faketrain.csv' in f.getvalue()
    with contextlib.redirect_stderr(io.StringIO()) as f: rc = main(['fairness', '--data', str(tmp_path)])
    assert rc == 2 and 'put the PG-FDD files faketrain.csv and realtrain.csv' in f.getvalue()
