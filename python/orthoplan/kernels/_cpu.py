"""The C++ CPU backend (OpenMP, releases the GIL)."""

from __future__ import annotations

from . import _core
from ._validate import to_caller
from .clearance import ClearanceQuery, ClearanceResult
from .staging import StagingProblem, StagingResult, motion_records


class CpuBackend:
    name = "cpu"

    def stage(self, problem: StagingProblem) -> StagingResult:
        motion = motion_records(problem)
        steps, n_stages = _core.staging_steps(motion, problem.start, problem.rate)
        poses = _core.staging_poses(motion, problem.start, steps, int(n_stages.max()) + 1)
        return StagingResult(n_stages, steps, poses)

    def clearance(self, query: ClearanceQuery, on_device: bool = False) -> ClearanceResult:
        raw = dict(query.prepared.arrays)
        c, wa, wb = _core.clearance(raw, query.poses, query.pairs, query.max_distance)
        return ClearanceResult(*to_caller(on_device, c, wa, wb))
