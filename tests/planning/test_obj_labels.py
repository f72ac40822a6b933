"""The OBJ + JSON per-vertex FDI label format of public tooth-segmentation datasets: read back to the
same teeth and frames as the other formats, and bad files named with their problem."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from orthoplan.planning import procedural
from orthoplan.planning import scans as S

from tests.scans import require_data

trimesh = pytest.importorskip("trimesh")


def _write(tmp_path, vertices, faces, labels, jaw="upper", name="arch"):
    obj, lab = tmp_path / f"{name}.obj", tmp_path / f"{name}.json"
    trimesh.Trimesh(vertices, faces, process=False).export(obj)
    lab.write_text(json.dumps({"jaw": jaw, "id_patient": "x", "labels": [int(v) for v in labels]}))
    return obj, lab


def _joined(arch: S.Arch, extra: dict[int, S.Mesh] | None = None):
    parts = [(f, t.mesh) for f, t in arch.teeth.items()] + list((extra or {}).items())
    verts, faces, labels, off = [], [], [], 0
    for f, m in parts:
        verts.append(m.vertices)
        faces.append(m.faces + off)
        labels += [f] * len(m.vertices)
        off += len(m.vertices)
    return np.concatenate(verts), np.concatenate(faces), labels


def test_a_procedural_arch_round_trips_through_obj_and_json(tmp_path):
    upper = procedural.sample_case(7)[0]["upper"]
    wisdom = S.Mesh(upper.teeth[17].mesh.vertices - [0, 9.0, 0], upper.teeth[17].mesh.faces)
    obj, lab = _write(tmp_path, *_joined(upper, {18: wisdom}))
    back = S.arch_from_obj_labels(obj, lab, "upper")
    assert back.order() == upper.order()
    for f, t in upper.teeth.items():
        assert np.allclose(back.teeth[f].frame, t.frame, atol=1e-4), f
    assert back.gingiva is not None  # the third molar went with it
    assert any("third molars [18]" in n for n in back.notes)


def test_a_real_arch_reads_the_same_as_its_labelled_vtp(tmp_path):
    path = require_data() / "arches" / "P2" / "p2_lower.vtp"
    vtp = S.arch_from_labelled(path, "lower")
    mesh, face = S.read_labelled_vtp(path)
    # per-face labels to per-vertex FDI numbers, as the datasets give them (a shared vertex takes
    # the tooth, not the gum)
    fdi = {0: 0}
    for f, t in vtp.teeth.items():
        k = next(lab for lab in range(1, 15) if np.allclose(S._split(mesh, face, lab).area_centroid(),
                                                            t.mesh.area_centroid()))
        fdi[k] = f
    per_vertex = np.zeros(len(mesh.vertices), dtype=np.int64)
    for k in range(15):
        per_vertex[np.unique(mesh.faces[face == k])] = fdi[k] if k else per_vertex[np.unique(mesh.faces[face == k])]
    obj, lab = _write(tmp_path, mesh.vertices, mesh.faces, per_vertex, jaw="lower")
    back = S.arch_from_obj_labels(obj, lab, "lower")
    assert sorted(back.teeth) == sorted(vtp.teeth)
    for f, t in vtp.teeth.items():
        assert np.linalg.norm(back.teeth[f].frame[:3, 3] - t.frame[:3, 3]) < 0.3, f
        assert back.teeth[f].frame[:3, 0] @ t.frame[:3, 0] > 0.99, f


def test_bad_obj_label_files_are_named_with_their_problem(tmp_path):
    upper = procedural.sample_case(7)[0]["upper"]
    verts, faces, labels = _joined(upper)
    obj, lab = _write(tmp_path, verts, faces, labels)
    cases = {
        "short": ({"jaw": "upper", "labels": labels[:-5]}, f"{len(labels) - 5} labels for the {len(labels)} vertices"),
        "jaw": ({"jaw": "lower", "labels": labels}, "labels the 'lower' jaw"),
        "other": ({"labels": [31 if v == 11 else v for v in labels]}, "labels [31] are not teeth of the upper"),
        "float": ({"labels": [0.5] * len(labels)}, "must be whole numbers"),
        "shape": ({"instances": []}, '"labels": one FDI number per vertex'),
    }
    for name, (doc, message) in cases.items():
        bad = tmp_path / f"{name}.json"
        bad.write_text(json.dumps(doc))
        with pytest.raises(S.ScanError, match=re.escape(message)) as e:
            S.arch_from_obj_labels(obj, bad, "upper")
        assert str(bad) in str(e.value)
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(S.ScanError, match="not a JSON label file"):
        S.arch_from_obj_labels(obj, tmp_path / "broken.json", "upper")
    with pytest.raises(S.ScanError, match="no such file"):
        S.arch_from_obj_labels(obj, tmp_path / "absent.json", "upper")
    (tmp_path / "junk.obj").write_text("this is not a mesh\n")
    with pytest.raises(S.ScanError, match="junk.obj"):
        S.arch_from_obj_labels(tmp_path / "junk.obj", lab, "upper")


def test_a_folder_of_ascii_and_binary_stl_teeth_reads_the_same(tmp_path):
    upper = procedural.sample_case(7)[0]["upper"]
    for i, (f, t) in enumerate(sorted(upper.teeth.items())):
        mesh = trimesh.Trimesh(t.mesh.vertices, t.mesh.faces, process=False)
        data = trimesh.exchange.stl.export_stl_ascii(mesh) if i % 2 else trimesh.exchange.stl.export_stl(mesh)
        (tmp_path / f"tooth_{f}.stl").write_bytes(data.encode() if isinstance(data, str) else data)
    assert (tmp_path / "tooth_11.stl").read_bytes()[:5] != b"solid"  # binary
    assert (tmp_path / "tooth_12.stl").read_bytes()[:5] == b"solid"  # ASCII
    back = S.arch_from_folder(tmp_path, "upper")
    for f, t in upper.teeth.items():
        assert np.allclose(back.teeth[f].frame, t.frame, atol=1e-4), f
