"""Backend discovery and dispatch: CUDA extension, CuPy (NVRTC), C++ CPU extension, NumPy reference."""

from __future__ import annotations

import logging
import os
from functools import cache, lru_cache
from typing import Any

log = logging.getLogger("orthoplan.kernels")

ORDER = ("cuda", "cupy", "cpu", "numpy")
ENV = "ORTHOPLAN_BACKEND"


class BackendUnavailableError(RuntimeError):
    """A backend that was asked for (or probed) cannot run here; the message says why."""


class BuiltWithoutCudaError(BackendUnavailableError):
    """This installation's native package has no CUDA extension (built where nvcc was absent)."""


class CupyNotInstalledError(BackendUnavailableError):
    """The CuPy backend needs the `cupy` package (extra `orthoplan[cupy]`)."""


class NoCudaDeviceError(BackendUnavailableError):
    """CUDA code is available but no usable CUDA device or driver is present."""


def _load(name: str) -> Any:
    if name == "numpy":
        from . import reference

        return reference.ReferenceBackend()
    if name == "cpu":
        from ._cpu import CpuBackend

        return CpuBackend()
    if name == "cuda":
        try:
            from . import _cuda
        except ImportError as exc:
            raise BuiltWithoutCudaError(
                f"orthoplan was built without CUDA (no nvcc at build time, or ORTHOPLAN_CUDA=OFF): {exc}"
            ) from None
        count, why = _cuda.device_count()
        if count == 0:
            raise NoCudaDeviceError(f"CUDA extension present but no CUDA device: {why}")
        from ._gpu import CudaBackend

        return CudaBackend()
    if name == "cupy":
        try:
            import cupy  # noqa: F401
        except ImportError:
            raise CupyNotInstalledError(
                "CuPy is not installed: pip install 'orthoplan[cupy]'"
            ) from None
        try:
            count = cupy.cuda.runtime.getDeviceCount()
        except Exception as exc:  # cupy raises CUDARuntimeError without a driver
            raise NoCudaDeviceError(f"CuPy is installed but no CUDA device: {exc}") from None
        if count == 0:
            raise NoCudaDeviceError("CuPy is installed but no CUDA device is present")
        from ._gpu import CupyBackend

        return CupyBackend()
    raise ValueError(f"backend: unknown backend {name!r}; choose one of {', '.join(ORDER)}")


@cache
def _cached(name: str) -> Any:
    return _load(name)


def get_backend(name: str | None = None) -> Any:
    """The named backend, else $ORTHOPLAN_BACKEND, else the first available in ORDER (logged)."""
    if name is None:
        name = os.environ.get(ENV) or None
        if name is not None and name not in ORDER:
            raise ValueError(f"{ENV}: unknown backend {name!r}; choose one of {', '.join(ORDER)}")
    if name is not None:
        return _cached(name)
    return _auto()


@lru_cache(maxsize=1)
def _auto() -> Any:
    skipped = []
    for name in ORDER:
        try:
            backend = _cached(name)
        except BackendUnavailableError as exc:
            skipped.append(f"{name}: {exc}")
            continue
        log.info("orthoplan kernels: using the %s backend%s", name,
                 f" (skipped {'; '.join(skipped)})" if skipped else "")
        return backend
    raise BackendUnavailableError("no backend available")  # numpy is always available


def available_backends() -> dict[str, str]:
    """Every backend with 'available' or the reason it is not (for diagnostics and test skips)."""
    out = {}
    for name in ORDER:
        try:
            _cached(name)
            out[name] = "available"
        except BackendUnavailableError as exc:
            out[name] = str(exc)
    return out
