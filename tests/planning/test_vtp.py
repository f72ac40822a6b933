"""The .vtp reader (no VTK needed at run time) against VTK's own reader and writer."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from orthoplan.planning.scans import ScanError, read_labelled_vtp
from orthoplan.planning.vtp import VtpError, read_vtp

from tests.scans import PATIENTS, require_data


def _vtk_arrays(vtk, path):
    from vtk.util.numpy_support import vtk_to_numpy

    reader = vtk.vtkXMLPolyDataReader()
    reader.SetFileName(str(path))
    reader.Update()
    poly = reader.GetOutput()
    return (vtk_to_numpy(poly.GetPoints().GetData()).astype(np.float64),
            vtk_to_numpy(poly.GetPolys().GetConnectivityArray()),
            vtk_to_numpy(poly.GetPolys().GetOffsetsArray())[1:],  # VTK keeps a leading 0
            vtk_to_numpy(poly.GetCellData().GetArray("Label")))


def _same(vtk, path):
    points, conn, offsets, cells = read_vtp(path)
    want = _vtk_arrays(vtk, path)
    for got, exp in zip((points, conn, offsets, cells["Label"]), want, strict=True):
        np.testing.assert_array_equal(got, exp)


def test_every_real_arch_reads_as_vtk_reads_it():
    vtk = pytest.importorskip("vtk", reason="the vtk wheel (extra 'test') is the reference reader")
    data = require_data()
    for patient, jaw in itertools.product(PATIENTS, ("upper", "lower")):
        _same(vtk, data / "arches" / patient / f"{patient.lower()}_{jaw}.vtp")


@pytest.mark.parametrize("mode,encode,zlib,header", list(itertools.product(
    ("Ascii", "Binary", "Appended"), (False, True), (False, True), ("UInt32", "UInt64"))))
def test_every_layout_vtk_writes(tmp_path, mode, encode, zlib, header):
    vtk = pytest.importorskip("vtk", reason="the vtk wheel (extra 'test') writes the layouts")
    src = require_data() / "arches" / "P2" / "p2_lower.vtp"
    reader = vtk.vtkXMLPolyDataReader()
    reader.SetFileName(str(src))
    reader.Update()
    writer = vtk.vtkXMLPolyDataWriter()
    writer.SetInputData(reader.GetOutput())
    writer.SetFileName(str(tmp_path / "x.vtp"))
    getattr(writer, f"SetDataModeTo{mode}")()
    writer.SetEncodeAppendedData(encode)
    if zlib:
        writer.SetCompressorTypeToZLib()
        writer.SetBlockSize(4096)  # several blocks per array
    else:
        writer.SetCompressorTypeToNone()
    getattr(writer, f"SetHeaderTypeTo{header}")()
    assert writer.Write() == 1
    _same(vtk, tmp_path / "x.vtp")


def test_damaged_files_are_refused_by_name(tmp_path):
    """Truncated, overwritten and padded copies of a real arch: a ScanError, never another exception."""
    blob = (require_data() / "arches" / "P2" / "p2_lower.vtp").read_bytes()
    rng = random.Random(7)
    path = tmp_path / "x.vtp"
    refused = 0
    for _ in range(150):
        b = bytearray(blob)
        kind = rng.randrange(3)
        if kind == 0:
            b = b[: rng.randrange(len(b))]
        elif kind == 1:
            for _ in range(rng.randrange(1, 20)):
                b[rng.randrange(len(b))] = rng.randrange(256)
        else:
            at = rng.randrange(len(b))
            b[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 50)))
        path.write_bytes(bytes(b))
        try:
            mesh, labels = read_labelled_vtp(path)
        except ScanError as e:
            assert str(path) in str(e)
            refused += 1
        else:  # a change the format cannot notice (a coordinate digit, say): still a whole arch
            assert len(labels) == len(mesh.faces)
    assert refused > 100


@pytest.mark.parametrize("text,match", [
    (b"not xml", "well-formed"),
    (b'<VTKFile type="UnstructuredGrid"></VTKFile>', "not a VTK XML PolyData"),
    (b'<VTKFile type="PolyData" compressor="vtkLZ4DataCompressor"><PolyData><Piece/></PolyData></VTKFile>', "LZ4"),
    (b'<VTKFile type="PolyData"><PolyData><Piece/><Piece/></PolyData></VTKFile>', "2 pieces"),
    (b'<VTKFile type="PolyData"><PolyData><Piece/></PolyData></VTKFile>', "no points"),
    (b'<VTKFile type="PolyData"><PolyData><Piece><Points><DataArray type="Float32" NumberOfComponents="3">'
     b"1 2 3 4</DataArray></Points></Piece></PolyData></VTKFile>", "whole 3-tuples"),
    (b'<VTKFile type="PolyData"><PolyData><Piece><Points><DataArray type="Bit">1</DataArray></Points>'
     b"</Piece></PolyData></VTKFile>", "type 'Bit'"),
])
def test_unsupported_or_malformed_content(tmp_path, text, match):
    (tmp_path / "x.vtp").write_bytes(text)
    with pytest.raises(VtpError, match=match):
        read_vtp(tmp_path / "x.vtp")
