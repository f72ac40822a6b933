"""Backend discovery: order, override, distinct errors, and the CUDA build where nvcc exists."""

from __future__ import annotations

import importlib
import logging
import shutil

import numpy as np
import pytest
from orthoplan import kernels as K
from orthoplan.kernels import backends


def test_reference_and_cpu_are_always_available():
    status = K.available_backends()
    assert status["numpy"] == "available" and status["cpu"] == "available"
    assert list(status) == list(K.ORDER)


def test_environment_override(monkeypatch):
    monkeypatch.setenv("ORTHOPLAN_BACKEND", "numpy")
    assert K.get_backend().name == "numpy"
    monkeypatch.setenv("ORTHOPLAN_BACKEND", "tpu")
    with pytest.raises(ValueError, match="ORTHOPLAN_BACKEND: unknown backend 'tpu'"):
        K.get_backend()
    with pytest.raises(ValueError, match="backend: unknown backend 'tpu'"):
        K.get_backend("tpu")


def test_auto_choice_is_logged(monkeypatch, caplog):
    monkeypatch.delenv("ORTHOPLAN_BACKEND", raising=False)
    backends._auto.cache_clear()
    with caplog.at_level(logging.INFO, logger="orthoplan.kernels"):
        chosen = K.get_backend()
    assert f"using the {chosen.name} backend" in caplog.text
    assert chosen.name == next(n for n, s in K.available_backends().items() if s == "available")


def test_gpu_errors_are_distinct():
    status = K.available_backends()
    for name, error in (("cuda", (K.BuiltWithoutCudaError, K.NoCudaDeviceError)),
                        ("cupy", (K.CupyNotInstalledError, K.NoCudaDeviceError))):
        if status[name] == "available":
            continue
        with pytest.raises(error) as info:
            K.get_backend(name)
        assert isinstance(info.value, K.BackendUnavailableError)
        assert str(info.value) == status[name]


@pytest.mark.skipif(shutil.which("nvcc") is None, reason="no nvcc here: the CUDA extension is not built")
def test_cuda_extension_is_compiled_where_nvcc_exists():
    ext = importlib.import_module("orthoplan.kernels._cuda")
    count, why = ext.device_count()
    assert count > 0 or why  # without a device it says why, never crashes


def test_kernel_sources_ship_for_nvrtc():
    from orthoplan.kernels._gpu import kernel_source_dirs

    include, kernels = kernel_source_dirs()
    assert (include / "orthoplan" / "clearance" / "clearance_impl.h").is_file()
    assert "ortho_clearance(" in (kernels / "orthoplan_kernels.cu").read_text()


def test_cupy_results_come_back_as_cupy_arrays():
    if K.available_backends()["cupy"] != "available":
        pytest.skip(f"cupy backend unavailable: {K.available_backends()['cupy']}")
    import cupy

    from tests.kernels.conftest import open_blob

    m = open_blob(np.random.default_rng(0))
    poses = cupy.asarray(np.tile(np.eye(4), (1, 1, 2, 1, 1)))
    res = K.clearance(K.prepare_case([m, m]), poses, [[0, 1]], backend="cpu")
    assert isinstance(res.clearance, cupy.ndarray)
