"""Argument checks shared by every backend (each failure a ValueError naming the argument), and result hand-back."""

from __future__ import annotations

from typing import Any

import numpy as np

RIGID_TOL = 1e-4


def _xp_to_numpy(x: Any) -> np.ndarray:
    """NumPy view of `x`; CuPy arrays are copied to the host (validation is cheap next to kernels)."""
    if hasattr(x, "__cuda_array_interface__") and hasattr(x, "get"):
        return x.get()
    return np.asarray(x)


def real_array(x: Any, name: str, shape: tuple[int | None, ...], dtype: type) -> np.ndarray:
    """C-contiguous `dtype` copy/view of `x` with the given shape (None = any extent), all finite."""
    try:
        a = _xp_to_numpy(x)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name}: not an array ({exc})") from None
    if a.dtype.kind not in "iuf":
        raise ValueError(f"{name}: expected a real numeric array, got dtype {a.dtype}")
    if a.ndim != len(shape) or any(s is not None and a.shape[i] != s for i, s in enumerate(shape)):
        want = "(" + ", ".join("*" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name}: expected shape {want}, got {tuple(a.shape)}")
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ValueError(f"{name}: contains NaN or infinite values")
    if np.dtype(dtype).kind in "iu" and a.dtype.kind == "f":
        if not np.array_equal(a, np.round(a)):
            raise ValueError(f"{name}: expected integers")
    if np.dtype(dtype).kind in "iu":
        info = np.iinfo(dtype)
        if a.size and (a.min() < info.min or a.max() > info.max):
            raise ValueError(f"{name}: values outside the {np.dtype(dtype).name} range")
    return np.ascontiguousarray(a, dtype=dtype)


def rigid_poses(x: Any, name: str, lead: tuple[int | None, ...]) -> np.ndarray:
    """float64 [..., 4, 4] rigid transforms (orthonormal rotation, det +1, last row 0 0 0 1)."""
    a = real_array(x, name, (*lead, 4, 4), np.float64)
    if a.size == 0:
        return a
    r = a[..., :3, :3]
    ortho = np.abs(np.einsum("...ji,...jk->...ik", r, r) - np.eye(3)).max(axis=(-2, -1))
    det = np.linalg.det(r)
    row = np.abs(a[..., 3, :] - np.array([0.0, 0.0, 0.0, 1.0])).max(axis=-1)
    bad = (ortho > RIGID_TOL) | (np.abs(det - 1.0) > RIGID_TOL) | (row > RIGID_TOL)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name}: pose at index {idx} is not rigid (rotation must be orthonormal with "
            f"determinant +1 and the last row 0 0 0 1, tolerance {RIGID_TOL})"
        )
    return a


def _number(x: Any, name: str) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a number, got {x!r}") from None


def positive_scalar(x: Any, name: str, allow_inf: bool = False) -> float:
    v = _number(x, name)
    if np.isnan(v) or v <= 0 or (np.isinf(v) and not allow_inf):
        raise ValueError(f"{name}: must be a positive {'number' if allow_inf else 'finite number'}, got {v}")
    return v


def optional_positive_scalar(x: Any, name: str) -> float:
    """0 (meaning 'none') or a positive finite number."""
    v = _number(x, name)
    if not np.isfinite(v) or v < 0:
        raise ValueError(f"{name}: must be 0 (none) or a positive finite number, got {v}")
    return v


def to_caller(on_device: bool, *arrays: np.ndarray) -> tuple:
    """Hand results back on the caller's side: CuPy arrays when the inputs were CuPy."""
    if not on_device:
        return arrays
    import cupy

    return tuple(cupy.asarray(a) for a in arrays)
