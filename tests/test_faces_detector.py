"Focused tests of pixelis_nb.faces, detector and decoupling (Part III): cheap, no long training."
import numpy as np, pandas as pd, pytest, torch, cv2
from torch.utils.data import BatchSampler, SequentialSampler

from pixelis_nb.faces import (face_config, generate_split, load_annotation_csv, FaceDataset, make_face_dataset, GROUP_NAMES)
from pixelis_nb.detector import (DetectorConfig, TrainConfig, make_detector, train_detector, save_detector, load_detector, predict)
from pixelis_nb.decoupling import snn_loss, snn_loss_per_channel, prune_sensitive_channels, DecouplingConfig
from pixelis_nb.core import ArtifactStore


@pytest.fixture(scope='module')
def small_cfg():
    return face_config('nano', ids_per_group=3, eval_ids_per_group=1, images_per_identity=2, image_size=24)


@pytest.fixture(scope='module')
def train_ds(small_cfg, tmp_path_factory):
    return make_face_dataset(small_cfg, 'train', ArtifactStore(tmp_path_factory.mktemp('store')))


def test_splits_are_identity_disjoint_and_deterministic(small_cfg):
    a, b, c = (generate_split(small_cfg, s) for s in ('train', 'val', 'test'))
    assert not (set(a['identity']) & set(b['identity'])) and not (set(b['identity']) & set(c['identity']))
    assert np.array_equal(generate_split(small_cfg, 'test')['image'], c['image'])
    assert set(np.unique(c['group'])) == set(range(8)) and c['label'].mean() == 0.5


def _csv(tmp_path, **change):
    (tmp_path/'f').mkdir(exist_ok=True)
    for j in range(2): cv2.imwrite(str(tmp_path/'f'/f'{j}.png'), np.zeros((8, 8, 3), np.uint8))
    d = pd.DataFrame(dict(img_path=['f/0.png', 'f/1.png'], ismale=[1, 0], isasian=[0, 0], iswhite=[1, 0], isblack=[0, 1],
                          intersec_label=['male-white', 'nonmale-black'], spe_label=[0, 3]))
    for k, v in change.items():
        if v is None: d = d.drop(columns=[k])
        else: d[k] = v
    p = tmp_path/'ann.csv'; d.to_csv(p, index=False); return p


def test_csv_ok(tmp_path):
    df = load_annotation_csv(_csv(tmp_path))
    assert df['group'].tolist() == [4 + 1, 2] and df['label'].tolist() == [0, 1]


@pytest.mark.parametrize('change,exc,msg', [
    (dict(spe_label=None), ValueError, 'missing column(s) spe_label'),
    (dict(isblack=[0, 2]), ValueError, 'row 1 (line 3): isblack=2'),
    (dict(intersec_label=['male-white', 'alien-black']), ValueError, 'row 1'),
    (dict(intersec_label=['male-white', 11]), ValueError, 'row 1'),
    (dict(spe_label=[0, 'x']), ValueError, 'row 1'),
    (dict(img_path=['f/0.png', 'f/missing.png']), FileNotFoundError, 'row 1 (line 3): image file not found'),
])
def test_csv_errors_name_file_and_row(tmp_path, change, exc, msg):
    p = _csv(tmp_path, **change)
    with pytest.raises(exc) as e: load_annotation_csv(p)
    assert 'ann.csv' in str(e.value) and msg in str(e.value)


def test_corrupt_csv_names_the_file(tmp_path):
    p = tmp_path/'ann.csv'
    p.write_bytes(b'img_path,ismale\n"unterminated,1\n' + bytes(range(128, 256)))
    with pytest.raises(ValueError) as e: load_annotation_csv(p)
    assert 'ann.csv' in str(e.value) and 'cannot be parsed' in str(e.value)


def test_corrupt_image_names_the_file(tmp_path):
    df = load_annotation_csv(_csv(tmp_path))
    (tmp_path/'f'/'1.png').write_bytes(b'\x89PNG\r\n\x1a\n' + b'not really a png')
    ds = FaceDataset(df['label'].values, df['gender'].values, df['skin'].values, np.zeros(2), paths=df['path'].values)
    assert ds[0]['image'].shape == (3, 8, 8)
    with pytest.raises(ValueError, match=r'cannot decode image .*1\.png \(row 1\)'): ds[1]
    (tmp_path/'f'/'1.png').unlink()
    with pytest.raises(FileNotFoundError, match=r'image file not found: .*1\.png'): ds[1]


def test_hooks_extra_loss_and_samplers(train_ds):
    m = make_detector(DetectorConfig(width=4), seed=0)
    seen = []
    def extra(logits, batch):
        seen.append(len(batch['label'])); return logits.sum() * 0.0
    cfg = TrainConfig(steps=3, batch_size=8)
    train_detector(m, train_ds, cfg, extra_loss=extra)
    assert seen == [8, 8, 8]
    seen.clear(); train_detector(m, train_ds, cfg, extra_loss=extra, sampler=BatchSampler(SequentialSampler(train_ds), 5, False))
    assert seen == [5, 5, 5]
    seen.clear(); train_detector(m, train_ds, cfg, extra_loss=extra, sampler=SequentialSampler(train_ds), group_weights=torch.ones(8))
    assert seen == [8, 8, 8]


def test_mask_survives_checkpoint_and_pruning(train_ds, tmp_path):
    m = make_detector(DetectorConfig(width=4), seed=0)
    rec = prune_sensitive_channels(m, train_ds, train_ds, DecouplingConfig(rounds=2, fraction=0.1, finetune_steps=1, n_probe=32),
                                   TrainConfig(batch_size=8))
    assert len(rec['pruned']) == 2 * 2 and len(set(rec['pruned'])) == 4
    m2 = load_detector(save_detector(m, tmp_path/'ck'))
    assert torch.equal(m2.channel_mask, m.channel_mask) and int((m2.channel_mask == 0).sum()) == 4
    p1, p2 = predict(m, train_ds), predict(m2, train_ds)
    assert np.allclose(p1['score'], p2['score'], atol=1e-5)


def test_snn_loss_orders_separation():
    y = torch.tensor([0] * 20 + [1] * 20)
    sep = torch.cat([torch.zeros(20), torch.ones(20) * 5]) + torch.randn(40) * 0.1
    mix = torch.randn(40)
    per = snn_loss_per_channel(torch.stack([sep, mix], 1), y)
    assert per[0] < per[1] and snn_loss(sep, y) < snn_loss(mix, y)


def test_train_detectors_in_workers_matches_in_process(tmp_path):
    "Detectors trained two seeds at a time in spawned workers equal those trained here on one thread (nano, 5 steps)."
    from dataclasses import replace
    from pixelis_nb.fairness import results_config, ablation_configs, train_detectors, method_detector
    rcfg = results_config('nano', steps=5, finetune_steps=2)
    cfgs = ablation_configs(rcfg, 'nano')
    cfgs['face_cfg'] = replace(cfgs['face_cfg'], ids_per_group=3, eval_ids_per_group=1, images_per_identity=2)
    jobs = [(['Ori', '+GDA'], s, cfgs) for s in (0, 1)]
    rows = train_detectors(jobs, ArtifactStore(tmp_path/'a'), workers=2, splits=('val',))
    dirs = [[d for d, _ in row] for row in rows]
    assert [len(d) for d in dirs] == [2, 2] and all(d.startswith(str(tmp_path/'a')) for ds in dirs for d in ds)
    n0 = torch.get_num_threads(); torch.set_num_threads(1)   # the workers' thread count, so the floats can match
    try:
        here = [method_detector('+GDA', 1, store=ArtifactStore(tmp_path/'b'), **cfgs)[0]]
        val = predict(here[0], make_face_dataset(cfgs['face_cfg'], 'val', ArtifactStore(tmp_path/'b')))
    finally: torch.set_num_threads(n0)
    there = load_detector(dirs[1][1])
    for (k, a), b in zip(here[0].state_dict().items(), there.state_dict().values()): assert torch.equal(a, b), k
    assert np.array_equal(rows[1][1][1]['val']['score'], val['score'])   # the worker's predictions are these
