"""GPU backends: the nvcc-built CUDA extension and CuPy compiling the same kernels with NVRTC."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

import numpy as np

from ._validate import to_caller
from .clearance import ClearanceQuery, ClearanceResult
from .prepared import ARRAY_NAMES
from .staging import StagingProblem, StagingResult, motion_records


def kernel_source_dirs() -> tuple[Path, Path]:
    """(include dir, kernels dir): installed copies, else the source tree's cpp/ (editable installs)."""
    here = Path(__file__).resolve().parent
    for root in (here / "cuda_src", here.parents[2] / "cpp"):
        if (root / "kernels" / "orthoplan_kernels.cu").is_file():
            return root / "include", root / "kernels"
    raise FileNotFoundError("orthoplan kernel sources (cuda_src) are missing from the installation")


# Threads per block of the CuPy backend's clearance launches; the source is compiled with it
# (ORTHO_CLEARANCE_THREADS), so launch bounds there always match.
CLEARANCE_THREADS = 128


def nvrtc_program(defines: tuple[str, ...] = ()) -> tuple[str, tuple[str, ...]]:
    """(source, options) that NVRTC compiles for the CuPy backend; the target architecture is added
    by whoever compiles (CuPy takes the device's). defines: NAME=VALUE macros for the source."""
    include, kernels = kernel_source_dirs()
    macros = (f"ORTHO_CLEARANCE_THREADS={CLEARANCE_THREADS}", *defines)
    return (kernels / "orthoplan_kernels.cu").read_text(), ("-std=c++17", f"-I{include}", *(f"-D{d}" for d in macros))


class _ExtBuffer:
    """Device memory owned through the _cuda extension; freed with the object."""

    def __init__(self, ext: Any, host: np.ndarray | None = None, shape=None, dtype=None):
        self.shape = host.shape if host is not None else tuple(shape)
        self.dtype = host.dtype if host is not None else np.dtype(dtype)
        nbytes = int(np.prod(self.shape)) * self.dtype.itemsize
        self.ptr = ext.alloc(nbytes)
        weakref.finalize(self, ext.release, self.ptr)
        if host is not None:
            ext.upload(self.ptr, np.ascontiguousarray(host))

    def get(self, ext: Any) -> np.ndarray:
        out = np.empty(self.shape, self.dtype)
        ext.download(out, self.ptr)
        return out


class CudaBackend:
    """Launches through the _cuda extension; device copies of prepared cases are cached."""

    name = "cuda"

    def __init__(self) -> None:
        from . import _cuda

        self.ext = _cuda

    def _buf(self, host=None, shape=None, dtype=None) -> _ExtBuffer:
        return _ExtBuffer(self.ext, host, shape, dtype)

    def stage(self, problem: StagingProblem) -> StagingResult:
        b, t = problem.start.shape
        motion, start = self._buf(motion_records(problem)), self._buf(problem.start)
        rate = self._buf(problem.rate)
        steps, n_stages = self._buf(shape=(b, t), dtype=np.int32), self._buf(shape=(b,), dtype=np.int32)
        self.ext.zero(n_stages.ptr, 4 * b)
        self.ext.staging_steps(motion.ptr, start.ptr, rate.ptr, b, t, steps.ptr, n_stages.ptr)
        n = n_stages.get(self.ext)
        s1 = int(n.max()) + 1
        poses = self._buf(shape=(b, s1, t, 4, 4), dtype=np.float32)
        self.ext.staging_poses(motion.ptr, start.ptr, steps.ptr, b, s1, t, poses.ptr)
        self.ext.synchronize()
        return StagingResult(n, steps.get(self.ext), poses.get(self.ext))

    def clearance(self, query: ClearanceQuery, on_device: bool = False) -> ClearanceResult:
        prepared = query.prepared
        bufs = prepared.device_cache.get(self.name)
        if bufs is None:
            bufs = [self._buf(prepared.arrays[k]) for k in ARRAY_NAMES]
            prepared.device_cache[self.name] = bufs
        b, s, t = query.poses.shape[:3]
        p = len(query.pairs)
        poses, pairs = self._buf(query.poses), self._buf(query.pairs)
        c = self._buf(shape=(b, s, p), dtype=np.float32)
        wa = self._buf(shape=(b, s, p, 3), dtype=np.float32)
        wb = self._buf(shape=(b, s, p, 3), dtype=np.float32)
        self.ext.clearance(tuple(x.ptr for x in bufs), poses.ptr, b, s, t, pairs.ptr, p,
                           query.max_distance, c.ptr, wa.ptr, wb.ptr)
        return ClearanceResult(*to_caller(on_device, c.get(self.ext), wa.get(self.ext), wb.get(self.ext)))

    def clearance_tasks(self, merged, poses: np.ndarray, tasks: np.ndarray, max_distance: float) -> tuple:
        """One launch over a task list (see batch.py); host arrays c [N], wa, wb [N, 3]."""
        bufs = merged.device_cache.get(self.name)
        if bufs is None:
            bufs = [self._buf(merged.arrays[k]) for k in ARRAY_NAMES]
            merged.device_cache[self.name] = bufs
        n = len(tasks)
        p, k = self._buf(poses), self._buf(tasks)
        c, wa, wb = (self._buf(shape=sh, dtype=np.float32) for sh in ((n,), (n, 3), (n, 3)))
        self.ext.clearance_tasks(tuple(x.ptr for x in bufs), p.ptr, k.ptr, n, max_distance, c.ptr, wa.ptr, wb.ptr)
        return c.get(self.ext), wa.get(self.ext), wb.get(self.ext)


class CupyBackend:
    """Compiles cpp/kernels/orthoplan_kernels.cu with NVRTC through cupy.RawModule."""

    name = "cupy"

    def __init__(self, defines: tuple[str, ...] = ()) -> None:
        import cupy

        self.cp = cupy
        code, options = nvrtc_program(defines)
        self.module = cupy.RawModule(code=code, options=options)

    def _launch(self, name: str, n: int, threads: int, args: tuple) -> None:
        blocks = max(1, (n + threads - 1) // threads)
        self.module.get_function(name)((blocks,), (threads,), args)

    def stage(self, problem: StagingProblem) -> StagingResult:
        cp = self.cp
        b, t = problem.start.shape
        motion = cp.asarray(motion_records(problem))
        start, rate = cp.asarray(problem.start), cp.asarray(problem.rate)
        steps, n_stages = cp.empty((b, t), cp.int32), cp.zeros((b,), cp.int32)
        self._launch("ortho_staging_steps", b * t, 256,
                     (motion, start, rate, np.int32(b), np.int32(t), steps, n_stages))
        s1 = int(n_stages.max().get()) + 1
        poses = cp.empty((b, s1, t, 4, 4), cp.float32)
        self._launch("ortho_staging_poses", b * s1 * t, 256,
                     (motion, start, steps, np.int32(b), np.int32(s1), np.int32(t), poses))
        return StagingResult(n_stages.get(), steps.get(), poses.get())

    def clearance(self, query: ClearanceQuery, on_device: bool = False) -> ClearanceResult:
        cp = self.cp
        prepared = query.prepared
        arrays = prepared.device_cache.get(self.name)
        if arrays is None:
            arrays = [cp.asarray(prepared.arrays[k]) for k in ARRAY_NAMES]
            prepared.device_cache[self.name] = arrays
        b, s, t = query.poses.shape[:3]
        p = len(query.pairs)
        c = cp.empty((b, s, p), cp.float32)
        wa, wb = cp.empty((b, s, p, 3), cp.float32), cp.empty((b, s, p, 3), cp.float32)
        args = (*arrays, cp.asarray(query.poses), np.int32(b), np.int32(s), np.int32(t),
                cp.asarray(query.pairs), np.int32(p), np.float32(query.max_distance), c, wa, wb)
        self._launch("ortho_clearance", b * s * p, CLEARANCE_THREADS, args)
        if on_device:
            return ClearanceResult(c, wa, wb)
        return ClearanceResult(*to_caller(False, c.get(), wa.get(), wb.get()))

    def clearance_tasks(self, merged, poses: np.ndarray, tasks: np.ndarray, max_distance: float) -> tuple:
        cp = self.cp
        arrays = merged.device_cache.get(self.name)
        if arrays is None:
            arrays = [cp.asarray(merged.arrays[k]) for k in ARRAY_NAMES]
            merged.device_cache[self.name] = arrays
        n = len(tasks)
        c, wa, wb = cp.empty((n,), cp.float32), cp.empty((n, 3), cp.float32), cp.empty((n, 3), cp.float32)
        args = (*arrays, cp.asarray(poses), cp.asarray(tasks), np.int32(n), np.float32(max_distance), c, wa, wb)
        self._launch("ortho_clearance_tasks", n, CLEARANCE_THREADS, args)
        return c.get(), wa.get(), wb.get()
