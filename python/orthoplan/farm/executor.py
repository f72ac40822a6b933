"""Executors of planning jobs. `InProcessExecutor` (the default) is a pool of worker threads inside
the server: each claims a job from the database under a lease, runs it, and renews the lease at
every step. A worker that dies (the process killed) gives its job back when the lease runs out;
one that is stopped gives it back at once."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from typing import Protocol

from ..adapters.db.uow import SqlUnitOfWork
from ..kernels.batcher import ClearanceBatcher, batches_pay
from ..services import plan_jobs
from ..services.deps import Deps
from . import job as work
from .warm import WarmCases

log = logging.getLogger("orthoplan.farm")


class Executor(Protocol):
    """What the server needs of an executor."""

    def start(self) -> None: ...
    def stop(self, timeout: float = 10.0) -> None: ...
    def notify(self) -> None: ...
    def restage(self, case_id: str, scans: list[tuple[str, str, str]], spec) -> work.Result | None: ...


def check_batch_settings(settings) -> None:
    if settings.gpu_batch not in ("auto", "on", "off"):
        raise ValueError(f"ORTHOPLAN_GPU_BATCH: auto, on or off, not {settings.gpu_batch!r}")
    if not settings.gpu_batch_window_ms >= 0:
        raise ValueError("ORTHOPLAN_GPU_BATCH_WINDOW_MS: a number of milliseconds, not negative")


def make_batcher(settings, workers: int) -> ClearanceBatcher | None:
    """The batcher for `workers` planning threads, as settings.gpu_batch says: "on", "off", or
    "auto" (on where several jobs run at once on a backend that checks several cases per launch)."""
    check_batch_settings(settings)
    mode = settings.gpu_batch
    if mode == "off" or (mode == "auto" and (workers < 2 or not batches_pay())):
        return None
    log.info("planning: clearance calls of %d workers pooled (window %.1f ms)", workers, settings.gpu_batch_window_ms)
    return ClearanceBatcher(window_s=settings.gpu_batch_window_ms / 1000.0)


class _Stop(Exception):
    """The job is to stop here: cancelled, or its lease lost."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


class InProcessExecutor:
    def __init__(self, uow: Callable[..., SqlUnitOfWork], deps: Deps, *, workers: int = 1, lease_s: float = 60.0,
                 poll_s: float = 2.0, warm_cases: int = 8, batcher: ClearanceBatcher | None = None):
        self.uow, self.deps, self.lease_s, self.poll_s = uow, deps, lease_s, poll_s
        self.batcher = batcher  # the workers' clearance calls pooled into shared launches (GPU)
        self.warm = WarmCases(warm_cases)
        self.workers = workers
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self.name = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    # -- the interface -------------------------------------------------------------------------
    def start(self) -> None:
        for i in range(self.workers):
            t = threading.Thread(target=self._loop, args=(f"{self.name}/{i}",), name=f"planner-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        for t in self._threads:
            t.join(timeout)
        self._threads.clear()

    def notify(self) -> None:
        self._wake.set()

    def restage(self, case_id: str, scans: list[tuple[str, str, str]], spec) -> work.Result | None:
        """Re-stages a warm case within the caller's thread; None when it is not warm here.
        `scans`: (jaw, filename, sha256) of the case's scans now."""
        hit = self.warm.get(case_id, work.scans_key([work.Scan(*t) for t in scans]))
        if hit is None:
            return None
        warm, lock = hit
        with lock, self._joined():
            return work.restage(warm, spec)

    def _joined(self):
        return self.batcher.joined() if self.batcher is not None else nullcontext()

    # -- the loop ------------------------------------------------------------------------------
    def _loop(self, worker: str) -> None:
        while not self._stop.is_set():
            try:
                ran = self.run_one(worker)
            except Exception:  # the database is away: try again after a pause
                log.exception("planning worker %s: a round failed", worker)
                ran = False
            if not ran:
                self._wake.wait(self.poll_s)
                self._wake.clear()

    def run_one(self, worker: str) -> bool:
        """Claims and runs one job; False when none was waiting."""
        with self.uow(write=True) as uow:
            claimed = plan_jobs.claim(uow, self.deps, worker, self.lease_s)
        if claimed is None:
            return False
        log.info("planning worker %s: plan %s (attempt %d)", worker, claimed.id, claimed.attempt)

        def progress(percent: int, step: str) -> None:
            if self._stop.is_set():
                raise _Stop("stopping")
            try:
                with self.uow(write=True) as uow:
                    if plan_jobs.advance(uow, self.deps, claimed.id, worker, percent, step, self.lease_s):
                        raise _Stop("cancelled")
            except plan_jobs.LeaseLost:
                raise _Stop("lease lost") from None
        try:
            with self.uow() as uow:
                scans = [work.Scan(jaw, rec.filename, rec.sha256)
                         for jaw, (rec, _) in plan_jobs.scans_of(uow.session, claimed.case_id).items()]
            with self._joined():
                result = work.run(claimed.spec, scans, self.deps.artifacts, progress)
            progress(95, "storing the setup")
            with self.uow(write=True) as uow:
                plan_jobs.finish(uow, self.deps, claimed.id, worker, result.plan, result.outputs, result.movements)
            if result.warm is not None:
                self.warm.put(claimed.case_id, result.warm)
        except _Stop as stop:
            self._stopped(claimed.id, worker, stop.why)
        except work.JobFailed as e:
            self._fail(claimed.id, worker, e.code, e.message)
        except plan_jobs.LeaseLost:
            log.warning("planning worker %s: plan %s was taken over; its result is dropped", worker, claimed.id)
        except Exception as e:  # a fault: the job fails, saying so (the trace is in the log)
            log.exception("planning worker %s: plan %s failed", worker, claimed.id)
            self._fail(claimed.id, worker, 13, f"internal error while planning: {e.__class__.__name__}: {e}")
        return True

    def _fail(self, job_id: str, worker: str, code: int, message: str) -> None:
        self._ended(lambda uow: plan_jobs.fail(uow, self.deps, job_id, worker, code, message))

    def _stopped(self, job_id: str, worker: str, why: str) -> None:
        if why == "cancelled":
            self._ended(lambda uow: plan_jobs.cancelled(uow, self.deps, job_id, worker))
        elif why == "stopping":
            self._ended(lambda uow: plan_jobs.release(uow, self.deps, job_id, worker))
        # "lease lost": another worker holds it now; nothing of ours to record

    def _ended(self, body: Callable[[SqlUnitOfWork], None]) -> None:
        try:
            with self.uow(write=True) as uow:
                body(uow)
        except plan_jobs.LeaseLost:
            pass  # taken over meanwhile: the new holder reports
