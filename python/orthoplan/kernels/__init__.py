"""Staging and clearance kernels behind one API over four backends (see docs/kernels.md).

Backends, best first: "cuda" (nvcc-built extension), "cupy" (same kernel sources via NVRTC),
"cpu" (C++ extension, multi-threaded), "numpy" (reference oracle). Choose with the `backend`
argument or $ORTHOPLAN_BACKEND; otherwise the first available one is used and logged.
"""

from .backends import (
    ORDER,
    BackendUnavailableError,
    BuiltWithoutCudaError,
    CupyNotInstalledError,
    NoCudaDeviceError,
    available_backends,
    get_backend,
)
from .batch import clearance_many, merge_cases
from .batcher import ClearanceBatcher, batches_pay, clearance_pooled
from .clearance import DEFAULT_MAX_DISTANCE, ClearanceResult, clearance
from .prepared import PreparedCase, prepare_case
from .staging import LIMIT_COLUMNS, StagingResult, stage

__all__ = [
    "DEFAULT_MAX_DISTANCE", "LIMIT_COLUMNS", "ORDER", "BackendUnavailableError", "BuiltWithoutCudaError",
    "ClearanceBatcher", "ClearanceResult", "CupyNotInstalledError", "NoCudaDeviceError", "PreparedCase",
    "StagingResult", "available_backends", "batches_pay", "clearance", "clearance_many", "clearance_pooled",
    "get_backend", "merge_cases", "prepare_case", "stage",
]
