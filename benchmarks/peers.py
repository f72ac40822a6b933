"""The libraries a user would otherwise pick for tooth-tooth clearance, each driven as its docs
intend: structures built once per tooth, then queried for every (stage, pair).

Two kinds of peer:
- mesh-mesh distance (python-fcl, coal): the exact distance between the two closed crowns, unsigned;
  overlapping pairs give 0 or a contact, never a depth;
- vertex-sampled signed distance (Open3D RaycastingScene, libigl AABB + fast winding number, warp
  mesh queries on the CPU): the signed distance of every sample of one crown to the other crown and
  back, the minimum of both, which is the same definition as ours (docs/kernels.md), so their error
  is directly comparable.

Each peer's `run(work)` takes [(stage poses [T, 4, 4], a, b), ...] and returns one clearance (mm) per
item, NaN where the peer gives no value (a mesh-mesh peer on an overlapping pair).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _relative(poses: np.ndarray, src: int, dst: int) -> np.ndarray:
    """The transform from tooth `src`'s mesh coordinates to tooth `dst`'s."""
    return np.linalg.inv(poses[dst]) @ poses[src]


def _meshes(prep) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each tooth's closed crown as shared vertices (float64) and faces (int64), as the peers take it."""
    out = []
    for t in range(prep.teeth):
        v, inv = np.unique(prep.closed_mesh(t).reshape(-1, 3), axis=0, return_inverse=True)
        out.append((np.ascontiguousarray(v, dtype=np.float64), inv.reshape(-1, 3).astype(np.int64)))
    return out


class SampledPeer:
    """Signed distance of one crown's samples to the other crown, both ways, per work item."""

    name = ""

    def __init__(self, prep, signed_distance: Callable[[int, np.ndarray], np.ndarray]):
        self.samples = [prep.samples(t).astype(np.float64) for t in range(prep.teeth)]
        self.sd = signed_distance

    def run(self, work) -> np.ndarray:
        out = np.empty(len(work))
        for i, (poses, a, b) in enumerate(work):
            best = np.inf
            for src, dst in ((a, b), (b, a)):
                m = _relative(poses, src, dst)
                best = min(best, float(self.sd(dst, self.samples[src] @ m[:3, :3].T + m[:3, 3]).min()))
            out[i] = best
        return out


def open3d_peer(prep) -> SampledPeer:
    import open3d as o3d

    scenes = []
    for v, f in _meshes(prep):
        scene = o3d.t.geometry.RaycastingScene()
        scene.add_triangles(o3d.core.Tensor(v.astype(np.float32)), o3d.core.Tensor(f.astype(np.uint32)))
        scenes.append(scene)

    def sd(t, x):
        return scenes[t].compute_signed_distance(o3d.core.Tensor(x.astype(np.float32))).numpy()

    peer = SampledPeer(prep, sd)
    peer.name = "Open3D RaycastingScene"
    return peer


def libigl_peer(prep) -> SampledPeer:
    import igl

    meshes, trees, winding = _meshes(prep), [], []
    for v, f in meshes:
        tree = igl.AABB()
        tree.init(v, f)
        fwn = igl.FastWindingNumberBVH()
        fwn.init(v, f, 2)
        trees.append(tree)
        winding.append(fwn)

    def sd(t, x):
        d2, _, _ = trees[t].squared_distance(*meshes[t], x)
        inside = winding[t].winding_number(x) > 0.5
        return np.where(inside, -1.0, 1.0) * np.sqrt(d2)

    peer = SampledPeer(prep, sd)
    peer.name = "libigl AABB + fast winding number"
    return peer


def warp_peer(prep) -> SampledPeer:
    import warp as wp

    wp.config.quiet = True
    wp.init()
    kernel = _warp_kernel(wp)
    meshes = [wp.Mesh(points=wp.array(v.astype(np.float32), dtype=wp.vec3, device="cpu"),
                      indices=wp.array(f.astype(np.int32).ravel(), dtype=int, device="cpu")) for v, f in _meshes(prep)]

    def sd(t, x):
        q = wp.array(x.astype(np.float32), dtype=wp.vec3, device="cpu")
        out = wp.empty(len(x), dtype=float, device="cpu")
        wp.launch(kernel, dim=len(x), inputs=[meshes[t].id, q, out], device="cpu")
        return out.numpy()

    peer = SampledPeer(prep, sd)
    peer.name = "warp mesh query (CPU)"
    return peer


def _warp_kernel(wp):
    @wp.kernel
    def signed(mesh: wp.uint64, q: wp.array(dtype=wp.vec3), out: wp.array(dtype=float)):
        i = wp.tid()
        hit = wp.mesh_query_point_sign_winding_number(mesh, q[i], 1.0e6)
        if hit.result:
            p = wp.mesh_eval_position(mesh, hit.face, hit.u, hit.v)
            out[i] = hit.sign * wp.length(q[i] - p)
        else:
            out[i] = 1.0e6
    return signed


class MeshMeshPeer:
    """Exact unsigned distance between the closed crowns (python-fcl or coal)."""

    def __init__(self, name: str, distance: Callable[[np.ndarray, int, np.ndarray, int], float]):
        self.name, self.distance = name, distance

    def run(self, work) -> np.ndarray:
        out = np.array([self.distance(poses[a], a, poses[b], b) for poses, a, b in work])
        return np.where(out > 0, out, np.nan)  # touching or overlapping: no depth


def fcl_peer(prep) -> MeshMeshPeer:
    import fcl

    models = []
    for v, f in _meshes(prep):
        m = fcl.BVHModel()
        m.beginModel(len(v), len(f))
        m.addSubModel(v, f)
        m.endModel()
        models.append(m)

    def distance(pa, a, pb, b):
        oa = fcl.CollisionObject(models[a], fcl.Transform(pa[:3, :3], pa[:3, 3]))
        ob = fcl.CollisionObject(models[b], fcl.Transform(pb[:3, :3], pb[:3, 3]))
        return fcl.distance(oa, ob, fcl.DistanceRequest(), fcl.DistanceResult())

    return MeshMeshPeer("python-fcl distance", distance)


def coal_peer(prep) -> MeshMeshPeer:
    import coal

    models = []
    for v, f in _meshes(prep):
        m = coal.BVHModelOBBRSS()
        m.beginModel(len(f), len(v))
        m.addVertices(v)
        m.addTriangles(f)
        m.endModel()
        models.append(m)
    request = coal.DistanceRequest()

    def distance(pa, a, pb, b):
        return coal.distance(models[a], coal.Transform3s(pa[:3, :3], pa[:3, 3]),
                             models[b], coal.Transform3s(pb[:3, :3], pb[:3, 3]), request, coal.DistanceResult())

    return MeshMeshPeer("coal distance", distance)


PEERS = {"python-fcl": ("fcl", fcl_peer), "coal": ("coal", coal_peer), "open3d": ("open3d", open3d_peer),
         "libigl": ("igl", libigl_peer), "warp": ("warp", warp_peer)}
