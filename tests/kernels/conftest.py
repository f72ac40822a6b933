"""Shared fixtures: backends parametrized over every implementation, skipped out loud if absent."""

from __future__ import annotations

import numpy as np
import pytest
from orthoplan.kernels import available_backends

ACCELERATED = ("cuda", "cupy", "cpu")


@pytest.fixture(params=ACCELERATED)
def backend(request) -> str:
    status = available_backends()[request.param]
    if status != "available":
        pytest.skip(f"{request.param} backend unavailable: {status}")
    return request.param


def open_blob(rng: np.random.Generator, subdivisions: int = 2, radius: float = 2.0):
    """A bumpy sphere with its bottom cut off: an open, crown-like surface (vertices, faces)."""
    trimesh = pytest.importorskip("trimesh")
    s = trimesh.creation.icosphere(subdivisions=subdivisions, radius=radius)
    v = s.vertices * (1.0 + 0.08 * rng.standard_normal((len(s.vertices), 1)).clip(-2, 2))
    keep = s.vertices[s.faces].mean(axis=1)[:, 2] > -0.6 * radius
    f = s.faces[keep]
    used, inv = np.unique(f, return_inverse=True)
    return v[used], inv.reshape(-1, 3)
