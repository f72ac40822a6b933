"""The Ray executor: planning on a farm. The server connects to an existing Ray cluster (its address
a setting) and places long-lived planner actors on it; Ray chooses the machines (CPUs, and GPUs,
fractional where several planners share a card), restarts an actor whose process dies, and carries
the calls. Each actor is an in-process executor of its own: it claims jobs from the database under
leases and writes results back there and to the artifact store, so a planner that dies mid-job
loses nothing (its job waits out the lease and another takes it) and no job is finished twice. An
actor keeps the cases it planned warm, so an edit is re-staged on the actor that holds the case.

Needs `pip install 'orthoplan[ray]'` on the server and on every node, the same version; the
database must be one every node reaches (PostgreSQL) and the artifact folder one they all mount.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from . import job as work

log = logging.getLogger("orthoplan.farm")
NAMESPACE = "orthoplan"


@dataclass(frozen=True)
class RayPlacement:
    planners: int = 2  # actors placed on the cluster by this server
    workers: int = 1  # jobs each actor runs at once (threads)
    cpus: float = 1.0  # Ray resources each actor asks for
    gpus: float = 0.0  # 0.25: four planners share a card; the kernels then run on it (cuda/cupy)
    restage_timeout_s: float = 30.0

    def __post_init__(self) -> None:
        if self.planners < 1 or self.workers < 1:
            raise ValueError("planners and workers: at least 1")
        if self.cpus < 0 or self.gpus < 0:
            raise ValueError("cpus and gpus: not negative")


class PlannerActor:
    """One planner on the cluster (wrapped by ray.remote when the executor starts)."""

    def __init__(self, env: dict[str, str], workers: int, poll_s: float):
        from ..bootstrap import build
        from ..config import Settings
        from .executor import InProcessExecutor, make_batcher

        os.environ.update({k: v for k, v in env.items() if k == "ORTHOPLAN_BACKEND"})
        self.app = build(Settings.from_env(env))
        s = self.app.settings
        self.ex = InProcessExecutor(self.app.runtime.uow, self.app.runtime.deps, workers=workers,
                                    lease_s=s.plan_lease_s, poll_s=poll_s, batcher=make_batcher(s, workers))
        self.ex.start()

    def info(self) -> dict[str, Any]:
        import ray

        from ..kernels import available_backends

        ctx = ray.get_runtime_context()
        return {"name": self.ex.name, "pid": os.getpid(), "node": ctx.get_node_id(), "gpus": ray.get_gpu_ids(),
                "backends": available_backends(), "warm": len(self.ex.warm),
                "batching": self.ex.batcher.stats() if self.ex.batcher is not None else None}

    def notify(self) -> None:
        self.ex.notify()

    def restage(self, case_id: str, scans: list[tuple[str, str, str]], spec) -> work.Result | None:
        return self.ex.restage(case_id, scans, spec)

    def stop(self) -> None:
        self.ex.stop()  # a job in progress goes back to the queue
        self.app.engine.dispose()


class RayExecutor:
    """The server's side: places the actors, tells them of new jobs, asks them to re-stage."""

    def __init__(self, address: str, env: dict[str, str], placement: RayPlacement | None = None, *,
                 poll_s: float = 2.0):
        if not address:
            raise ValueError("address: the Ray cluster's address is empty")
        self.address, self.env, self.placement, self.poll_s = address, dict(env), placement or RayPlacement(), poll_s
        self.actors: list[Any] = []

    def start(self) -> None:
        try:
            import ray
        except ImportError as e:
            raise RuntimeError("the Ray executor needs Ray: pip install 'orthoplan[ray]'") from e
        if not ray.is_initialized():
            ray.init(address=self.address, namespace=NAMESPACE, log_to_driver=False, configure_logging=False)
        p = self.placement
        remote = ray.remote(PlannerActor).options(
            num_cpus=p.cpus, num_gpus=p.gpus, max_restarts=-1, max_task_retries=0,
            max_concurrency=p.workers + 4)  # the claim loops run in threads; calls need a few more
        self.actors = [remote.remote(self.env, p.workers, self.poll_s) for _ in range(p.planners)]
        infos = ray.get([a.info.remote() for a in self.actors], timeout=300)
        for i in infos:
            log.info("planner %s on node %s (pid %d, gpus %s)", i["name"], i["node"][:12], i["pid"], i["gpus"])

    def stop(self, timeout: float = 10.0) -> None:
        import ray

        if not self.actors:
            return
        try:
            ray.get([a.stop.remote() for a in self.actors], timeout=timeout)
        except Exception:  # an actor that is away: its jobs come back when their leases run out
            log.warning("planners did not all stop in %.0f s", timeout)
        for a in self.actors:
            ray.kill(a, no_restart=True)
        self.actors.clear()

    def notify(self) -> None:
        for a in self.actors:
            a.notify.remote()

    def info(self) -> list[dict[str, Any]]:
        import ray

        return ray.get([a.info.remote() for a in self.actors], timeout=60)

    def restage(self, case_id: str, scans: list[tuple[str, str, str]], spec) -> work.Result | None:
        """Asks every planner at once; the one holding the case warm answers with the plan."""
        import ray

        pending = [a.restage.remote(case_id, scans, spec) for a in self.actors]
        while pending:
            done, pending = ray.wait(pending, num_returns=1, timeout=self.placement.restage_timeout_s)
            if not done:
                break  # too slow to be worth waiting for: the edit is queued as a job instead
            try:
                result = ray.get(done[0])
            except ray.exceptions.RayError:  # that planner died or restarted: not warm there
                continue
            if result is not None:
                return result  # the others answer None at once; nothing to wait for
        return None


def actor_env(settings) -> dict[str, str]:
    """What a planner needs to reach the same database and artifact store as this server."""
    env = {"ORTHOPLAN_DATABASE_URL": settings.database_url, "ORTHOPLAN_DATA_DIR": str(settings.data_dir),
           "ORTHOPLAN_ARTIFACT_DIR": str(settings.artifacts_path), "ORTHOPLAN_PLAN_LEASE_S": str(settings.plan_lease_s),
           "ORTHOPLAN_GPU_BATCH": settings.gpu_batch,
           "ORTHOPLAN_GPU_BATCH_WINDOW_MS": str(settings.gpu_batch_window_ms)}
    if os.environ.get("ORTHOPLAN_BACKEND"):
        env["ORTHOPLAN_BACKEND"] = os.environ["ORTHOPLAN_BACKEND"]
    return env
