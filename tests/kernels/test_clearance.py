"""Clearance: every backend against the brute-force reference; witnesses; exact peers; real scans."""

from __future__ import annotations

import numpy as np
import pytest
from orthoplan import kernels as K

from tests.kernels.conftest import open_blob
from tests.scans import arch_teeth, neighbour_pairs, separation_poses

ATOL = 1e-4  # mm: float32 kernels vs float64 reference


def blob_case(seed: int, teeth: int = 3, stages: int = 4, schedules: int = 2):
    rng = np.random.default_rng(seed)
    meshes = [open_blob(rng) for _ in range(teeth)]
    poses = np.tile(np.eye(4), (schedules, stages, teeth, 1, 1))
    from scipy.spatial.transform import Rotation

    for t in range(teeth):  # a row of blobs ~3.4-4.6 mm apart, jittered: contacts and overlaps
        poses[:, :, t, :3, :3] = Rotation.from_rotvec(rng.normal(size=(schedules, stages, 3)) * 0.3).as_matrix()
        poses[:, :, t, 0, 3] = 4.0 * t + rng.uniform(-0.6, 0.6, (schedules, stages))
    pairs = np.array([[t, t + 1] for t in range(teeth - 1)] + [[0, teeth - 1]], np.int32)
    return K.prepare_case(meshes), poses, pairs


def assert_witnesses_consistent(res, prep, poses, pairs):
    """|witness_a - witness_b| equals |clearance| and each witness lies on its own tooth's surface."""
    from orthoplan.kernels.reference import signed_distances

    fin = np.isfinite(res.clearance)
    gap = np.linalg.norm(res.witness_a - res.witness_b, axis=-1)
    np.testing.assert_allclose(gap[fin], np.abs(res.clearance[fin]), atol=2 * ATOL)
    assert np.isnan(res.witness_a[~fin]).all() and np.isnan(res.witness_b[~fin]).all()
    for b, s, p in zip(*np.nonzero(fin), strict=False):
        for tooth, w in ((pairs[p, 0], res.witness_a[b, s, p]), (pairs[p, 1], res.witness_b[b, s, p])):
            pose = poses[b, s, tooth]
            local = np.linalg.solve(pose, np.append(w, 1.0))[:3]
            tris = prep.closed_mesh(tooth).astype(np.float64)
            sd, _ = signed_distances(local[None], tris)
            assert abs(sd[0]) < 5 * ATOL


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_reference_on_random_blobs(backend, seed):
    prep, poses, pairs = blob_case(seed)
    got = K.clearance(prep, poses, pairs, max_distance=1.5, backend=backend)
    ref = K.clearance(prep, poses, pairs, max_distance=1.5, backend="numpy")
    assert np.isfinite(ref.clearance).any() and (ref.clearance < 0).any() and (ref.clearance > 0).any()
    np.testing.assert_allclose(got.clearance, ref.clearance, atol=ATOL, rtol=0)
    assert_witnesses_consistent(got, prep, poses, pairs)


def test_unbounded_max_distance_finds_far_pairs(backend):
    prep, poses, pairs = blob_case(3, teeth=2, stages=2, schedules=1)
    poses[..., 1, 0, 3] += 20.0  # 20 mm further apart
    got = K.clearance(prep, poses, pairs, max_distance=np.inf, backend=backend)
    ref = K.clearance(prep, poses, pairs, max_distance=np.inf, backend="numpy")
    assert (ref.clearance > 15).all()
    np.testing.assert_allclose(got.clearance, ref.clearance, atol=ATOL)
    near = K.clearance(prep, poses, pairs, max_distance=2.0, backend=backend)
    assert np.isposinf(near.clearance).all()


GRIDS = [  # (coarse spacing, fine spacing, fine band): none of them may change a result
    {"grid_spacing": 1.5, "fine_spacing": 0},
    {"grid_spacing": 0.2, "fine_spacing": 0},
    {"grid_spacing": 0.5, "fine_spacing": 0.1, "fine_band": 0.3},
    {"grid_spacing": 1.0, "fine_spacing": 0.25, "fine_band": 1.2},
    {"grid_spacing": 0.5, "fine_spacing": 0.35, "fine_band": 1.5},  # fine box past the coarse one
]


def test_results_do_not_depend_on_culling_grids(backend):
    rng = np.random.default_rng(5)
    meshes = [open_blob(rng), open_blob(rng)]
    poses = np.tile(np.eye(4), (1, 14, 2, 1, 1))
    poses[0, :, 1, 0, 3] = np.linspace(3.0, 5.6, 14)  # -1 .. +1.4 mm: past the coarse margin too
    base = K.clearance(K.prepare_case(meshes), poses, [[0, 1]], backend=backend)
    for grids in GRIDS:
        got = K.clearance(K.prepare_case(meshes, **grids), poses, [[0, 1]], backend=backend)
        np.testing.assert_array_equal(got.clearance, base.clearance, err_msg=str(grids))


def test_real_arches_do_not_depend_on_culling_grids(backend):
    """Both P2 arches, neighbours and antagonists jittered by +-0.1 mm: the fine grid (and its
    truncation) prunes, never decides. The values are the same bits with any grids."""
    teeth = list(arch_teeth("P2", "upper")) + list(arch_teeth("P2", "lower"))
    pairs = np.concatenate([neighbour_pairs(), neighbour_pairs() + 14, [[i, 14 + i] for i in range(14)]])
    rng = np.random.default_rng(11)
    poses = np.tile(np.eye(4), (1, 3, 28, 1, 1))
    poses[..., :3, 3] += rng.normal(scale=0.1, size=(1, 3, 28, 3))
    base = K.clearance(K.prepare_case(teeth, fine_spacing=0), poses, pairs, backend=backend)
    assert (base.clearance < 0).any() and (base.clearance > 0).any()
    for grids in GRIDS[2:]:
        got = K.clearance(K.prepare_case(teeth, **grids), poses, pairs, backend=backend)
        np.testing.assert_array_equal(got.clearance, base.clearance, err_msg=str(grids))


def test_deep_overlaps_past_the_grids_truncation_are_exact(backend):
    """Crowns 14 mm wide overlapping by up to 7 mm: samples deeper than the coarse grid's exact
    reach (2.5 mm) get no lower bound from it and are searched without one, still exactly."""
    rng = np.random.default_rng(9)
    meshes = [open_blob(rng, radius=7.0), open_blob(rng, radius=7.0)]
    prep = K.prepare_case(meshes)
    poses = np.tile(np.eye(4), (1, 4, 2, 1, 1))
    poses[0, :, 1, 0, 3] = [7.0, 9.0, 11.0, 16.5]
    got = K.clearance(prep, poses, [[0, 1]], max_distance=np.inf, backend=backend)
    ref = K.clearance(prep, poses, [[0, 1]], max_distance=np.inf, backend="numpy")
    assert ref.clearance.min() < -2.6 and ref.clearance.max() > 1.0
    np.testing.assert_allclose(got.clearance, ref.clearance, atol=ATOL)


def test_stages_seeded_by_their_predecessor_equal_stages_alone(backend):
    """The CPU loop starts each stage's search at the previous stage's witness, and copies a
    pair's result where neither tooth moved since the stage before: same values as every stage
    checked on its own, and witnesses still on both surfaces at that distance."""
    prep, poses, pairs = blob_case(8, teeth=3, stages=25, schedules=2)
    poses[:, 5:9] = poses[:, 4:5]  # nothing moves for four stages
    poses[:, 12:16, 1:] = poses[:, 11:12, 1:]  # then only tooth 0 does
    together = K.clearance(prep, poses, pairs, max_distance=1.5, backend=backend)
    for b in range(poses.shape[0]):
        for s in range(poses.shape[1]):
            alone = K.clearance(prep, poses[b:b + 1, s:s + 1], pairs, max_distance=1.5, backend=backend)
            np.testing.assert_array_equal(together.clearance[b, s], alone.clearance[0, 0])
    assert_witnesses_consistent(together, prep, poses, pairs)


def test_closed_crowns_are_watertight_and_outward(backend):
    rng = np.random.default_rng(6)
    prep = K.prepare_case([open_blob(rng), open_blob(rng)])
    assert (prep.stats["caps"] >= 1).all() and (prep.stats["boundary_edges"] > 0).all()
    for t in range(prep.teeth):
        tris = prep.closed_mesh(t).astype(np.float64)
        pts, inv = np.unique(tris.reshape(-1, 3), axis=0, return_inverse=True)
        faces = inv.reshape(-1, 3)
        edges = np.sort(np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1)
        _, counts = np.unique(edges, axis=0, return_counts=True)
        assert (counts == 2).all()
        volume = np.einsum("ij,ij->i", tris[:, 0], np.cross(tris[:, 1], tris[:, 2])).sum() / 6
        assert volume > 0
        # samples cover the surface: every vertex of the open crown is a sample
        assert len(prep.samples(t)) >= prep.stats["verts"][t]


def test_wide_bvh_bounds_hold_their_triangles_and_leaf_slabs_are_thin():
    """Every child of every wide BVH node holds its triangles in its box and its slab (unit normal,
    range of n.x), so both distances are true lower bounds, and carries their dipole (area vector,
    a ball about the centre holding them) for the winding number; the leaves reached from the root
    cover each triangle once; leaves, nearly flat on a real crown, get slabs far thinner than their
    boxes, which is what lets the closest-point search skip them."""
    from orthoplan.kernels import _core

    prep = K.prepare_case(arch_teeth("P2", "upper")[:4])
    wb, wr, wd, tris, ti = (prep.arrays[k] for k in ("wide_box", "wide_ref", "wide_dip", "tris", "tooth_i"))
    lo_f, hi_f, n_f, (slo_f, shi_f) = (list(_core.WB_FIELDS[k]) for k in ("lo", "hi", "normal", "slab"))
    c_f, a_f, (r_f,) = (list(_core.WD_FIELDS[k]) for k in ("centre", "area", "radius"))
    (wide_col,) = _core.TI_OFFSETS["wide_ref"]
    thin = []
    for t in range(prep.teeth):
        w0, t0 = int(ti[t, wide_col]), int(ti[t, 0])
        t1 = int(ti[t + 1, 0]) if t + 1 < prep.teeth else len(tris)

        def triangles(ref: int, w0: int = w0) -> list[int]:
            if ref < 0:
                code = -1 - ref
                return list(range(code >> 3, (code >> 3) + (code & 7)))
            return [i for k in range(4) for i in triangles(int(wr[w0 + ref, k]))]

        assert sorted(triangles(0)) == list(range(t1 - t0))
        stack = [0]
        while stack:
            w = w0 + stack.pop()
            for k in range(4):
                ref = int(wr[w, k])
                lo, hi = wb[w, [f + k for f in lo_f]], wb[w, [f + k for f in hi_f]]
                if (lo > hi).any():  # empty slot: inverted box, empty leaf, no area
                    assert ref == -1 and not wd[w, [f + k for f in a_f]].any()
                    continue
                tri = tris[[t0 + i for i in triangles(ref)], :9].reshape(-1, 3, 3).astype(np.float64)
                area = 0.5 * np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]).sum(0)
                assert np.allclose(wd[w, [f + k for f in a_f]], area, rtol=1e-4, atol=1e-6)
                reach = np.linalg.norm(tri.reshape(-1, 3) - wd[w, [f + k for f in c_f]], axis=1).max()
                assert reach <= wd[w, r_f + k] * (1 + 1e-6) + 1e-6
                verts = tri.reshape(-1, 3)
                assert (verts.min(0) >= lo).all() and (verts.max(0) <= hi).all()
                normal = wb[w, [f + k for f in n_f]].astype(np.float64)
                assert abs(np.linalg.norm(normal) - 1) < 1e-6
                s = verts @ normal
                assert s.min() >= wb[w, slo_f + k] and s.max() <= wb[w, shi_f + k]
                if ref >= 0:
                    stack.append(ref)
                else:
                    thin.append((wb[w, shi_f + k] - wb[w, slo_f + k]) / np.linalg.norm(hi - lo))
    assert np.median(thin) < 0.2


def test_exact_distance_against_python_fcl_on_separated_blobs():
    fcl = pytest.importorskip("fcl", reason="python-fcl (extra 'test') is the exact mesh-mesh peer")
    rng = np.random.default_rng(7)
    meshes = [open_blob(rng, subdivisions=3), open_blob(rng, subdivisions=3)]
    prep = K.prepare_case(meshes, sample_spacing=0.1)
    offsets = np.linspace(4.05, 5.0, 8)
    poses = np.tile(np.eye(4), (1, len(offsets), 2, 1, 1))
    poses[0, :, 1, 0, 3] = offsets
    ours = K.clearance(prep, poses, [[0, 1]], backend="cpu").clearance.ravel()
    def model(t):
        tris = prep.closed_mesh(t).astype(np.float64)
        m = fcl.BVHModel()
        m.beginModel(len(tris) * 3, len(tris))
        m.addSubModel(tris.reshape(-1, 3), np.arange(len(tris) * 3).reshape(-1, 3))
        m.endModel()
        return m
    a, b = model(0), model(1)
    for s, off in enumerate(offsets):
        if not np.isfinite(ours[s]) or ours[s] <= 0:
            continue
        req, res = fcl.DistanceRequest(), fcl.DistanceResult()
        exact = fcl.distance(fcl.CollisionObject(a, fcl.Transform()),
                             fcl.CollisionObject(b, fcl.Transform(np.eye(3), [off, 0, 0])), req, res)
        # vertex-sampled distance bounds the exact one from above, within the sampling error
        assert exact - 1e-4 <= ours[s] <= exact + 0.02


def tangled_tooth():
    """One mesh of four closed spheres: two that cross (their crossing sheets are unsafe for the
    pseudo-normal shortcut), one nested inside them (winding 1 on both of its sides) and one turned
    inside out beside them (winding -1 within, 0 without: outside on both sides)."""
    trimesh = pytest.importorskip("trimesh")
    verts, faces = [], []
    for r, c, flip in ((2.0, (0, 0, 0), False), (1.6, (1.8, 0.3, 0), False),
                       (0.6, (0.6, 0, 0), False), (0.5, (0, 0, 4.5), True)):
        m = trimesh.creation.icosphere(subdivisions=2, radius=r).apply_translation(c)
        faces.append((m.faces[:, ::-1] if flip else m.faces) + sum(len(v) for v in verts))
        verts.append(m.vertices)
    return np.concatenate(verts), np.concatenate(faces)


def test_tangled_mesh_signs_match_reference(backend):
    rng = np.random.default_rng(11)
    prep = K.prepare_case([tangled_tooth(), open_blob(rng)])
    w = prep.front_winding(0)
    assert np.isnan(w).any() and {-1.0, 0.0, 1.0} <= set(w[~np.isnan(w)])
    # blob turned to face -x (its cap away): beside the inverted sphere (0.3 and 0.05 mm off it,
    # then 0.2 mm into it), then into the crossing
    dome = prep.samples(1)[:, 2].max()
    centres = [(0.5 + dome + gap, 0, 4.5) for gap in (0.3, 0.05, -0.2)] + [(4.5, 1.0, 0), (4.0, 1.2, 0),
                                                                          (3.2, 1.2, 0.5)]
    poses = np.tile(np.eye(4), (1, len(centres), 2, 1, 1))
    poses[0, :, 1, :3, :3] = [[0, 0, -1], [0, 1, 0], [1, 0, 0]]  # mesh +z -> world -x
    poses[0, :, 1, :3, 3] = centres
    got = K.clearance(prep, poses, [[0, 1], [1, 0]], max_distance=3.0, backend=backend)
    ref = K.clearance(prep, poses, [[0, 1], [1, 0]], max_distance=3.0, backend="numpy")
    assert (ref.clearance < 0).any() and (ref.clearance > 0).any()
    np.testing.assert_allclose(got.clearance, ref.clearance, atol=ATOL)


def test_real_arch_neighbours_match_reference(backend):
    teeth = arch_teeth("P3", "upper")[:5]
    prep = K.prepare_case(list(teeth))
    pairs = neighbour_pairs(5)[::2]  # (0,1), (2,3): no moved tooth is shared
    poses = separation_poses(teeth, pairs, np.array([-0.6, -0.2, 0.0, 0.3, 0.8]))
    got = K.clearance(prep, poses, pairs, backend=backend)
    ref = K.clearance(prep, poses, pairs, backend="numpy")
    np.testing.assert_allclose(got.clearance, ref.clearance, atol=ATOL)


def test_whole_real_arch_matches_reference_at_scan_and_moved(backend):
    """P1 upper: crowns whose caps fold through the crown (pseudo-normal signs fail there); the
    winding-number sign must agree with the exact reference on every neighbour pair."""
    teeth = arch_teeth("P1", "upper")
    prep = K.prepare_case(list(teeth), sample_spacing=0.5)  # coarser: the reference is brute force
    pairs = neighbour_pairs()[[3, 4, 6, 11]]  # the pairs that read -0.8 .. -5.5 mm with pseudo-normals
    poses = separation_poses(teeth, pairs[::2], np.array([0.0, -0.4]))
    got = K.clearance(prep, poses, pairs, backend=backend)
    ref = K.clearance(prep, poses, pairs, backend="numpy")
    np.testing.assert_allclose(got.clearance, ref.clearance, atol=ATOL)


def test_scanned_neighbours_read_as_contact_on_every_arch():
    """At the scanned pose neighbours touch along their cut boundary (caps cross by a fraction of
    a mm at most); pairs the segmentation left apart read their exact open-crown distance."""
    fcl = pytest.importorskip("fcl", reason="python-fcl (extra 'test') is the exact mesh-mesh peer")

    def model(v, f):
        m = fcl.BVHModel()
        m.beginModel(len(v), len(f))
        m.addSubModel(v.astype(np.float64), f.astype(np.int32))
        m.endModel()
        return fcl.CollisionObject(m)

    for patient in ("P1", "P2", "P3", "P4"):
        for jaw in ("upper", "lower"):
            teeth = arch_teeth(patient, jaw)
            res = K.clearance(K.prepare_case(list(teeth)), np.tile(np.eye(4), (1, 1, 14, 1, 1)),
                              neighbour_pairs(), backend="cpu")
            ours = res.clearance.ravel()
            assert (ours > -0.25).all(), (patient, jaw, ours)
            for p, (a, b) in enumerate(neighbour_pairs()):
                exact = fcl.distance(model(*teeth[a]), model(*teeth[b]), fcl.DistanceRequest(), fcl.DistanceResult())
                if exact > 0.05:  # apart in the scan: vertex-sampled distance bounds it from above
                    assert exact - 1e-4 <= ours[p] <= exact + 0.02, (patient, jaw, p, exact, ours[p])
                else:
                    assert ours[p] < 0.05, (patient, jaw, p, exact, ours[p])
