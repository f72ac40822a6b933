"""Signed clearance between tooth pairs at many poses (semantics: docs/kernels.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validate import positive_scalar, real_array, rigid_poses
from .backends import get_backend
from .prepared import PreparedCase

DEFAULT_MAX_DISTANCE = 2.0  # mm: farther pairs report +inf


@dataclass(frozen=True)
class ClearanceResult:
    """clearance [B, S, P] (mm; negative = penetration depth; +inf beyond max_distance);
    witness_a, witness_b [B, S, P, 3]: world points on each tooth of the pair (NaN when +inf)."""

    clearance: Any
    witness_a: Any
    witness_b: Any


@dataclass(frozen=True)
class ClearanceQuery:
    """Validated inputs: poses float32 [B, S, T, 4, 4], pairs int32 [P, 2]."""

    prepared: PreparedCase
    poses: np.ndarray
    pairs: np.ndarray
    max_distance: float


def make_query(prepared, poses, pairs, max_distance=DEFAULT_MAX_DISTANCE) -> ClearanceQuery:
    if not isinstance(prepared, PreparedCase):
        raise ValueError("prepared: expected a PreparedCase from prepare_case()")
    t = prepared.teeth
    po = rigid_poses(poses, "poses", (None, None, t)).astype(np.float32)
    pa = real_array(pairs, "pairs", (None, 2), np.int32)
    if ((pa < 0) | (pa >= t)).any():
        raise ValueError(f"pairs: tooth indices must be in 0..{t - 1}")
    if (pa[:, 0] == pa[:, 1]).any():
        raise ValueError("pairs: a pair must name two different teeth")
    md = positive_scalar(max_distance, "max_distance", allow_inf=True)
    return ClearanceQuery(prepared, np.ascontiguousarray(po), pa, md)


def clearance(prepared: PreparedCase, poses, pairs, *, max_distance: float = DEFAULT_MAX_DISTANCE,
              backend: str | None = None) -> ClearanceResult:
    """Signed clearance for every (schedule b, stage s, pair p).

    Args: prepared from prepare_case(); poses [B, S, T, 4, 4] rigid mesh->world (NumPy or CuPy);
    pairs [P, 2] tooth indices; max_distance (mm, may be inf). Returns a ClearanceResult whose
    arrays live where `poses` lives.
    """
    query = make_query(prepared, poses, pairs, max_distance)
    on_device = hasattr(poses, "__cuda_array_interface__")
    return get_backend(backend).clearance(query, on_device=on_device)
