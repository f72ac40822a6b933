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
