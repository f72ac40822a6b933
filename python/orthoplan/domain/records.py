"""Diagnostic records of a case (scans, photos, x-rays) and which file types each kind accepts."""

from __future__ import annotations

import enum


class RecordKind(enum.IntEnum):
    """Values match orthoplan.v1.RecordKind."""

    UPPER_SCAN = 1
    LOWER_SCAN = 2
    BITE_SCAN = 3
    PHOTO = 4
    XRAY = 5


class PhotoView(enum.IntEnum):
    """The eight-view orthodontic photo set; values match orthoplan.v1.PhotoView."""

    EXTRAORAL_FRONTAL_REST = 1
    EXTRAORAL_FRONTAL_SMILE = 2
    EXTRAORAL_PROFILE = 3
    INTRAORAL_FRONTAL = 4
    INTRAORAL_RIGHT_BUCCAL = 5
    INTRAORAL_LEFT_BUCCAL = 6
    INTRAORAL_UPPER_OCCLUSAL = 7
    INTRAORAL_LOWER_OCCLUSAL = 8


SCAN_TYPES = frozenset({"model/stl", "model/x-ply", "model/obj", "model/vnd.vtk-polydata", "model/vnd.vtk-legacy"})
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})

# kind -> content types (detected from the bytes, never from the name) it accepts
ACCEPTED_TYPES: dict[RecordKind, frozenset[str]] = {
    RecordKind.UPPER_SCAN: SCAN_TYPES,
    RecordKind.LOWER_SCAN: SCAN_TYPES,
    RecordKind.BITE_SCAN: SCAN_TYPES,
    RecordKind.PHOTO: IMAGE_TYPES,
    RecordKind.XRAY: IMAGE_TYPES | {"application/dicom"},
}


def is_scan(kind: RecordKind) -> bool:
    return kind in (RecordKind.UPPER_SCAN, RecordKind.LOWER_SCAN, RecordKind.BITE_SCAN)


# a refinement's diagnostics are stricter: scans as STL, x-rays as JPEG or PNG
REFINEMENT_TYPES: dict[RecordKind, frozenset[str]] = {
    RecordKind.UPPER_SCAN: frozenset({"model/stl"}),
    RecordKind.LOWER_SCAN: frozenset({"model/stl"}),
    RecordKind.BITE_SCAN: frozenset({"model/stl"}),
    RecordKind.PHOTO: IMAGE_TYPES,
    RecordKind.XRAY: IMAGE_TYPES,
}
XRAY_REUSE_DAYS = 183  # "less than six months old"
