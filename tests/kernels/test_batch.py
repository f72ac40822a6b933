"""Several cases in one launch (clearance_many): the same results as one call per case, every backend."""

from __future__ import annotations

import numpy as np
import pytest
from orthoplan import kernels as K

from tests.kernels.test_clearance import ATOL, blob_case


def _cases():
    """Three cases of different sizes: teeth, schedules, stages and pairs all differ."""
    return [blob_case(10, teeth=3, stages=4, schedules=2), blob_case(11, teeth=5, stages=2, schedules=3),
            blob_case(12, teeth=2, stages=5, schedules=1)]


def test_merged_case_checks_as_its_parts_do():
    """The merge shifts each case's offsets: one call on the merge, with every case's teeth side by
    side, reads what each case reads alone (cpu backend; the offsets are backend-independent)."""
    cases = _cases()
    merged = K.merge_cases([c[0] for c in cases])
    assert merged.teeth == 10
    t0 = 0
    for prep, poses, pairs in cases:
        alone = K.clearance(prep, poses, pairs, backend="cpu")
        big = np.tile(np.eye(4), (*poses.shape[:2], merged.teeth, 1, 1))
        big[:, :, t0: t0 + prep.teeth] = poses
        together = K.clearance(merged, big, pairs + t0, backend="cpu")
        np.testing.assert_array_equal(together.clearance, alone.clearance)
        np.testing.assert_array_equal(together.witness_a, alone.witness_a)
        for t in range(prep.teeth):
            np.testing.assert_array_equal(merged.samples(t0 + t), prep.samples(t))
            np.testing.assert_array_equal(merged.closed_mesh(t0 + t), prep.closed_mesh(t))
        t0 += prep.teeth


def test_many_cases_in_one_call_match_each_alone(backend):
    cases = _cases()
    many = K.clearance_many(cases, backend=backend)
    assert len(many) == len(cases)
    for (prep, poses, pairs), got in zip(cases, many, strict=True):
        ref = K.clearance(prep, poses, pairs, backend="numpy")
        assert got.clearance.shape == (*poses.shape[:2], len(pairs))
        assert got.witness_a.shape == got.witness_b.shape == (*poses.shape[:2], len(pairs), 3)
        np.testing.assert_allclose(got.clearance, ref.clearance, atol=ATOL)
        fin = np.isfinite(ref.clearance)
        np.testing.assert_allclose(got.witness_a[fin], ref.witness_a[fin], atol=10 * ATOL)
    again = K.clearance_many(cases, backend=backend)  # the merge (and its device copy) reused
    for a, b in zip(many, again, strict=True):
        np.testing.assert_array_equal(a.clearance, b.clearance)


@pytest.mark.parametrize("items,match", [
    ([], "items: expected a non-empty sequence"),
    ("abc", "items: expected a non-empty sequence"),
    ([(1, 2)], r"items\[0\]: expected \(prepared, poses, pairs\)"),
    (None, "items: expected a non-empty sequence"),
])
def test_bad_batches_are_refused(items, match):
    with pytest.raises(ValueError, match=match):
        K.clearance_many(items)


def test_a_bad_case_is_named_by_its_place():
    (p0, x0, q0), (p1, x1, q1), _ = _cases()
    with pytest.raises(ValueError, match=r"items\[1\]\.poses"):
        K.clearance_many([(p0, x0, q0), (p1, x1[..., :3, :], q1)])
    with pytest.raises(ValueError, match=r"items\[1\]\.pairs: tooth indices must be in 0..4"):
        K.clearance_many([(p0, x0, q0), (p1, x1, q1 + 5)])
    with pytest.raises(ValueError, match="cases: expected"):
        K.merge_cases([p0, "not a case"])


def test_a_case_asked_twice_and_any_order_reads_the_same(backend):
    """Calls of one case share its place in the merge; the merge is the same whatever the order."""
    cases = _cases()
    items = [cases[2], cases[0], cases[2], cases[1]]
    many = K.clearance_many(items, backend=backend)
    for (prep, poses, pairs), got in zip(items, many, strict=True):
        alone = K.clearance(prep, poses, pairs, backend=backend)
        np.testing.assert_allclose(got.clearance, alone.clearance, atol=ATOL)
    np.testing.assert_array_equal(many[0].clearance, many[2].clearance)
