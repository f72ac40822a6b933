"""Pools concurrent planning jobs' clearance calls into one `clearance_many` launch.

A GPU planner runs several jobs at once (threads). Each asks for a few candidate schedules of its
own case at a time: alone, such a call is too small to fill the device and pays a launch and copies
of its own. The batcher gathers the calls that arrive together and checks them in one launch.

Leader and followers, no thread of its own: the first caller of a batch waits until every joined
job has a call in the batch (or `window_s` has passed, or `max_items` are in), then runs the batch;
the others wait for their share. A job alone never waits. Each call's input is checked in its own
thread, so a bad call fails alone; if the batch itself fails, every call is run again on its own.

Jobs join with `with batcher.joined():`; inside, `clearance_pooled` (used by the planning code)
goes through the batcher, and outside it is `clearance`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from .backends import get_backend
from .batch import clearance_queries
from .clearance import DEFAULT_MAX_DISTANCE, ClearanceResult, clearance, make_query

_local = threading.local()


@dataclass(eq=False)
class _Batch:
    max_distance: float
    items: list = field(default_factory=list)
    results: list = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)


class ClearanceBatcher:
    def __init__(self, *, backend: str | None = None, window_s: float = 0.002, max_items: int = 32):
        if window_s < 0 or max_items < 1:
            raise ValueError("window_s: not negative; max_items: at least 1")
        self.backend, self.window_s, self.max_items = backend, window_s, max_items
        self._cv = threading.Condition()
        self._open: _Batch | None = None
        self._joined = 0
        self.batches = 0  # launches made
        self.calls = 0  # calls they served

    @contextmanager
    def joined(self) -> Iterator[ClearanceBatcher]:
        """The calling thread runs a job: its `clearance_pooled` calls go through this batcher, and
        batches wait for it (up to the window) while it is in."""
        with self._cv:
            self._joined += 1
        outer = getattr(_local, "batcher", None)
        _local.batcher = self
        try:
            yield self
        finally:
            _local.batcher = outer
            with self._cv:
                self._joined -= 1
                self._cv.notify_all()  # a leader waiting for this job's call need not

    def clearance(self, prepared, poses, pairs, *, max_distance: float = DEFAULT_MAX_DISTANCE) -> ClearanceResult:
        query = make_query(prepared, poses, pairs, max_distance)  # a bad call fails here, in its own thread
        with self._cv:
            batch = self._open
            leader = batch is None or batch.max_distance != max_distance or len(batch.items) >= self.max_items
            if leader:
                batch = self._open = _Batch(max_distance)
            index = len(batch.items)
            batch.items.append(query)
            self._cv.notify_all()
        if not leader:
            batch.done.wait()
        else:
            self._gather(batch)
            self._run(batch)
        out = batch.results[index]
        if isinstance(out, _Failed):
            raise out.error
        return out

    def _gather(self, batch: _Batch) -> None:
        deadline = time.monotonic() + self.window_s
        with self._cv:
            while len(batch.items) < min(self.max_items, max(1, self._joined)):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cv.wait(left)
            if self._open is batch:
                self._open = None  # later calls start the next batch

    def _run(self, batch: _Batch) -> None:
        try:
            batch.results = clearance_queries(batch.items, self.backend)
        except Exception:  # e.g. device memory: each call on its own, so an error stays with its caller
            batch.results = [_alone(query, self.backend) for query in batch.items]
        with self._cv:
            self.batches += 1
            self.calls += len(batch.items)
        batch.done.set()

    def stats(self) -> dict[str, float]:
        with self._cv:
            return {"batches": self.batches, "calls": self.calls,
                    "calls_per_batch": self.calls / self.batches if self.batches else 0.0}


class _Failed:
    """A call's own error, raised in its thread when it reads its result."""

    def __init__(self, error: Exception):
        self.error = error


def _alone(query, backend: str | None):
    try:
        return clearance_queries([query], backend)[0]
    except Exception as e:
        return _Failed(e)


def clearance_pooled(prepared, poses, pairs, *, max_distance: float = DEFAULT_MAX_DISTANCE,
                     backend: str | None = None) -> ClearanceResult:
    """`clearance`, through the batcher the calling job joined (if any, and on the same backend)."""
    batcher: ClearanceBatcher | None = getattr(_local, "batcher", None)
    if batcher is None or (backend is not None and backend != batcher.backend):
        return clearance(prepared, poses, pairs, max_distance=max_distance, backend=backend)
    return batcher.clearance(prepared, poses, pairs, max_distance=max_distance)


def batches_pay(backend: str | None = None) -> bool:
    """Whether batching across jobs gains anything on this backend: only where one launch can
    check several cases (cuda, cupy); on the CPU the cases would run one after another anyway."""
    return hasattr(get_backend(backend), "clearance_tasks")
