"""Content type from a file's bytes, never its name: images by their signatures (the filetype
library), mesh formats by their headers (no library sniffs those without parsing the whole file).

`detect(head, size)` sees the first HEAD_BYTES bytes and the total size; "" means unrecognised.
"""

from __future__ import annotations

import re
import struct

import filetype

HEAD_BYTES = 4096
_IMAGE_TYPES = {"image/jpeg", "image/png", "application/dicom"}
_OBJ_LINE = re.compile(rb"^(v|vn|vt|vp|f|l|o|g|s|mtllib|usemtl)\s")


def detect(head: bytes, size: int) -> str:
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime if kind.mime in _IMAGE_TYPES else ""
    return _mesh(head, size)


def _mesh(head: bytes, size: int) -> str:
    if head.startswith((b"ply\n", b"ply\r\n")) and b"\nformat " in head:
        return "model/x-ply"
    if head.startswith(b"# vtk DataFile Version"):
        return "model/vnd.vtk-legacy"
    if head.lstrip().startswith(b"<?xml") or head.lstrip().startswith(b"<VTKFile"):
        return "model/vnd.vtk-polydata" if re.search(rb'<VTKFile[^>]*type="PolyData"', head) else ""
    if size >= 84 and size == 84 + 50 * struct.unpack_from("<I", head, 80)[0]:
        return "model/stl"  # binary STL: an 80-byte header, a count, 50 bytes per triangle
    if not _is_text(head):
        return ""
    if re.match(rb"\s*solid\b", head) and re.search(rb"\bfacet\s+normal\s", head):
        return "model/stl"  # ASCII STL
    lines = head.splitlines()
    if size > len(head):
        lines = lines[:-1]  # the head may end inside a line
    meaningful = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith(b"#")]
    if meaningful and all(_OBJ_LINE.match(ln) for ln in meaningful) and any(ln.startswith(b"v ") for ln in meaningful):
        return "model/obj"
    return ""


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:  # a multi-byte character cut at the end of the head is fine
        if err.start < len(head) - 3:
            return False
    return b"\x00" not in head
