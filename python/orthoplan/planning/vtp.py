"""VTK XML PolyData (.vtp) without VTK: the arrays a labelled arch needs (points, triangles, cell data).

The VTK wheel is some 140 MB; a planning worker or a GPU machine should not need it to read an arch.
Covers what VTK writes: inline ascii/binary or appended raw/base64 data, zlib-compressed or not,
UInt32/UInt64 headers, little- or big-endian. Anything else is refused by name, not guessed at.
"""

from __future__ import annotations

import base64
import re
import zlib
from pathlib import Path
from xml.etree import ElementTree

import numpy as np

_TYPES = {"Int8": "i1", "UInt8": "u1", "Int16": "i2", "UInt16": "u2", "Int32": "i4", "UInt32": "u4",
          "Int64": "i8", "UInt64": "u8", "Float32": "f4", "Float64": "f8"}


class VtpError(ValueError):
    """The file is not VTK XML PolyData this reader understands."""


class _Payload:
    """How one file's array bytes are stored: the header word, byte order, compression, appended data."""

    def __init__(self, root: ElementTree.Element, appended: bytes | None, encoding: str) -> None:
        order = "<" if root.get("byte_order", "LittleEndian") == "LittleEndian" else ">"
        self.header = np.dtype(order + ("u8" if root.get("header_type") == "UInt64" else "u4"))
        self.order = order
        compressor = root.get("compressor")
        if compressor not in (None, "", "vtkZLibDataCompressor"):
            raise VtpError(f"compressor {compressor} is not supported (only zlib)")
        self.zlib = bool(compressor)
        self.appended, self.encoding = appended, encoding

    def _words(self, raw: bytes, n: int) -> np.ndarray:
        if len(raw) < n * self.header.itemsize:
            raise VtpError("an array's header is cut short")
        return np.frombuffer(raw[: n * self.header.itemsize], self.header).astype(np.int64)

    def _sizes(self, head: bytes) -> tuple[int, list[int]]:
        """(header bytes, [stored sizes]) of the block header at the start of `head` (decoded bytes)."""
        if not self.zlib:
            return self.header.itemsize, [int(self._words(head, 1)[0])]
        n = int(self._words(head, 3)[0])
        return (3 + n) * self.header.itemsize, [int(x) for x in self._words(head, 3 + n)[3:]]

    def _inflate(self, blocks: bytes, sizes: list[int]) -> bytes:
        if not self.zlib:
            return blocks[: sizes[0]]
        out, at = [], 0
        for size in sizes:
            try:
                out.append(zlib.decompress(blocks[at: at + size]))
            except zlib.error as e:
                raise VtpError(f"a compressed block does not inflate ({e})") from None
            at += size
        return b"".join(out)

    def _b64(self, text: bytes) -> bytes:
        try:
            return base64.b64decode(text, validate=False)
        except ValueError as e:
            raise VtpError(f"bad base64 data ({e})") from None

    def _chunked_b64(self, text: bytes) -> bytes:
        """Base64 where the header and the blocks are encoded separately (VTK's way when compressed)."""
        word = self.header.itemsize
        first = self._b64(text[: -(-word // 3) * 4])  # the first word: the block count
        nhead = (3 + int(self._words(first, 1)[0])) * word if self.zlib else word
        hchars = -(-nhead // 3) * 4
        head = self._b64(text[:hchars])
        _, sizes = self._sizes(head)
        data = self._b64(text[hchars: hchars + -(-sum(sizes) // 3) * 4])
        return self._inflate(data, sizes)

    def array_bytes(self, el: ElementTree.Element) -> bytes | str:
        fmt = el.get("format", "ascii")
        if fmt == "ascii":
            return el.text or ""
        if fmt == "binary":
            text = re.sub(rb"\s+", b"", (el.text or "").encode())
            if self.zlib:
                return self._chunked_b64(text)
            raw = self._b64(text)
            nhead, sizes = self._sizes(raw)
            return raw[nhead: nhead + sizes[0]]
        if fmt != "appended" or self.appended is None:
            raise VtpError(f"array {el.get('Name')!r}: format {fmt!r} without appended data")
        at = int(el.get("offset", "0"))
        rest = self.appended[at:]
        if self.encoding == "base64":
            return self._chunked_b64(rest) if self.zlib else self._plain_b64(rest)
        nhead, sizes = self._sizes(rest)
        return self._inflate(rest[nhead: nhead + sum(sizes)], sizes)

    def _plain_b64(self, text: bytes) -> bytes:
        head = self._b64(text[: -(-self.header.itemsize // 3) * 4])
        _, sizes = self._sizes(head)
        raw = self._b64(text[: -(-(self.header.itemsize + sizes[0]) // 3) * 4])
        return raw[self.header.itemsize: self.header.itemsize + sizes[0]]


def _array(payload: _Payload, el: ElementTree.Element) -> np.ndarray:
    kind = _TYPES.get(el.get("type", ""))
    if kind is None:
        raise VtpError(f"array {el.get('Name')!r}: type {el.get('type')!r} is not supported")
    data = payload.array_bytes(el)
    if isinstance(data, str):
        values = np.array(data.split(), dtype=kind)
    else:
        dtype = np.dtype(payload.order + kind)
        if len(data) % dtype.itemsize:
            raise VtpError(f"array {el.get('Name')!r}: {len(data)} bytes are not whole {el.get('type')} values")
        values = np.frombuffer(data, dtype).astype(kind)
    comps = int(el.get("NumberOfComponents", "1"))
    if comps < 1 or len(values) % comps:
        raise VtpError(f"array {el.get('Name')!r}: {len(values)} values are not whole {comps}-tuples")
    return values.reshape(-1, comps) if comps > 1 else values


def read_vtp(path: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """(points [N,3], polygon connectivity, polygon offsets, {cell array name: values}) of a
    single-piece .vtp file. Raises VtpError (a ValueError) naming what is wrong."""
    blob = Path(path).read_bytes()
    appended, encoding = None, "raw"
    cut = blob.find(b"<AppendedData")
    if cut >= 0:
        tag_end = blob.find(b">", cut)
        tag = blob[cut: tag_end + 1].decode("ascii", "replace")
        m = re.search(r'encoding="(\w+)"', tag)
        encoding = m.group(1) if m else "raw"
        if encoding not in ("raw", "base64"):
            raise VtpError(f"appended data encoding {encoding!r} is not supported")
        start = blob.find(b"_", tag_end)
        if start < 0:
            raise VtpError("appended data without its '_' marker")
        appended = blob[start + 1:]
        if encoding == "base64":
            end = appended.find(b"<")
            appended = re.sub(rb"\s+", b"", appended[: end if end >= 0 else len(appended)])
        blob = blob[:cut] + b"</VTKFile>"
    try:
        root = ElementTree.fromstring(blob)
    except ElementTree.ParseError as e:
        raise VtpError(f"not well-formed XML ({e})") from None
    if root.tag != "VTKFile" or root.get("type") != "PolyData":
        raise VtpError("not a VTK XML PolyData file")
    pieces = root.findall("./PolyData/Piece")
    if len(pieces) != 1:
        raise VtpError(f"{len(pieces)} pieces (one is read)")
    piece, payload = pieces[0], _Payload(root, appended, encoding)
    pts = piece.find("./Points/DataArray")
    if pts is None:
        raise VtpError("no points")
    points = _array(payload, pts).reshape(-1, 3).astype(np.float64)
    conn = piece.find("./Polys/DataArray[@Name='connectivity']")
    offs = piece.find("./Polys/DataArray[@Name='offsets']")
    if conn is None or offs is None:
        raise VtpError("no polygons")
    cells = {el.get("Name", ""): _array(payload, el) for el in piece.findall("./CellData/DataArray")}
    return points, _array(payload, conn).astype(np.int64), _array(payload, offs).astype(np.int64), cells
