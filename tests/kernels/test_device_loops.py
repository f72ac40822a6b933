"""The plain loops that nvcc and NVRTC compile, checked on the CPU.

The host build bounds a cell's eight corners and a wide BVH node's four children with SSE; the
device runs the same operations as plain loops (clearance_impl.h, closest_impl.h). Without a GPU
those loops would go untested, so this builds the CPU extension a second time with
-DORTHO_NO_HOST_SSE (the device's loops on the host) and holds it to the installed build bit for
bit: every prepared array, every clearance value and every witness.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from orthoplan.kernels import _core

from tests.kernels.conftest import open_blob
from tests.scans import DATA, arch_teeth, neighbour_pairs

ROOT = Path(__file__).resolve().parents[2]

# Loads the plain-loop build as a top-level module in its own process (a second `_core` in this
# process would silently resolve to the first), runs every case and saves the outputs.
RUNNER = textwrap.dedent("""
    import importlib.util, sys
    import numpy as np
    spec = importlib.util.spec_from_file_location("_core", sys.argv[1])
    core = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(core)
    z = np.load(sys.argv[2])
    out = {}
    for c in range(int(z["cases"])):
        arrays = core.prepare_case(z[f"{c}v"], z[f"{c}vl"], z[f"{c}f"], z[f"{c}fl"], 0.25, 0.5, 0.3, 1.5)
        out.update({f"{c}{k}": a for k, a in arrays.items()})
        for k, a in zip(("c", "wa", "wb"), core.clearance(arrays, z[f"{c}poses"], z[f"{c}pairs"], 2.0)):
            out[f"{c}out_{k}"] = a
    np.savez(sys.argv[3], **out)
""")


def _cases() -> list[tuple[list, np.ndarray, np.ndarray]]:
    """(meshes, poses [1, S, T, 4, 4] float32, pairs): blobs swept through contact, and a real
    arch (neighbours touching along their cut boundaries, where signs need the winding number)."""
    rng = np.random.default_rng(3)
    blobs = [open_blob(rng, subdivisions=3), open_blob(rng, subdivisions=3)]
    offsets = np.linspace(3.0, 4.6, 9)
    poses = np.tile(np.eye(4, dtype=np.float32), (1, len(offsets), 2, 1, 1))
    poses[0, :, 1, 0, 3] = offsets
    cases = [(blobs, poses, np.array([[0, 1]], np.int32))]
    if (DATA / "arches" / "P2").is_dir():
        teeth = list(arch_teeth("P2", "upper"))
        jitter = np.tile(np.eye(4, dtype=np.float32), (1, 6, len(teeth), 1, 1))
        jitter[..., :3, 3] += rng.normal(scale=0.1, size=(1, 6, len(teeth), 3)).astype(np.float32)
        cases.append((teeth, jitter, neighbour_pairs().astype(np.int32)))
    return cases


def test_device_loops_match_the_host_simd_build_bit_for_bit(tmp_path):
    cmake = shutil.which("cmake")
    if cmake is None:
        pytest.skip("cmake not found: the second build of the extension needs it")
    pybind11 = pytest.importorskip("pybind11", reason="pybind11 (extra 'test') builds the second extension")
    build = tmp_path / "build"
    subprocess.run([cmake, "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release", "-DORTHOPLAN_CUDA=OFF",
                    "-DCMAKE_CXX_FLAGS=-DORTHO_NO_HOST_SSE", f"-Dpybind11_DIR={pybind11.get_cmake_dir()}",
                    f"-DPython_EXECUTABLE={sys.executable}"], check=True, capture_output=True)
    subprocess.run([cmake, "--build", str(build), "--target", "_core", "--parallel"], check=True, capture_output=True)
    (plain,) = build.glob("_core*.so")

    cases = _cases()
    inputs: dict[str, np.ndarray] = {"cases": np.array(len(cases))}
    for c, (meshes, poses, pairs) in enumerate(cases):
        inputs[f"{c}v"] = np.concatenate([np.asarray(v, np.float32) for v, _ in meshes])
        inputs[f"{c}f"] = np.concatenate([np.asarray(f, np.int32) for _, f in meshes])
        inputs[f"{c}vl"] = np.array([len(v) for v, _ in meshes], np.int32)
        inputs[f"{c}fl"] = np.array([len(f) for _, f in meshes], np.int32)
        inputs[f"{c}poses"], inputs[f"{c}pairs"] = poses, pairs
    np.savez(tmp_path / "in.npz", **inputs)
    (tmp_path / "run.py").write_text(RUNNER)
    subprocess.run([sys.executable, str(tmp_path / "run.py"), str(plain), str(tmp_path / "in.npz"),
                    str(tmp_path / "out.npz")], check=True, capture_output=True)
    got = np.load(tmp_path / "out.npz")

    for c in range(len(cases)):
        arrays = _core.prepare_case(inputs[f"{c}v"], inputs[f"{c}vl"], inputs[f"{c}f"], inputs[f"{c}fl"],
                                    0.25, 0.5, 0.3, 1.5)
        for k, a in arrays.items():
            assert np.array_equal(a, got[f"{c}{k}"]), f"case {c}: prepared {k} differs"
        res = _core.clearance(arrays, inputs[f"{c}poses"], inputs[f"{c}pairs"], 2.0)
        for k, a in zip(("c", "wa", "wb"), res, strict=True):
            assert np.array_equal(a, got[f"{c}out_{k}"], equal_nan=True), f"case {c}: {k} differs"
        assert np.isfinite(res[0]).any() and (res[0] < 0).any()  # contacts and overlaps were checked
