"""Real scans from ../shared/data for tests and benchmarks (read in place, never copied).

Set ORTHOPLAN_SHARED_DATA to use another location; tests skip, saying why, where it is absent.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

DATA = Path(os.environ.get("ORTHOPLAN_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
PATIENTS = ("P1", "P2", "P3", "P4")


def require_data() -> Path:
    if not (DATA / "arches" / "P1").is_dir():
        pytest.skip(f"real scans not found at {DATA} (set ORTHOPLAN_SHARED_DATA)")
    return DATA


@lru_cache(maxsize=16)
def arch_teeth(patient: str, jaw: str) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """The 14 crowns (labels 1..14 along the arch) of a labelled arch as (vertices, faces)."""
    from orthoplan.planning.scans import read_labelled_vtp

    mesh, labels = read_labelled_vtp(require_data() / "arches" / patient / f"{patient.lower()}_{jaw}.vtp")
    verts, cells = mesh.vertices, mesh.faces
    teeth = []
    for label in range(1, 15):
        f = cells[labels == label]
        used, inv = np.unique(f, return_inverse=True)
        teeth.append((verts[used], inv.reshape(-1, 3).astype(np.int32)))
    return tuple(teeth)


def subdivide(verts: np.ndarray, faces: np.ndarray, times: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Midpoint subdivision (each triangle into 4), to reach scanner-like vertex counts."""
    for _ in range(times):
        edges = np.sort(np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1)
        uniq, inv = np.unique(edges, axis=0, return_inverse=True)
        mid = len(verts) + inv.reshape(3, -1).T  # [F, 3]: midpoints of ab, bc, ca
        verts = np.concatenate([verts, 0.5 * (verts[uniq[:, 0]] + verts[uniq[:, 1]])])
        a, b, c = faces.T
        ab, bc, ca = mid.T
        faces = np.concatenate([np.stack(x, 1) for x in ((a, ab, ca), (ab, b, bc), (ca, bc, c), (ab, bc, ca))])
    return verts, faces.astype(np.int32)


def neighbour_pairs(n: int = 14) -> np.ndarray:
    return np.array([[i, i + 1] for i in range(n - 1)], np.int32)


def separation_poses(teeth, pairs: np.ndarray, offsets_mm: np.ndarray) -> np.ndarray:
    """[1, S, T, 4, 4] poses: stage s moves the second tooth of every pair by offsets_mm[s] along
    the line between the pair's centroids (positive = apart). Pairs must not share a moved tooth."""
    centroids = np.array([v.mean(axis=0) for v, _ in teeth])
    poses = np.tile(np.eye(4), (1, len(offsets_mm), len(teeth), 1, 1))
    for a, b in pairs:
        d = centroids[b] - centroids[a]
        poses[0, :, b, :3, 3] = np.outer(offsets_mm, d / np.linalg.norm(d))
    return poses
