"""The CuPy backend's kernel source, compiled by NVRTC as CuPy compiles it, without a GPU.

NVRTC needs no device: it turns the shipped source into a cubin for a named architecture. The
CuPy backend itself only runs where there is a GPU, so without this test a header that NVRTC
rejects (it refuses host function declarations in JIT mode, for one) would go unnoticed until a
GPU session. The library comes from the nvidia-cuda-nvrtc wheel in the test extra, or a CUDA
toolkit that has it.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
from pathlib import Path

import pytest
from orthoplan.kernels._gpu import nvrtc_program

# sm_90: the H100/H200 GPU machines the GPU figures come from.
ARCH = "sm_90"


def _nvrtc_library() -> Path | None:
    dirs = []
    spec = importlib.util.find_spec("nvidia")
    if spec is not None and spec.submodule_search_locations:
        for root in spec.submodule_search_locations:
            dirs += sorted(Path(root).glob("cu*/lib")) + sorted(Path(root).glob("cuda_nvrtc/lib"))
    for home in (os.environ.get("CUDA_PATH"), "/usr/local/cuda"):
        if home:
            dirs.append(Path(home) / "lib64")
    for d in dirs:
        found = sorted(d.glob("libnvrtc.so*"))
        if found:
            return found[-1]
    return None


def _load_nvrtc() -> ctypes.CDLL:
    lib = _nvrtc_library()
    if lib is None:
        pytest.skip("no NVRTC library here (install the test extra's nvidia-cuda-nvrtc, or a CUDA toolkit with it)")
    # Older wheels do not find their builtins library by themselves: load it first, globally.
    for builtins in sorted(lib.parent.glob("libnvrtc-builtins.so*")):
        ctypes.CDLL(str(builtins), mode=ctypes.RTLD_GLOBAL)
    return ctypes.CDLL(str(lib))


def _compile(nvrtc: ctypes.CDLL, code: str, options: tuple[str, ...]) -> tuple[int, str, bytes]:
    """(result code, log, cubin): NVRTC_SUCCESS is 0."""
    prog = ctypes.c_void_p()
    assert nvrtc.nvrtcCreateProgram(ctypes.byref(prog), code.encode(), b"orthoplan_kernels.cu", 0, None, None) == 0
    try:
        opts = (ctypes.c_char_p * len(options))(*(o.encode() for o in options))
        rc = nvrtc.nvrtcCompileProgram(prog, len(options), opts)
        size = ctypes.c_size_t()
        nvrtc.nvrtcGetProgramLogSize(prog, ctypes.byref(size))
        log = ctypes.create_string_buffer(size.value)
        nvrtc.nvrtcGetProgramLog(prog, log)
        cubin = b""
        if rc == 0:
            nvrtc.nvrtcGetCUBINSize(prog, ctypes.byref(size))
            buf = ctypes.create_string_buffer(size.value)
            assert nvrtc.nvrtcGetCUBIN(prog, buf) == 0
            cubin = buf.raw
        return rc, log.value.decode(errors="replace"), cubin
    finally:
        nvrtc.nvrtcDestroyProgram(ctypes.byref(prog))


def test_nvrtc_compiles_every_entry_point_of_the_shipped_source():
    nvrtc = _load_nvrtc()
    code, options = nvrtc_program()
    rc, log, cubin = _compile(nvrtc, code, (*options, f"-arch={ARCH}"))
    assert rc == 0, f"NVRTC rejects the CuPy backend's source:\n{log}"
    entries = re.findall(r'extern "C" __global__ void (?:ORTHO_\w+ )?(\w+)\(', code)
    assert len(entries) == 4
    for name in entries:  # extern "C": the cubin's symbol table holds the plain names CuPy looks up
        assert name.encode() + b"\0" in cubin, name


def test_nvrtc_reports_a_broken_source_rather_than_crashing():
    # the harness itself must tell a failed compile from a passed one
    nvrtc = _load_nvrtc()
    code, options = nvrtc_program()
    rc, log, _ = _compile(nvrtc, code + "\n__device__ int not_a_value = ;\n", (*options, f"-arch={ARCH}"))
    assert rc != 0 and "error" in log


def test_the_occupancy_cap_holds_the_clearance_kernels_to_128_registers():
    # ORTHO_CLEARANCE_MIN_BLOCKS=4 (four blocks of 128 an SM) is the variant the GPU benchmark weighs
    nvrtc = _load_nvrtc()
    code, options = nvrtc_program(("ORTHO_CLEARANCE_MIN_BLOCKS=4",))
    rc, log, _ = _compile(nvrtc, code, (*options, f"-arch={ARCH}", "-Xptxas=-v"))
    assert rc == 0, log
    used = dict(re.findall(r"entry function '(\w+)'.*?Used (\d+) registers", log, flags=re.S))
    assert set(used) >= {"ortho_clearance", "ortho_clearance_tasks"}, log
    assert int(used["ortho_clearance"]) <= 128 and int(used["ortho_clearance_tasks"]) <= 128, used
