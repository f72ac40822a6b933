"""Per-case clearance structures: closed crowns, triangle BVHs, sample trees, SDF grids."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _core
from ._validate import optional_positive_scalar, positive_scalar, real_array

ARRAY_NAMES = ("tooth_i", "tooth_f", "tris", "tri_sign", "wide_box", "wide_ref", "wide_dip", "samples",
               "snode", "snode_child", "grid")
DEFAULT_SAMPLE_SPACING = 0.25  # mm: at most this far from any crown point to a sample
DEFAULT_GRID_SPACING = 0.5  # mm: culling grid; affects speed and memory, never the result
# mm: second culling grid near the surface (0: none) and how far from it its values are exact.
# Its band reaches the gaps antagonists keep. 0.3 mm re-checks 8 % faster than 0.4 mm for a third
# more prepare time; finer or wider ones cost prepare time for nothing (docs/benchmarks.md)
DEFAULT_FINE_SPACING = 0.3
DEFAULT_FINE_BAND = 1.5


@dataclass(frozen=True, eq=False)
class PreparedCase:
    """Read-only packed arrays for T teeth (layout in cpp/include/orthoplan/clearance/clearance.h).

    `device_cache` holds per-backend device copies so warm cases stay on the GPU between calls.
    """

    teeth: int
    arrays: dict[str, np.ndarray]
    stats: dict[str, np.ndarray]
    sample_spacing: float
    grid_spacing: float
    fine_spacing: float = 0.0
    fine_band: float = 0.0
    device_cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def closed_mesh(self, tooth: int) -> np.ndarray:
        """Triangles [F, 3, 3] of the closed crown `tooth` (scanned triangles, then caps), mesh
        coordinates: its winding number tells inside from outside."""
        lo, hi = self._range("tris", tooth)
        return self.arrays["tris"][lo:hi, :9].reshape(-1, 3, 3)

    def scanned_mesh(self, tooth: int) -> np.ndarray:
        """Triangles [F, 3, 3] of crown `tooth`'s scanned surface (debris and degenerate triangles
        dropped, no caps): clearance is measured to these."""
        lo, _ = self._range("tris", tooth)
        return self.arrays["tris"][lo:lo + int(self.arrays["tooth_i"][tooth, _core.TI_CAP0]), :9].reshape(-1, 3, 3)

    @property
    def debris(self) -> dict[int, int]:
        """{tooth index: fragments dropped} for the teeth whose crown held segmentation debris:
        pieces under 5 % of the crown's area and over 0.1 mm from it (docs/kernels.md)."""
        return {int(t): int(n) for t, n in enumerate(self.stats["debris_fragments"]) if n > 0}

    def front_winding(self, tooth: int) -> np.ndarray:
        """Per closed-mesh triangle of `tooth`: the winding number just off its outer side, or NaN
        where the crown is not a clean manifold around it (there the kernels' sign comes from the
        full winding number instead of the pseudo-normal shortcut)."""
        lo, hi = self._range("tris", tooth)
        w = self.arrays["tri_sign"][lo:hi, _core.SG_W].astype(np.float64)
        w[w >= _core.SG_UNSAFE] = np.nan
        return w

    def samples(self, tooth: int) -> np.ndarray:
        """Sample points [N, 3] of crown `tooth` (mesh coordinates)."""
        lo, hi = self._range("samples", tooth)
        return self.arrays["samples"][lo:hi]

    def _range(self, name: str, tooth: int) -> tuple[int, int]:
        col = {"tris": 0, "samples": 2}[name]
        ti = self.arrays["tooth_i"]
        lo = int(ti[tooth, col])
        hi = int(ti[tooth + 1, col]) if tooth + 1 < self.teeth else len(self.arrays[name])
        return lo, hi


def _mesh(i: int, mesh: Any) -> tuple[np.ndarray, np.ndarray]:
    try:
        verts, faces = mesh
    except (TypeError, ValueError):
        raise ValueError(f"meshes[{i}]: expected a (vertices, faces) pair") from None
    v = real_array(verts, f"meshes[{i}].vertices", (None, 3), np.float32)
    f_raw = np.asarray(faces)
    if f_raw.dtype.kind not in "iu":
        raise ValueError(f"meshes[{i}].faces: expected an integer array, got dtype {f_raw.dtype}")
    f = real_array(f_raw, f"meshes[{i}].faces", (None, 3), np.int64)
    if len(v) < 3 or len(f) == 0:
        raise ValueError(f"meshes[{i}]: empty mesh ({len(v)} vertices, {len(f)} faces)")
    if f.min() < 0 or f.max() >= len(v):
        raise ValueError(f"meshes[{i}].faces: index out of range [0, {len(v)})")
    area = 0.5 * np.linalg.norm(np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]]), axis=1)
    if area.sum() <= 1e-9:
        raise ValueError(f"meshes[{i}]: degenerate mesh (zero surface area)")
    if (np.ptp(v[np.unique(f)], axis=0) <= 1e-6).any():
        raise ValueError(f"meshes[{i}]: degenerate mesh (flat: zero extent along an axis)")
    return v, f.astype(np.int32)


def prepare_case(meshes: Sequence[Any], *, sample_spacing: float = DEFAULT_SAMPLE_SPACING,
                 grid_spacing: float = DEFAULT_GRID_SPACING, fine_spacing: float = DEFAULT_FINE_SPACING,
                 fine_band: float = DEFAULT_FINE_BAND) -> PreparedCase:
    """Build clearance structures for a case once; re-checking new poses is then cheap.

    Args: meshes, a sequence of T (vertices [V, 3] float mm, faces [F, 3] int) crowns in mesh
    coordinates (open crowns are closed by capping their boundary loops); sample_spacing (mm);
    grid_spacing (mm) of the coarse culling grid; fine_spacing (mm, 0 for none) of the fine one,
    exact within fine_band (mm) of the surface. The grids trade prepare time and memory against
    re-check time; they never change a result. Returns a PreparedCase.
    """
    if isinstance(meshes, (str, bytes)) or not isinstance(meshes, Sequence) or len(meshes) == 0:
        raise ValueError("meshes: expected a non-empty sequence of (vertices, faces) pairs")
    ss = positive_scalar(sample_spacing, "sample_spacing")
    gs = positive_scalar(grid_spacing, "grid_spacing")
    fs = optional_positive_scalar(fine_spacing, "fine_spacing")
    fb = positive_scalar(fine_band, "fine_band")
    if ss < 0.01:
        raise ValueError(f"sample_spacing: {ss} mm is below the 0.01 mm floor")
    parts = [_mesh(i, m) for i, m in enumerate(meshes)]
    verts = np.concatenate([p[0] for p in parts])
    faces = np.concatenate([p[1] for p in parts])
    vlen = np.array([len(p[0]) for p in parts], np.int32)
    flen = np.array([len(p[1]) for p in parts], np.int32)
    raw = _core.prepare_case(verts, vlen, faces, flen, ss, gs, fs, fb)
    for a in raw.values():
        a.flags.writeable = False
    stats = {name: raw["stats"][:, k] for k, name in enumerate(_core.STAT_NAMES)}
    return PreparedCase(len(parts), {k: raw[k] for k in ARRAY_NAMES}, stats, ss, gs, fs, fb)
