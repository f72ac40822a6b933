"""Teeth from the real scans: numbering from the geometry (checked against the FDI numbers in the
per-tooth files' names), right-handed frames consistent along the arch, neighbour and opposing
pairs; and precise errors for bad files."""

from __future__ import annotations

import numpy as np
import pytest
from orthoplan.planning import scans as S

from tests.scans import PATIENTS, require_data

UPPER = [17, 16, 15, 14, 13, 12, 11, 21, 22, 23, 24, 25, 26, 27]
LOWER = [47, 46, 45, 44, 43, 42, 41, 31, 32, 33, 34, 35, 36, 37]


def _arches(patient: str) -> tuple[S.Arch, S.Arch]:
    data = require_data() / "arches" / patient
    return (S.arch_from_labelled(data / f"{patient.lower()}_upper.vtp", "upper"),
            S.arch_from_labelled(data / f"{patient.lower()}_lower.vtp", "lower"))


def _check_frames(arch: S.Arch) -> None:
    cents = {f: t.frame[:3, 3] for f, t in arch.teeth.items()}
    right, left = S.QUADRANTS[arch.jaw]
    midline = (cents[right * 10 + 1] + cents[left * 10 + 1]) / 2
    for f, t in arch.teeth.items():
        r = t.frame[:3, :3]
        assert np.allclose(r.T @ r, np.eye(3), atol=1e-9) and np.isclose(np.linalg.det(r), 1.0)  # right-handed
        assert np.allclose(r[:, 2], arch.occlusal)
        if f % 10 != 1:
            assert np.dot(r[:, 0], midline - cents[f]) > 0, f"{f}: x is not mesial"
    # neighbours sit roughly along each other's mesial-distal axis (within 60 degrees: the arch bends
    # most at the canines), not across it
    for a, b in S.neighbour_pairs(arch):
        d = cents[b] - cents[a]
        assert abs(np.dot(arch.teeth[a].frame[:3, 0], d)) > 0.5 * np.linalg.norm(d), (a, b)


@pytest.mark.parametrize("patient", PATIENTS)
def test_labelled_arches(patient):
    upper, lower = _arches(patient)
    assert upper.order() == UPPER and lower.order() == LOWER
    assert np.dot(upper.occlusal, lower.occlusal) < -0.95  # the two arches face each other
    for arch in (upper, lower):
        _check_frames(arch)
        assert arch.gingiva is not None and len(arch.gingiva.faces) > 1000
        assert S.neighbour_pairs(arch) == list(zip(arch.order(), arch.order()[1:], strict=False))
    opposing = S.opposing_pairs(upper, lower)
    assert {u for u, _ in opposing} == set(UPPER) and {lo for _, lo in opposing} == set(LOWER)
    assert (11, 41) in opposing and (21, 31) in opposing and (16, 46) in opposing and (26, 36) in opposing


@pytest.mark.parametrize("jaw", ["upper", "lower"])
def test_the_side_rule_recovers_the_fdi_numbers_of_named_teeth(jaw):
    """S1's files are named by FDI number. Hide the names, order the crowns along the arch from
    either end, and the geometry must give the names back."""
    arch = S.arch_from_folder(require_data() / "per-tooth" / "S1" / jaw, jaw)
    order = arch.order()
    assert order == (UPPER if jaw == "upper" else LOWER)
    for direction in (order, order[::-1]):
        crowns = {i + 1: arch.teeth[f].mesh for i, f in enumerate(direction)}
        fdi = S._fdi_from_geometry(jaw, crowns, arch.occlusal, "S1")
        assert [fdi[k] for k in range(1, 15)] == direction
    _check_frames(arch)
    assert all(len(t.mesh.vertices) > 3000 for t in arch.teeth.values())  # full resolution, merged


def test_bad_files_name_themselves(tmp_path):
    trimesh = pytest.importorskip("trimesh")
    data = require_data()
    with pytest.raises(S.ScanError, match="no such file"):
        S.arch_from_labelled(tmp_path / "nope.vtp", "upper")
    (tmp_path / "junk.vtp").write_text("not xml at all")
    with pytest.raises(S.ScanError, match="junk.vtp"):
        S.arch_from_labelled(tmp_path / "junk.vtp", "upper")
    with pytest.raises(ValueError, match="jaw"):
        S.arch_from_labelled(data / "arches" / "P1" / "p1_upper.vtp", "middle")
    # a folder in metres, a tooth of the other jaw, a file that is no mesh
    src = data / "per-tooth" / "S1" / "upper"
    metres = tmp_path / "metres"
    metres.mkdir()
    for fdi in (11, 21, 12):
        m = trimesh.load_mesh(src / f"tooth_{fdi}.stl")
        m.apply_scale(0.001)
        m.export(metres / f"tooth_{fdi}.stl")
    with pytest.raises(S.ScanError, match="expected millimetres"):
        S.arch_from_folder(metres, "upper")
    (metres / "tooth_31.stl").write_bytes((src / "tooth_11.stl").read_bytes())
    with pytest.raises(S.ScanError, match="tooth_31.stl: tooth 31 is not a tooth of the upper arch"):
        S.arch_from_folder(metres, "upper")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "tooth_11.stl").write_bytes(b"solid x\n garbage \n")
    (broken / "tooth_21.stl").write_bytes((src / "tooth_21.stl").read_bytes())
    with pytest.raises(S.ScanError, match="tooth_11.stl"):
        S.arch_from_folder(broken, "upper")
    with pytest.raises(S.ScanError, match="fewer than two"):
        S.arch_from_folder(tmp_path, "upper")


def test_an_arch_missing_a_label_or_unlabelled_is_refused(tmp_path):
    vtk = pytest.importorskip("vtk")
    from vtk.util.numpy_support import numpy_to_vtk, vtk_to_numpy

    src = require_data() / "arches" / "P2" / "p2_lower.vtp"
    reader = vtk.vtkXMLPolyDataReader()
    reader.SetFileName(str(src))
    reader.Update()
    poly = reader.GetOutput()
    labels = vtk_to_numpy(poly.GetCellData().GetArray("Label")).copy()
    labels[labels == 5] = 0
    arr = numpy_to_vtk(labels)
    arr.SetName("Label")
    poly.GetCellData().AddArray(arr)
    writer = vtk.vtkXMLPolyDataWriter()
    writer.SetFileName(str(tmp_path / "gap.vtp"))
    writer.SetInputData(poly)
    writer.Write()
    with pytest.raises(S.ScanError, match=r"gap.vtp: teeth with labels \[5\] are missing"):
        S.arch_from_labelled(tmp_path / "gap.vtp", "lower")
    poly.GetCellData().RemoveArray("Label")
    writer.SetFileName(str(tmp_path / "bare.vtp"))
    writer.Write()
    with pytest.raises(S.ScanError, match="bare.vtp: no per-face 'Label' array"):
        S.arch_from_labelled(tmp_path / "bare.vtp", "lower")
