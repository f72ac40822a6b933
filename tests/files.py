"""Files for record and artifact tests: small valid images made here, real scans read in place."""

from __future__ import annotations

import os
import struct
import zlib

from tests.scans import require_data


def png(width: int = 2, height: int = 2, noise: int = 0) -> bytes:
    """A valid PNG (grey, 8 bit); `noise` extra random bytes in the image data make it bigger."""
    rows = b"".join(b"\x00" + bytes([(x * 40) % 256 for x in range(width)]) for _ in range(height))
    rows += os.urandom(noise)

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def tooth_stl() -> bytes:
    """A real crown at scanner resolution: binary STL, about 400 KB."""
    return (require_data() / "per-tooth" / "S1" / "upper" / "tooth_11.stl").read_bytes()


def arch_vtp() -> bytes:
    """A real labelled arch: VTK XML PolyData."""
    return (require_data() / "arches" / "P1" / "p1_upper.vtp").read_bytes()


def small_stl(triangles: int = 4, seed: int = 0) -> bytes:
    """A valid binary STL made here (a fan of triangles); `seed` makes the content differ."""
    body = b"".join(struct.pack("<12fH", 0, 0, 1, 0, 0, seed, 1 + i, 0, seed, 0, 1 + i, seed, 0)
                    for i in range(triangles))
    return b"orthoplan test solid".ljust(80, b" ") + struct.pack("<I", triangles) + body


def ascii_ply() -> bytes:
    """A valid ASCII PLY triangle: a scan format, but not STL."""
    return (b"ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
            b"element face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n")


def procedural_vtp(jaw: str, seed: int = 7, points: int = 16, label: str = "Label") -> bytes:
    """The procedural arch (planning.procedural) as a labelled scan; made here, no data needed."""
    from orthoplan.planning import procedural

    return labelled_vtp(procedural.sample_case(seed, points)[0][jaw], label)


def labelled_vtp(arch, label: str = "Label") -> bytes:
    """An arch's crowns as one labelled scan: VTK XML PolyData with a per-face `label` array, 1-14
    along the arch from the patient's right second molar (as the real arch scans are)."""
    import tempfile
    from pathlib import Path

    import numpy as np
    import vtk
    from vtk.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray

    verts, faces, labels, off = [], [], [], 0
    for k, f in enumerate(arch.order(), start=1):
        mesh = arch.teeth[f].mesh
        verts.append(mesh.vertices)
        faces.append(mesh.faces + off)
        labels += [k] * len(mesh.faces)
        off += len(mesh.vertices)
    v, fc = np.concatenate(verts), np.concatenate(faces)
    poly = vtk.vtkPolyData()
    pts = vtk.vtkPoints()
    pts.SetData(numpy_to_vtk(v.astype(np.float32), deep=True))
    poly.SetPoints(pts)
    cells = vtk.vtkCellArray()
    cells.SetData(numpy_to_vtkIdTypeArray(np.arange(0, 3 * len(fc) + 1, 3), deep=True),
                  numpy_to_vtkIdTypeArray(fc.reshape(-1).astype(np.int64), deep=True))
    poly.SetPolys(cells)
    lab = numpy_to_vtk(np.array(labels, dtype=np.int32), deep=True)
    lab.SetName(label)
    poly.GetCellData().AddArray(lab)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "arch.vtp"
        writer = vtk.vtkXMLPolyDataWriter()
        writer.SetFileName(str(path))
        writer.SetInputData(poly)
        writer.Write()
        return path.read_bytes()
