"""Teeth from segmented scans: read a labelled arch (VTK XML PolyData with a per-face `Label`) or a
folder of per-tooth meshes named by FDI number (STL, PLY or OBJ), check them, split them into one
crown mesh per tooth (the gingiva apart), number the teeth, and give each a local frame.

Every bad input raises ScanError naming the file and the problem. The methods are documented in
docs/planning.md; in short, all of them are deterministic functions of the geometry:
- occlusal direction: crowns are open where the segmentation cut them from the gums, so each
  crown's boundary lies on its gingival side; the arch's occlusal direction points from the boundary
  centroids to the crown centroids (averaged over the teeth, normal to the fitted occlusal plane);
- patient's right: anterior (molars' midpoint -> central incisors) x superior;
- tooth frame: origin at the crown's area-weighted centroid; z occlusal; x mesial along the arch
  (tangent of a parabola fitted to the crown centroids, pointing toward the midline); y = z x x.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .vtp import VtpError, read_vtp

TEETH_PER_ARCH = 14  # second molar to second molar (third molars are not planned)
MIN_FACES = 20
QUADRANTS = {"upper": (1, 2), "lower": (4, 3)}  # (patient's right, patient's left)
_TOOTH_FILE = re.compile(r"^tooth_(\d\d)\.(stl|ply|obj)$", re.IGNORECASE)


class ScanError(ValueError):
    """A scan that cannot be used, with the file and the problem."""


@dataclass(frozen=True)
class Mesh:
    vertices: np.ndarray  # [V, 3] float64, mm
    faces: np.ndarray  # [F, 3] int64

    def area_centroid(self) -> np.ndarray:
        tri = self.vertices[self.faces]
        area = 0.5 * np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1)
        return (tri.mean(axis=1) * area[:, None]).sum(axis=0) / max(area.sum(), 1e-12)

    def boundary_vertices(self) -> np.ndarray:
        """Indices of the vertices on open edges (edges used by one face only)."""
        edges = np.sort(np.concatenate([self.faces[:, [0, 1]], self.faces[:, [1, 2]], self.faces[:, [2, 0]]]), axis=1)
        uniq, counts = np.unique(edges, axis=0, return_counts=True)
        return np.unique(uniq[counts == 1])


@dataclass(frozen=True)
class Tooth:
    fdi: int
    mesh: Mesh
    frame: np.ndarray  # [4, 4]: columns x (mesial), y, z (occlusal), origin


@dataclass
class Arch:
    jaw: str  # upper or lower
    source: str
    teeth: dict[int, Tooth]
    gingiva: Mesh | None = None
    occlusal: np.ndarray = field(default_factory=lambda: np.zeros(3))
    notes: list[str] = field(default_factory=list)  # what was noticed but is not an error

    def order(self) -> list[int]:
        """FDI numbers along the arch, from the patient's right second molar to the left one."""
        right, left = QUADRANTS[self.jaw]
        seq = [right * 10 + k for k in range(7, 0, -1)] + [left * 10 + k for k in range(1, 8)]
        return [f for f in seq if f in self.teeth]


# -- reading ---------------------------------------------------------------------------------------
def _checked(path: str, vertices: np.ndarray, faces: np.ndarray) -> Mesh:
    if vertices.ndim != 2 or vertices.shape[1] != 3 or len(vertices) == 0:
        raise ScanError(f"{path}: no vertices")
    if faces.ndim != 2 or faces.shape[1] != 3 or len(faces) == 0:
        raise ScanError(f"{path}: no triangles (only triangle meshes are read)")
    if not np.isfinite(vertices).all():
        raise ScanError(f"{path}: vertices that are not finite numbers")
    if faces.min() < 0 or faces.max() >= len(vertices):
        raise ScanError(f"{path}: triangles refer to vertices that do not exist")
    return Mesh(vertices.astype(np.float64), faces.astype(np.int64))


def read_labelled_vtp(path: str | Path) -> tuple[Mesh, np.ndarray]:
    """A VTK XML PolyData arch and its per-face labels (cell array `Label`)."""
    path = Path(path)
    if not path.is_file():
        raise ScanError(f"{path}: no such file")
    try:
        points, conn, offsets, cells = read_vtp(path)
    except VtpError as e:
        raise ScanError(f"{path}: not a readable VTK XML PolyData file: {e}") from None
    ends = np.concatenate([[0], offsets])
    if len(offsets) < 1 or not np.all(np.diff(ends) == 3) or ends[-1] != len(conn):
        raise ScanError(f"{path}: polygons that are not triangles")
    labels = cells.get("Label")
    if labels is None:
        raise ScanError(f"{path}: no per-face 'Label' array (an unlabelled scan cannot be split into teeth)")
    mesh = _checked(str(path), points, conn.reshape(-1, 3))
    lab = np.asarray(labels, np.float64)
    if len(lab) != len(mesh.faces) or not np.all(lab == np.round(lab)):
        raise ScanError(f"{path}: the 'Label' array is not one whole number per triangle")
    return mesh, lab.astype(np.int64)


def read_mesh(path: str | Path, merge: bool = True) -> Mesh:
    """One STL (binary or ASCII), PLY or OBJ file, with trimesh. `merge`: join duplicate vertices (STL
    repeats a vertex for every triangle); off where labels follow the file's vertex order."""
    path = Path(path)
    try:
        import trimesh
    except ImportError as e:
        raise ScanError(f"{path}: reading meshes needs trimesh: pip install 'orthoplan[planning]'") from e
    try:
        loaded = trimesh.load_mesh(str(path), process=False)
    except Exception as e:  # trimesh raises many kinds for a bad file
        raise ScanError(f"{path}: not a readable mesh ({e.__class__.__name__}: {str(e)[:120]})") from None
    if not isinstance(loaded, trimesh.Trimesh):
        raise ScanError(f"{path}: holds a scene or point cloud, not one triangle mesh")
    if merge:
        loaded.merge_vertices()  # edges must be shared to be seen
    return _checked(str(path), np.asarray(loaded.vertices), np.asarray(loaded.faces))


def read_obj_labels(obj: str | Path, labels: str | Path, jaw: str) -> tuple[Mesh, np.ndarray, list[str]]:
    """An arch as OBJ plus per-vertex FDI labels in JSON (`{"jaw": "upper", "labels": [...]}`, 0 the
    gingiva), the format of public tooth-segmentation datasets. Returns the mesh, a label per
    triangle (a triangle whose corners disagree goes with the gingiva) and notes."""
    obj, labels = Path(obj), Path(labels)
    try:
        doc = json.loads(labels.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScanError(f"{labels}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ScanError(f"{labels}: not a JSON label file ({e})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("labels"), list):
        raise ScanError(f'{labels}: expected an object with "labels": one FDI number per vertex')
    if doc.get("jaw") not in (None, jaw):
        raise ScanError(f"{labels}: labels the {doc.get('jaw')!r} jaw, not the {jaw} one")
    raw = doc["labels"]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in raw):
        raise ScanError(f"{labels}: labels must be whole numbers (FDI, 0 for the gingiva)")
    mesh = read_mesh(obj, merge=False)  # labels follow the file's vertex order
    vertex = np.asarray(raw, dtype=np.int64)
    if len(vertex) != len(mesh.vertices):
        raise ScanError(f"{labels}: {len(vertex)} labels for the {len(mesh.vertices)} vertices of {obj.name}")
    right_q, left_q = QUADRANTS[jaw]
    known = {0} | {q * 10 + k for q in (right_q, left_q) for k in range(1, 9)}
    bad = sorted(set(np.unique(vertex).tolist()) - known)
    if bad:
        raise ScanError(f"{labels}: labels {bad[:5]} are not teeth of the {jaw} jaw (FDI {right_q}1-{right_q}8 "
                        f"and {left_q}1-{left_q}8, 0 for the gingiva)")
    corners = vertex[mesh.faces]
    face = np.where((corners == corners[:, :1]).all(axis=1), corners[:, 0], 0)
    notes = []
    wisdom = sorted({int(f) for f in np.unique(face) if f % 10 == 8})
    if wisdom:
        notes.append(f"third molars {wisdom} are not planned: they stay with the gingiva in the stage models")
        face = np.where(face % 10 == 8, 0, face)
    return mesh, face, notes


def _split(mesh: Mesh, labels: np.ndarray, keep: int) -> Mesh:
    faces = mesh.faces[labels == keep]
    used, inverse = np.unique(faces, return_inverse=True)
    return Mesh(mesh.vertices[used], inverse.reshape(-1, 3))


# -- geometry --------------------------------------------------------------------------------------
def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n > 1e-12 else v


def _occlusal(crowns: dict[int, Mesh], source: str) -> np.ndarray:
    """Normal of the plane through the crown centroids, pointing from the cut (gingival) side to the
    crowns."""
    cents = np.array([c.area_centroid() for c in crowns.values()])
    _, _, vt = np.linalg.svd(cents - cents.mean(axis=0))
    normal = vt[2]
    votes = []
    for crown in crowns.values():
        b = crown.boundary_vertices()
        if len(b):
            votes.append(float(np.dot(crown.area_centroid() - crown.vertices[b].mean(axis=0), normal)))
    if not votes:
        raise ScanError(f"{source}: every crown is closed; cannot tell the occlusal side from the cut")
    return normal if np.median(votes) > 0 else -normal


def _check_units(crowns: dict[int, Mesh], source: str) -> None:
    sizes = [float(np.linalg.norm(c.vertices.max(axis=0) - c.vertices.min(axis=0))) for c in crowns.values()]
    median = float(np.median(sizes))
    if not 3.0 <= median <= 25.0:
        hint = " (metres?)" if median < 3.0 else " (micrometres, or not a dental scan?)"
        raise ScanError(f"{source}: teeth measure {median:.3g} across; expected millimetres, 3-25{hint}")


def _frames(jaw: str, crowns: dict[int, Mesh], occlusal: np.ndarray) -> dict[int, np.ndarray]:
    order = [f for f in Arch(jaw, "", {f: None for f in crowns}).order()]  # type: ignore[misc]
    cents = {f: crowns[f].area_centroid() for f in crowns}
    # an in-plane basis: u across the arch, v along the anterior direction
    right_q, left_q = QUADRANTS[jaw]
    mid = [cents[f] for f in (right_q * 10 + 1, left_q * 10 + 1) if f in cents]
    molars = [cents[f] for f in order[:1] + order[-1:]]
    anterior = np.mean(mid, axis=0) - np.mean(molars, axis=0) if mid else np.zeros(3)
    anterior = _unit(anterior - np.dot(anterior, occlusal) * occlusal)
    across = np.cross(anterior, occlusal)
    origin = np.mean(list(cents.values()), axis=0)
    uv = {f: (np.dot(c - origin, across), np.dot(c - origin, anterior)) for f, c in cents.items()}
    us = np.array([p[0] for p in uv.values()])
    vs = np.array([p[1] for p in uv.values()])
    coef = np.polyfit(us, vs, 2) if len(us) >= 3 else np.array([0.0, 0.0, 0.0])
    midline = np.mean(mid, axis=0) if mid else origin
    frames = {}
    for f, c in cents.items():
        u = uv[f][0]
        tangent = _unit(across + (2 * coef[0] * u + coef[1]) * anterior)
        if np.dot(tangent, midline - c) < 0:
            tangent = -tangent
        if f % 10 == 1:  # a central incisor: mesial is toward the other one
            other = cents.get((left_q if f // 10 == right_q else right_q) * 10 + 1)
            if other is not None and np.dot(tangent, other - c) < 0:
                tangent = -tangent
        x = _unit(tangent - np.dot(tangent, occlusal) * occlusal)
        y = np.cross(occlusal, x)
        frame = np.eye(4)
        frame[:3, 0], frame[:3, 1], frame[:3, 2], frame[:3, 3] = x, y, occlusal, c
        frames[f] = frame
    return frames


def _fdi_from_geometry(jaw: str, crowns_by_label: dict[int, Mesh], occlusal: np.ndarray,
                       source: str) -> dict[int, int]:
    """Label (1..14 along the arch) -> FDI. Superior is opposite the occlusal direction on the upper
    arch and along it on the lower; the patient's right is anterior x superior."""
    cents = {k: m.area_centroid() for k, m in crowns_by_label.items()}
    anterior = (cents[7] + cents[8]) / 2 - (cents[1] + cents[14]) / 2
    anterior -= np.dot(anterior, occlusal) * occlusal
    superior = -occlusal if jaw == "upper" else occlusal
    right = np.cross(anterior, superior)
    one_on_right = np.dot(cents[1] - cents[14], right) > 0
    right_q, left_q = QUADRANTS[jaw]
    out = {}
    for k in range(1, 15):
        side_right = (k <= 7) == one_on_right
        pos = 8 - k if k <= 7 else k - 7
        out[k] = (right_q if side_right else left_q) * 10 + pos
    return out


# -- arches ----------------------------------------------------------------------------------------
def _jaw(jaw: str) -> str:
    if jaw not in QUADRANTS:
        raise ValueError(f"jaw: {jaw!r} is not 'upper' or 'lower'")
    return jaw


def arch_from_labelled(path: str | Path, jaw: str) -> Arch:
    """A labelled arch: label 0 is the gingiva, 1-14 the teeth along the arch (either end first)."""
    jaw = _jaw(jaw)
    mesh, labels = read_labelled_vtp(path)
    src = str(path)
    present = set(np.unique(labels).tolist())
    unknown = sorted(present - set(range(TEETH_PER_ARCH + 1)))
    if unknown:
        raise ScanError(f"{src}: labels {unknown[:5]} are outside 0-14 (0 gingiva, 1-14 the teeth)")
    missing = sorted(set(range(1, TEETH_PER_ARCH + 1)) - present)
    if missing:
        raise ScanError(f"{src}: teeth with labels {missing} are missing; a labelled arch needs all 14 to be "
                        "numbered from its geometry (use a per-tooth folder for arches with missing teeth)")
    crowns = {k: _split(mesh, labels, k) for k in range(1, TEETH_PER_ARCH + 1)}
    small = [k for k, c in crowns.items() if len(c.faces) < MIN_FACES]
    if small:
        raise ScanError(f"{src}: labels {small} have fewer than {MIN_FACES} triangles: not teeth")
    _check_units(crowns, src)
    occlusal = _occlusal(crowns, src)
    fdi = _fdi_from_geometry(jaw, crowns, occlusal, src)
    by_fdi = {fdi[k]: crowns[k] for k in crowns}
    frames = _frames(jaw, by_fdi, occlusal)
    arch = Arch(jaw, src, {f: Tooth(f, by_fdi[f], frames[f]) for f in by_fdi},
                gingiva=_split(mesh, labels, 0) if 0 in present else None, occlusal=occlusal)
    if arch.gingiva is None:
        arch.notes.append("no gingiva (label 0): the stage models will have no gums")
    arch.notes.append("crowns are open surfaces, as cut from the scan")
    return arch


def arch_from_obj_labels(obj: str | Path, labels: str | Path, jaw: str) -> Arch:
    """An arch as OBJ with per-vertex FDI labels in JSON (see read_obj_labels)."""
    jaw = _jaw(jaw)
    mesh, face, notes = read_obj_labels(obj, labels, jaw)
    present = sorted(int(f) for f in np.unique(face) if f)
    if len(present) < 2:
        raise ScanError(f"{labels}: fewer than two labelled teeth")
    crowns = {f: _split(mesh, face, f) for f in present}
    small = [f for f, c in crowns.items() if len(c.faces) < MIN_FACES]
    if small:
        raise ScanError(f"{labels}: teeth {small} have fewer than {MIN_FACES} triangles: not teeth")
    arch = arch_from_meshes(jaw, crowns, str(obj), gingiva=_split(mesh, face, 0) if (face == 0).any() else None)
    arch.notes += notes + _absent(jaw, crowns)
    return arch


def _absent(jaw: str, crowns: dict[int, Mesh]) -> list[str]:
    right_q, left_q = QUADRANTS[jaw]
    missing = [f for f in [right_q * 10 + k for k in range(1, 8)] + [left_q * 10 + k for k in range(1, 8)]
               if f not in crowns]
    return [f"teeth {missing} are absent"] if missing else []


def arch_from_folder(path: str | Path, jaw: str) -> Arch:
    """A folder of `tooth_NN.stl|ply|obj` files, NN the FDI number of this jaw's teeth."""
    jaw = _jaw(jaw)
    folder = Path(path)
    if not folder.is_dir():
        raise ScanError(f"{folder}: no such folder")
    right_q, left_q = QUADRANTS[jaw]
    crowns: dict[int, Mesh] = {}
    for f in sorted(folder.iterdir()):
        mt = _TOOTH_FILE.match(f.name)
        if mt is None:
            continue
        fdi = int(mt.group(1))
        if fdi // 10 not in (right_q, left_q) or not 1 <= fdi % 10 <= 7:
            raise ScanError(f"{f}: tooth {fdi} is not a tooth of the {jaw} arch (quadrants {right_q} and "
                            f"{left_q}, teeth 1-7)")
        if fdi in crowns:
            raise ScanError(f"{f}: tooth {fdi} is given twice")
        crowns[fdi] = read_mesh(f)
        if len(crowns[fdi].faces) < MIN_FACES:
            raise ScanError(f"{f}: fewer than {MIN_FACES} triangles: not a tooth")
    if len(crowns) < 2:
        raise ScanError(f"{folder}: fewer than two tooth_NN.stl/.ply/.obj files for the {jaw} arch")
    arch = arch_from_meshes(jaw, crowns, str(folder))
    arch.notes += _absent(jaw, crowns)
    return arch


def arch_from_meshes(jaw: str, crowns: dict[int, Mesh], source: str, gingiva: Mesh | None = None) -> Arch:
    """An arch from crowns already numbered (open at their gingival cut, in millimetres)."""
    jaw = _jaw(jaw)
    _check_units(crowns, source)
    occlusal = _occlusal(crowns, source)
    frames = _frames(jaw, crowns, occlusal)
    return Arch(jaw, source, {f: Tooth(f, crowns[f], frames[f]) for f in crowns}, gingiva=gingiva,
                occlusal=occlusal)


# -- pairs -----------------------------------------------------------------------------------------
def neighbour_pairs(arch: Arch) -> list[tuple[int, int]]:
    """Consecutive teeth along the arch, across the midline too (absent teeth leave a gap, and the
    teeth either side of it are not neighbours)."""
    order = arch.order()
    right_q, left_q = QUADRANTS[arch.jaw]

    def rank(f: int) -> int:
        return 7 - f % 10 if f // 10 == right_q else 6 + f % 10

    return [(a, b) for a, b in zip(order, order[1:], strict=False) if rank(b) - rank(a) == 1]


def opposing_pairs(upper: Arch, lower: Arch, reach: float = 1.0) -> list[tuple[int, int]]:
    """Upper and lower teeth whose crowns overlap when seen along the occlusal direction: centroids
    closer in the occlusal plane than `reach` times the sum of the two crowns' in-plane radii."""
    n = _unit(upper.occlusal - lower.occlusal)  # the two point toward each other

    def planar(t: Tooth) -> tuple[np.ndarray, float]:
        c = t.mesh.area_centroid()
        rel = t.mesh.vertices - c
        rel -= np.outer(rel @ n, n)
        return c - np.dot(c, n) * n, float(np.percentile(np.linalg.norm(rel, axis=1), 90))
    up = {f: planar(t) for f, t in upper.teeth.items()}
    lo = {f: planar(t) for f, t in lower.teeth.items()}
    return sorted((fu, fl) for fu, (cu, ru) in up.items() for fl, (cl, rl) in lo.items()
                  if np.linalg.norm(cu - cl) < reach * (ru + rl))
