"""Clearance accuracy on the real arches, against references that share no code with the kernels.

For every shared arch, random rigid poses of neighbouring crowns (rotation up to 2 degrees about a
random axis through the moved crown's centre, translation -1 to +1.5 mm along the line between the
crown centres, negative = into the neighbour), plus the scanned pose of every neighbour pair. Each
pose is measured three ways:
- ours: `clearance()` with `max_distance=inf`, on the raw crowns (prepare_case drops debris);
- python-fcl: the exact distance between the *open* scanned crowns (0 where they intersect);
- depth reference: libigl in float64. Points every 0.1 mm over each scanned crown; a point is
  inside the other crown where libigl's generalized winding number of that crown's closed surface
  (`PreparedCase.closed_mesh`: the definition's caps) exceeds 1/2; its depth is its exact distance
  to that crown's scanned surface. The value is minus the deepest depth, or the fcl distance where
  no point is inside.
- the same with the winding number of the *open* crown (no cap: the 1/2 level set of an open
  surface's winding number spans its opening), to show what the choice of cap changes.
Both references see the crowns with debris removed by their own rule (`drop_debris` below): vertex-
connected fragments under 5 % of the largest one's area and over 0.1 mm from it.

Run: python -m benchmarks.clearance_accuracy [--poses 1000] [--arches P1:upper,P2:lower] [--seed 0]
It needs the 'test' extra (python-fcl, libigl) and ../shared/data (or $ORTHOPLAN_SHARED_DATA).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field

import numpy as np

STEP = 0.1  # mm between reference points
ROTATION_DEG = 2.0
TRANSLATION_MM = (-1.0, 1.5)
SEPARATED = 0.02  # mm: fcl distance at or above this is "separated"
PENETRATING = 0.02  # mm: reference depth at or above this is "interpenetrating"
ARCHES = tuple(f"{p}:{j}" for p in ("P1", "P2", "P3", "P4") for j in ("upper", "lower"))


def drop_debris(verts: np.ndarray, faces: np.ndarray, area_fraction: float = 0.05, gap: float = 0.1):
    """The crown without fragments that are small and away from its largest piece (references only)."""
    import igl
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(verts)
    e = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    _, label = connected_components(coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n)), directed=False)
    flabel = label[faces[:, 0]]
    area = 0.5 * np.linalg.norm(np.cross(verts[faces[:, 1]] - verts[faces[:, 0]], verts[faces[:, 2]] - verts[faces[:, 0]]), axis=1)
    per = np.bincount(flabel, weights=area)
    main = int(np.argmax(per))
    mf = faces[flabel == main].astype(np.int64)
    keep = flabel == main
    for comp in np.unique(flabel):
        if comp == main:
            continue
        pts = verts[np.unique(faces[flabel == comp])].astype(np.float64)
        d = np.sqrt(igl.point_mesh_squared_distance(pts, verts.astype(np.float64), mf)[0].min())
        if not (per[comp] < area_fraction * per[main] and d > gap):
            keep |= flabel == comp
    used, inv = np.unique(faces[keep], return_inverse=True)
    return verts[used].astype(np.float64), inv.reshape(-1, 3).astype(np.int64)


def dense_points(verts: np.ndarray, faces: np.ndarray, step: float = STEP) -> np.ndarray:
    """Points on every triangle, on a barycentric lattice whose spacing is at most `step`."""
    out = [verts]
    tri = verts[faces]
    longest = np.max(np.linalg.norm(tri - np.roll(tri, 1, axis=1), axis=2), axis=1)
    n_div = np.maximum(1, np.ceil(longest / step).astype(int))
    for n in np.unique(n_div):
        i, j = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
        ok = i + j <= n
        w = np.stack([i[ok], j[ok], n - i[ok] - j[ok]], 1) / n
        t = tri[n_div == n]
        out.append(np.einsum("pk,tkd->tpd", w, t).reshape(-1, 3))
    return np.concatenate(out)


@dataclass
class Crown:
    verts: np.ndarray
    faces: np.ndarray
    points: np.ndarray = field(repr=False)
    lo: np.ndarray = field(repr=False)
    hi: np.ndarray = field(repr=False)
    fcl_model: object = field(repr=False)
    closed: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)  # for inside/outside


def reference_crown(verts, faces, closed_triangles: np.ndarray | None = None) -> Crown:
    """A crown as the references see it; closed_triangles [F, 3, 3]: the closed surface whose
    winding number tells inside (default: the open crown itself)."""
    import fcl

    v, f = drop_debris(np.asarray(verts, np.float64), np.asarray(faces))
    m = fcl.BVHModel()
    m.beginModel(len(v), len(f))
    m.addSubModel(v, f.astype(np.int32))
    m.endModel()
    closed = None
    if closed_triangles is not None:
        cv, inv = np.unique(np.asarray(closed_triangles, np.float64).reshape(-1, 3), axis=0, return_inverse=True)
        closed = (cv, inv.reshape(-1, 3).astype(np.int64))
    return Crown(v, f, dense_points(v, f), v.min(0), v.max(0), m, closed)


def fcl_distance(a: Crown, b: Crown, pose_a: np.ndarray, pose_b: np.ndarray) -> float:
    import fcl

    oa = fcl.CollisionObject(a.fcl_model, fcl.Transform(pose_a[:3, :3], pose_a[:3, 3]))
    ob = fcl.CollisionObject(b.fcl_model, fcl.Transform(pose_b[:3, :3], pose_b[:3, 3]))
    if fcl.collide(oa, ob, fcl.CollisionRequest(), fcl.CollisionResult()):
        return 0.0
    return max(0.0, float(fcl.distance(oa, ob, fcl.DistanceRequest(), fcl.DistanceResult())))


def deepest(src: Crown, dst: Crown, m: np.ndarray, closed: bool) -> float:
    """Depth (mm, >= 0) of src's deepest point inside dst, src's points mapped by m into dst's
    frame; inside by the winding number of dst's closed surface, or of its open crown."""
    import igl

    x = src.points @ m[:3, :3].T + m[:3, 3]
    x = x[np.all((x >= dst.lo - 1e-9) & (x <= dst.hi + 1e-9), axis=1)]
    if len(x) == 0:
        return 0.0
    wv, wf = dst.closed if closed else (dst.verts, dst.faces)
    w = igl.fast_winding_number(wv, wf, x)
    unsure = np.abs(w - 0.5) < 0.1
    if unsure.any():
        w[unsure] = igl.winding_number(wv, wf, x[unsure])
    x = x[w > 0.5]
    if len(x) == 0:
        return 0.0
    return float(np.sqrt(igl.point_mesh_squared_distance(x, dst.verts, dst.faces)[0].max()))


def reference_value(a: Crown, b: Crown, pose_a: np.ndarray, pose_b: np.ndarray) -> tuple[float, float, float]:
    """(fcl distance, depth-reference value, the same with open-crown winding numbers) of a pair."""
    d = fcl_distance(a, b, pose_a, pose_b)
    inv_a, inv_b = np.linalg.inv(pose_a), np.linalg.inv(pose_b)
    out = [d]
    for closed in (True, False):
        depth = max(deepest(a, b, inv_b @ pose_a, closed), deepest(b, a, inv_a @ pose_b, closed))
        out.append(-depth if depth > 0 else d)
    return out[0], out[1], out[2]


def random_move(centre: np.ndarray, direction: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A rigid pose: rotation up to ROTATION_DEG about a random axis through `centre`, then a
    translation along the unit `direction` drawn from TRANSLATION_MM."""
    from scipy.spatial.transform import Rotation

    axis = rng.normal(size=3)
    angle = np.radians(rng.uniform(0.0, ROTATION_DEG))
    m = np.eye(4)
    m[:3, :3] = Rotation.from_rotvec(axis / np.linalg.norm(axis) * angle).as_matrix()
    m[:3, 3] = centre - m[:3, :3] @ centre + rng.uniform(*TRANSLATION_MM) * direction
    return m


@dataclass
class Record:
    arch: str
    pair: tuple[int, int]
    scanned: bool
    ours: float
    fcl: float
    ref: float
    ref_open: float


def measure_arch(patient: str, jaw: str, n_poses: int, seed: int = 0, backend: str | None = None,
                 teeth=None) -> list[Record]:
    """Records for the scanned pose of every neighbour pair and n_poses random poses over them."""
    from orthoplan import kernels as K

    from tests.scans import arch_teeth

    teeth = list(teeth if teeth is not None else arch_teeth(patient, jaw))
    prep = K.prepare_case(teeth)
    crowns = [reference_crown(v, f, prep.closed_mesh(t)) for t, (v, f) in enumerate(teeth)]
    centres = [c.verts.mean(0) for c in crowns]
    rng = np.random.default_rng(seed)
    pairs = [(i, i + 1) for i in range(len(teeth) - 1)]
    which = rng.integers(0, len(pairs), n_poses)
    out: list[Record] = []
    eye = np.eye(4)
    for p, (a, b) in enumerate(pairs):
        d = centres[b] - centres[a]
        moves = [eye] + [random_move(centres[b], d / np.linalg.norm(d), rng) for _ in range(int((which == p).sum()))]
        poses = np.tile(eye, (1, len(moves), len(teeth), 1, 1))
        poses[0, :, b] = np.array(moves)
        ours = K.clearance(prep, poses, np.array([[a, b]], np.int32), max_distance=np.inf,
                           backend=backend).clearance[0, :, 0]
        for k, m in enumerate(moves):
            f, r, ro = reference_value(crowns[a], crowns[b], eye, m)
            out.append(Record(f"{patient} {jaw}", (a + 1, b + 1), k == 0, float(ours[k]), f, r, ro))
    return out


@dataclass
class Row:
    name: str
    value: float
    target: str
    met: bool
    count: int


def summarize(records: list[Record]) -> list[Row]:
    """The accuracy table over the given records."""
    ours = np.array([r.ours for r in records])
    fcl_d = np.array([r.fcl for r in records])
    ref = np.array([r.ref for r in records])
    ref_open = np.array([r.ref_open for r in records])
    scanned = np.array([r.scanned for r in records])
    sep = ~scanned & (fcl_d >= SEPARATED)
    pen = ~scanned & (ref <= -PENETRATING)
    pen_open = ~scanned & (ref_open <= -PENETRATING)

    def pct(x, q):
        return float(np.percentile(x, q)) if len(x) else float("nan")

    over = ours[sep] - fcl_d[sep]
    err = np.abs(ours[pen] - ref[pen])
    err_open = np.abs(ours[pen_open] - ref_open[pen_open])
    scan = ours[scanned] - fcl_d[scanned]
    worst_scan = float(scan[np.argmax(np.abs(scan))]) if scanned.any() else float("nan")
    below, neg = int((over < -0.005).sum()), int((ours[sep] < 0).sum())
    wrong, wrong_open = int((ours[pen] >= 0).sum()), int((ours[pen_open] >= 0).sum())
    n_sep, n_pen, n_open = int(sep.sum()), int(pen.sum()), int(pen_open.sum())
    max_err = float(err.max()) if n_pen else float("nan")
    return [
        Row("separated: values below fcl - 0.005 mm", below, "0", below == 0, n_sep),
        Row("separated: negative values", neg, "0", neg == 0, n_sep),
        Row("separated: p99 over-estimate (mm)", pct(over, 99), "<= 0.01", pct(over, 99) <= 0.01, n_sep),
        Row("separated: worst under-estimate (mm)", float(-over.min()) if n_sep else float("nan"), "-", True, n_sep),
        Row("interpenetrating: wrong sign", wrong, "0", wrong == 0, n_pen),
        Row("interpenetrating: max depth error (mm)", max_err, "<= 0.02", max_err <= 0.02, n_pen),
        Row("interpenetrating: p99 depth error (mm)", pct(err, 99), "-", True, n_pen),
        Row("interpenetrating: p90 depth error (mm)", pct(err, 90), "-", True, n_pen),
        Row("open-crown winding number: wrong sign", wrong_open, "-", True, n_open),
        Row("open-crown winding number: p90 depth error (mm)", pct(err_open, 90), "-", True, n_open),
        Row("scanned pose: worst value - fcl (mm)", worst_scan, "-0.1 .. +0.1", abs(worst_scan) <= 0.1,
            int(scanned.sum())),
    ]


def format_table(rows: list[Row]) -> str:
    lines = ["| | measured | target | met | poses |", "|---|---|---|---|---|"]
    for r in rows:
        v = f"{r.value:.4f}" if isinstance(r.value, float) and not float(r.value).is_integer() else f"{r.value:g}"
        lines.append(f"| {r.name} | {v} | {r.target} | {'yes' if r.met else 'NO'} | {r.count} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--poses", type=int, default=1000, help="random poses per arch (default 1000)")
    ap.add_argument("--arches", default=",".join(ARCHES), help="comma-separated PATIENT:jaw")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--backend", default=None)
    ap.add_argument("--worst", type=int, default=0, help="also list the N worst records of each kind")
    args = ap.parse_args(argv)
    records: list[Record] = []
    t0 = time.perf_counter()
    for i, spec in enumerate(args.arches.split(",")):
        patient, jaw = spec.split(":")
        records += measure_arch(patient, jaw, args.poses, seed=args.seed + i, backend=args.backend)
        print(f"{spec}: {len(records)} records, {time.perf_counter() - t0:.0f} s", flush=True)
    print(format_table(summarize(records)))
    if args.worst:
        sep = [r for r in records if not r.scanned and r.fcl >= SEPARATED]
        pen = [r for r in records if not r.scanned and r.ref <= -PENETRATING]
        print("worst separated (ours - fcl):")
        for r in sorted(sep, key=lambda r: r.ours - r.fcl)[: args.worst]:
            print(" ", r)
        print("worst interpenetrating (|ours - ref|):")
        for r in sorted(pen, key=lambda r: -abs(r.ours - r.ref))[: args.worst]:
            print(" ", r)
    return 0 if all(r.met for r in summarize(records)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
