"""The artifact store and content typing: formats by their bytes, bounded memory, atomic commits,
garbage collection."""

from __future__ import annotations

import hashlib
import os
import struct
import time
import tracemalloc
from pathlib import Path

import pytest
from orthoplan.adapters.artifacts import LocalArtifactStore
from orthoplan.adapters.content_types import HEAD_BYTES, detect
from orthoplan.domain.errors import DataLoss

from tests.files import arch_vtp, png, tooth_stl


def sniff(data: bytes) -> str:
    return detect(data[:HEAD_BYTES], len(data))


def binary_stl(n: int, header: bytes = b"binary") -> bytes:
    tri = struct.pack("<12fH", *([0.0] * 12), 0)
    return header.ljust(80, b" ") + struct.pack("<I", n) + tri * n


def test_mesh_and_image_formats_are_recognised_by_their_bytes():
    assert sniff(tooth_stl()) == "model/stl"
    assert sniff(arch_vtp()) == "model/vnd.vtk-polydata"
    assert sniff(binary_stl(3)) == "model/stl"
    # a binary STL whose header starts with "solid" is still binary (the size decides)
    assert sniff(binary_stl(3, b"solid exported by a scanner")) == "model/stl"
    assert sniff(b"solid t\n facet normal 0 0 1\n  outer loop\n   vertex 0 0 0\n") == "model/stl"
    assert sniff(b"ply\nformat binary_little_endian 1.0\nelement vertex 3\n") == "model/x-ply"
    assert sniff(b"# exported\nmtllib a.mtl\no tooth\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n") == "model/obj"
    assert sniff(b"# vtk DataFile Version 3.0\nscan\nASCII\n") == "model/vnd.vtk-legacy"
    assert sniff(png()) == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100)) == "image/jpeg"
    assert sniff(bytes(128) + b"DICM" + bytes(100)) == "application/dicom"


@pytest.mark.parametrize("data", [
    b"", b"hello world\n", os.urandom(4096), binary_stl(3)[:-1],  # a truncated binary STL
    b"GIF89a" + bytes(100),  # an image type no record accepts
    b"%PDF-1.7\n" + bytes(100),
    b'<?xml version="1.0"?>\n<VTKFile type="UnstructuredGrid">',
    b"solid but no facets here\n", b"ply\nno format line", b"v 1 2 3\nthis is prose, not obj\n",
])
def test_anything_else_is_unrecognised(data):
    assert sniff(data) == ""


def test_receive_streams_with_bounded_memory_and_commits_atomically(tmp_path):
    store = LocalArtifactStore(tmp_path)
    block = os.urandom(1 << 20)
    expected = hashlib.sha256()
    for _ in range(48):
        expected.update(block)
    tracemalloc.start()
    staged = store.receive(block for _ in range(48))  # 48 MiB
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 4 << 20, f"peak {peak} bytes while receiving 48 MiB"
    assert (staged.info.sha256, staged.info.size) == (expected.hexdigest(), 48 << 20)
    assert not store.exists(staged.info.sha256)  # not visible until committed
    staged.commit()
    path = store.path_of(staged.info.sha256)
    assert path.is_file() and not os.access(path, os.W_OK) or os.geteuid() == 0
    assert list((tmp_path / "incoming").iterdir()) == []
    h = hashlib.sha256()
    for chunk in store.read(staged.info.sha256):
        h.update(chunk)
    assert h.hexdigest() == expected.hexdigest()


def test_a_failing_stream_leaves_nothing_and_equal_content_is_kept_once(tmp_path):
    store = LocalArtifactStore(tmp_path)

    def broken():
        yield b"abc"
        raise ConnectionError("client went away")
    with pytest.raises(ConnectionError):
        store.receive(broken())
    assert list((tmp_path / "incoming").iterdir()) == []
    a, b = store.receive([b"same"]), store.receive([b"same"])
    a.commit()
    b.commit()
    b.discard()  # after commit: nothing to do
    assert len(list((tmp_path / "objects").glob("*/*"))) == 1


def test_reads_detect_missing_and_altered_objects(tmp_path):
    store = LocalArtifactStore(tmp_path)
    s = store.receive([b"content"])
    s.commit()
    path = store.path_of(s.info.sha256)
    os.chmod(path, 0o644)
    path.write_bytes(b"CONTENT")
    with pytest.raises(DataLoss, match="corrupted"):
        b"".join(store.read(s.info.sha256))
    with pytest.raises(DataLoss, match="missing"):
        b"".join(store.read("0" * 64))


def test_garbage_collection_spares_referenced_and_recent_objects(tmp_path):
    store = LocalArtifactStore(tmp_path)
    keep, drop, recent = (store.receive([x]) for x in (b"keep", b"drop", b"recent"))
    for s in (keep, drop, recent):
        s.commit()
    abandoned = store.receive([b"upload cut off"])  # never committed nor discarded
    old = time.time() - 7200
    for p in (store.path_of(keep.info.sha256), store.path_of(drop.info.sha256), *Path(tmp_path / "incoming").iterdir()):
        os.utime(p, (old, old))
    removed = store.collect_garbage(lambda sha: sha == keep.info.sha256, older_than_s=3600)
    assert removed == [drop.info.sha256]
    assert store.exists(keep.info.sha256) and store.exists(recent.info.sha256)
    assert list((tmp_path / "incoming").iterdir()) == []
    abandoned.discard()
