"""The batcher pools concurrent jobs' clearance calls: each caller gets exactly what a call of its
own gives, a bad call fails alone, and nobody waits on a job that has no call coming."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from orthoplan import kernels as K

from tests.kernels.test_batch import _cases


def _in_threads(batcher, calls):
    """Runs each call in a thread of its own, joined to the batcher as a job is; returns their
    results or exceptions in order."""
    out: list = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def job(i):
        try:
            with batcher.joined():
                start.wait()
                out[i] = calls[i]()
        except Exception as e:  # noqa: BLE001 - handed back to the test
            out[i] = e
    threads = [threading.Thread(target=job, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
        assert not t.is_alive(), "a batched call hung"
    return out


def test_concurrent_jobs_get_what_calls_of_their_own_give(backend="cpu"):
    cases = _cases()
    batcher = K.ClearanceBatcher(backend=backend, window_s=5.0)  # only joined jobs end the wait
    got = _in_threads(batcher, [lambda c=c: K.clearance_pooled(*c) for c in cases])
    for (prep, poses, pairs), res in zip(cases, got, strict=True):
        alone = K.clearance(prep, poses, pairs, backend=backend)
        np.testing.assert_array_equal(res.clearance, alone.clearance)
        np.testing.assert_array_equal(res.witness_a, alone.witness_a)
        np.testing.assert_array_equal(res.witness_b, alone.witness_b)
    stats = batcher.stats()
    assert stats["calls"] == 3 and stats["batches"] < 3  # pooled: the three jobs were all in


def test_a_job_alone_does_not_wait_and_outside_a_job_nothing_is_pooled():
    prep, poses, pairs = _cases()[0]
    batcher = K.ClearanceBatcher(backend="cpu", window_s=3600.0)  # a wait would hang the test
    with batcher.joined():
        res = K.clearance_pooled(prep, poses, pairs)
    np.testing.assert_array_equal(res.clearance, K.clearance(prep, poses, pairs, backend="cpu").clearance)
    assert batcher.stats() == {"batches": 1, "calls": 1, "calls_per_batch": 1.0}
    K.clearance_pooled(prep, poses, pairs)  # not in a job: a plain call
    assert batcher.stats()["calls"] == 1


def test_a_job_busy_elsewhere_holds_a_batch_only_for_the_window():
    prep, poses, pairs = _cases()[0]
    batcher = K.ClearanceBatcher(backend="cpu", window_s=0.05)
    idle, done = threading.Event(), threading.Event()

    def other_job():  # joined, but writing files: no call coming
        with batcher.joined():
            idle.set()
            done.wait(60)
    t = threading.Thread(target=other_job)
    t.start()
    idle.wait(10)
    try:
        with batcher.joined():
            res = K.clearance_pooled(prep, poses, pairs)
    finally:
        done.set()
        t.join(10)
    assert np.isfinite(res.clearance).any()
    assert batcher.stats()["batches"] == 1


def test_a_bad_call_fails_in_its_own_job_only():
    (p0, x0, q0), (p1, x1, q1), _ = _cases()
    batcher = K.ClearanceBatcher(backend="cpu", window_s=5.0)
    got = _in_threads(batcher, [lambda: K.clearance_pooled(p0, x0, q0),
                                lambda: K.clearance_pooled(p1, x1, q1 + 5)])
    np.testing.assert_array_equal(got[0].clearance, K.clearance(p0, x0, q0, backend="cpu").clearance)
    assert isinstance(got[1], ValueError) and "pairs: tooth indices must be in 0..4" in str(got[1])


def test_a_failed_launch_is_retried_call_by_call(monkeypatch):
    """If the pooled launch fails (say, device memory), each call runs on its own."""
    from orthoplan.kernels import batcher as B

    real = B.clearance_queries

    def broken(queries, backend=None):  # a pooled launch fails; one call at a time works
        if len(queries) > 1:
            raise MemoryError("out of device memory")
        return real(queries, backend)
    monkeypatch.setattr(B, "clearance_queries", broken)
    cases = _cases()[:2]
    batcher = K.ClearanceBatcher(backend="cpu", window_s=5.0)
    got = _in_threads(batcher, [lambda c=c: K.clearance_pooled(*c) for c in cases])
    for (prep, poses, pairs), res in zip(cases, got, strict=True):
        np.testing.assert_array_equal(res.clearance, K.clearance(prep, poses, pairs, backend="cpu").clearance)
    assert batcher.stats()["calls"] == 2


def test_another_backend_asked_by_name_goes_around_the_batcher():
    prep, poses, pairs = _cases()[0]
    batcher = K.ClearanceBatcher(backend="numpy")
    with batcher.joined():
        K.clearance_pooled(prep, poses, pairs, backend="cpu")
    assert batcher.stats()["calls"] == 0


@pytest.mark.parametrize("kwargs", [{"window_s": -1.0}, {"max_items": 0}])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError, match="window_s|max_items"):
        K.ClearanceBatcher(**kwargs)


def test_batches_pay_only_where_one_launch_checks_several_cases():
    assert not K.batches_pay("cpu") and not K.batches_pay("numpy")


def test_a_full_batch_leaves_later_calls_to_the_next():
    cases = _cases()
    batcher = K.ClearanceBatcher(backend="cpu", window_s=0.5, max_items=1)
    got = _in_threads(batcher, [lambda c=c: K.clearance_pooled(*c) for c in cases])
    for (prep, poses, pairs), res in zip(cases, got, strict=True):
        np.testing.assert_array_equal(res.clearance, K.clearance(prep, poses, pairs, backend="cpu").clearance)
    assert batcher.stats() == {"batches": 3, "calls": 3, "calls_per_batch": 1.0}
