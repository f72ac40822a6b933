"""A procedural dentition: the bundled sample case (the real scans may not be redistributed).

Crowns are open domes sized per tooth type from average crown dimensions (mesio-distal width,
bucco-lingual depth, crown height), placed in contact along a parabolic arch form: that is the
target. The malocclusion is drawn from a seeded generator: a midline diastema (the central
incisors moved apart), rotated teeth and crowded lower incisors. The same seed gives the same
case. `points` sets the crown resolution: the default is light; 100 or more gives scanner-like
crowns (about 5,000-10,000 vertices each) for scale tests.
"""

from __future__ import annotations

import numpy as np

from .scans import Arch, Mesh, arch_from_meshes

# (mesio-distal, bucco-lingual, crown height) in mm, by FDI position 1-7
UPPER_SIZES = {1: (8.6, 7.1, 10.5), 2: (6.6, 6.2, 9.0), 3: (7.6, 8.1, 10.0), 4: (7.1, 9.2, 8.3),
               5: (6.6, 9.0, 7.8), 6: (10.4, 11.5, 7.5), 7: (9.8, 11.4, 7.2)}
LOWER_SIZES = {1: (5.4, 5.9, 9.0), 2: (5.9, 6.3, 9.5), 3: (6.9, 7.7, 11.0), 4: (7.0, 7.8, 8.5),
               5: (7.2, 8.2, 8.0), 6: (11.2, 10.5, 7.5), 7: (10.5, 10.2, 7.0)}


def _dome(rx: float, ry: float, rz: float, points: int) -> tuple[np.ndarray, np.ndarray]:
    """An open half-ellipsoid cap (pole at +z), cut a little below its equator."""
    rings = max(points // 2, 6)
    theta = np.linspace(0.0, 0.58 * np.pi, rings)
    phi = np.linspace(0.0, 2 * np.pi, points, endpoint=False)
    t, p = np.meshgrid(theta[1:], phi, indexing="ij")
    ring = np.stack([rx * np.sin(t) * np.cos(p), ry * np.sin(t) * np.sin(p), rz * np.cos(t)], -1).reshape(-1, 3)
    verts = np.concatenate([[[0.0, 0.0, rz]], ring]) - [0.0, 0.0, rz * 0.45]  # centre the crown
    idx = np.arange(1, len(verts)).reshape(rings - 1, points)
    faces = [[0, idx[0, j], idx[0, (j + 1) % points]] for j in range(points)]
    for i in range(rings - 2):
        for j in range(points):
            a, b, c, d = idx[i, j], idx[i, (j + 1) % points], idx[i + 1, j], idx[i + 1, (j + 1) % points]
            faces += [[a, c, b], [b, c, d]]
    return verts, np.array(faces)


def _rot_z(deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1.0]])


def _ideal_poses(jaw: str) -> dict[int, np.ndarray]:
    """Crown centre poses (columns: mesio-distal, bucco-lingual, occlusal) in contact along a
    parabola y = depth - k x^2 (x across, y anterior), occlusal plane z = 0."""
    sizes = UPPER_SIZES if jaw == "upper" else LOWER_SIZES
    k = 0.022 if jaw == "upper" else 0.026
    xs = np.linspace(-40, 40, 8001)
    ys = -k * xs**2
    arc = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(xs), np.diff(ys)))])
    mid = np.interp(0.0, xs, arc)
    right_q, left_q = (1, 2) if jaw == "upper" else (4, 3)
    occlusal = np.array([0.0, 0.0, -1.0 if jaw == "upper" else 1.0])
    poses = {}
    for side, quad in ((1, right_q), (-1, left_q)):  # the patient's right is +x (R = A x S)
        s = 0.0
        for pos in range(1, 8):
            width = sizes[pos][0]
            centre_arc = mid + side * (s + width / 2)
            s += width
            x = np.interp(centre_arc, arc, xs)
            y = -k * x**2
            tangent = np.array([1.0, -2 * k * x, 0.0]) * -side  # toward the midline
            tangent /= np.linalg.norm(tangent)
            bl = np.cross(occlusal, tangent)
            pose = np.eye(4)
            pose[:3, 0], pose[:3, 1], pose[:3, 2] = tangent, bl, occlusal
            pose[:3, 3] = [x, y, 1.0 if jaw == "upper" else -1.0]  # the arches 2 mm apart
            poses[quad * 10 + pos] = pose
    return poses


def sample_case(seed: int = 7, points: int = 28) -> tuple[dict[str, Arch], dict[str, dict[int, np.ndarray]]]:
    """Both arches at their malocclusion, and per jaw the target pose (mesh -> world) of each tooth."""
    rng = np.random.default_rng(seed)
    arches, targets = {}, {}
    for jaw in ("upper", "lower"):
        sizes = UPPER_SIZES if jaw == "upper" else LOWER_SIZES
        ideal = _ideal_poses(jaw)
        crowns, jaw_targets = {}, {}
        for fdi, pose in ideal.items():
            md, bl, h = sizes[fdi % 10]
            verts, faces = _dome(md / 2, bl / 2, h, points)
            mal = pose.copy()
            if fdi % 10 == 1 and jaw == "upper":  # the diastema: centrals 0.8 mm apart each
                mal[:3, 3] -= 0.8 * pose[:3, 0]
            if fdi % 10 in (2, 3, 4) and rng.random() < 0.5:  # rotated teeth
                mal[:3, :3] = pose[:3, :3] @ _rot_z(float(rng.choice([-1, 1]) * rng.uniform(6, 12)))
            if jaw == "lower" and fdi % 10 in (1, 2):  # crowded lower incisors, in and out of line
                mal[:3, 3] += (0.6 if fdi % 10 == 1 else -0.5) * pose[:3, 1] + 0.25 * pose[:3, 0]
            world = verts @ mal[:3, :3].T + mal[:3, 3]
            crowns[fdi] = Mesh(world, faces)
            jaw_targets[fdi] = pose @ np.linalg.inv(mal)  # mesh (at the malocclusion) -> ideal
        arches[jaw] = arch_from_meshes(jaw, crowns, f"procedural:{jaw}:seed={seed}")
        targets[jaw] = jaw_targets
    return arches, targets
