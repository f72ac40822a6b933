"""The proposed target setup: on the procedural case it finds the arrangement the generator started
from; on the real scans it places neighbours in contact, levels, stays within its bounds, keeps the
order of the teeth and the teeth that must not move, and gives the same answer every time."""

from __future__ import annotations

import numpy as np
import pytest
from orthoplan import kernels as K
from orthoplan.planning import plan as P
from orthoplan.planning import procedural
from orthoplan.planning import scans as S
from orthoplan.planning import setup as T

from tests.scans import PATIENTS, require_data


def _targets(arch: S.Arch, proposal: T.Proposal) -> dict[int, np.ndarray]:
    return P.target_from_movements(arch, proposal.movements)


def _neighbour_clearance(arch: S.Arch, targets: dict[int, np.ndarray]) -> dict[tuple[int, int], float]:
    order = arch.order()
    prepared = K.prepare_case([(arch.teeth[f].mesh.vertices, arch.teeth[f].mesh.faces) for f in order])
    pairs = S.neighbour_pairs(arch)
    poses = np.array([targets.get(f, np.eye(4)) for f in order])[None, None]
    c = np.asarray(K.clearance(prepared, poses, np.array([(order.index(a), order.index(b)) for a, b in pairs]),
                               max_distance=6.0).clearance)[0, 0]
    return dict(zip(pairs, c.tolist(), strict=True))


def _real(patient: str, jaw: str) -> S.Arch:
    if patient == "S1":
        return S.arch_from_folder(require_data() / "per-tooth" / "S1" / jaw, jaw)
    return S.arch_from_labelled(require_data() / "arches" / patient / f"{patient.lower()}_{jaw}.vtp", jaw)


@pytest.mark.parametrize("seed", [7, 11])
def test_the_procedural_case_gets_back_its_ideal_arrangement(seed):
    arches, truth = procedural.sample_case(seed)
    for jaw, arch in arches.items():
        proposal = T.propose(arch)
        targets = _targets(arch, proposal)
        z = arch.occlusal
        for f in arch.order():
            c = arch.teeth[f].frame[:3, 3]
            d = (targets[f][:3, :3] @ c + targets[f][:3, 3]) - (truth[jaw][f][:3, :3] @ c + truth[jaw][f][:3, 3])
            # in the occlusal plane; the generator spaces crowns by arc length, so its own arrangement
            # is a little off contact, and the arch form is fitted to the crowded scan
            assert np.linalg.norm(d - (d @ z) * z) < 1.0, (jaw, f)
        # in contact: the diastema closed, the crowding undone, nothing pushed into its neighbour
        for pair, c in _neighbour_clearance(arch, targets).items():
            assert abs(c) < 0.15, (jaw, pair, c)
        assert all(abs(v) < 0.25 for v in proposal.space.values())
    up = T.propose(arches["upper"])
    assert abs(up.movements[11]["mesial"] - 0.8) < 0.1 and abs(up.movements[21]["mesial"] - 0.8) < 0.1


@pytest.mark.parametrize("patient", [*PATIENTS, "S1"])
def test_on_real_scans_the_proposal_is_bounded_in_contact_level_and_reproducible(patient):
    limits = T.SetupLimits()
    for jaw in ("upper", "lower"):
        arch = _real(patient, jaw)
        proposal = T.propose(arch)
        assert T.propose(arch).as_dict() == proposal.as_dict()  # the same every time
        for f, mv in proposal.movements.items():  # within the bounds a clinician accepts without comment
            assert np.hypot(mv.get("mesial", 0.0), mv.get("buccal", 0.0)) <= limits.translation + 0.01, f
            assert abs(mv.get("rotation", 0.0)) <= limits.rotation + 0.05, f
            assert -limits.intrusion - 0.01 <= mv.get("extrusion", 0.0) <= limits.extrusion + 0.01, f
        targets = _targets(arch, proposal)
        order = arch.order()
        # no tooth jumps: the crowns keep their order along the arch (by the angle around the arch's middle)
        cents = np.array([(targets[f] @ np.append(arch.teeth[f].frame[:3, 3], 1.0))[:3] for f in order])
        mid, z = cents.mean(axis=0), arch.occlusal
        ref = cents[0] - mid
        ang = [np.arctan2(np.cross(ref, c - mid) @ z, ref @ (c - mid)) for c in cents]
        assert np.all(np.diff(np.unwrap(ang) * np.sign(np.unwrap(ang)[-1])) > 0)
        # neighbours in contact, except where the notes say why: space or crowding left in front of
        # the molars, or a tooth held back by a bound
        clear = _neighbour_clearance(arch, targets)
        clamped = {int(n.split(":")[0].split()[1]) for n in proposal.notes if "clamped" in n}
        for (a, b), c in clear.items():
            at_molar = {a % 10, b % 10} == {5, 6} and max(abs(v) for v in proposal.space.values()) > 0.2
            assert abs(c) <= 0.3 or at_molar or {a, b} & clamped, (jaw, a, b, c, proposal.notes)
        # levelled: the steps between neighbours' occlusal tips get smaller
        assert _steps(arch, targets) < _steps(arch, {f: np.eye(4) for f in order})


def _steps(arch: S.Arch, poses: dict[int, np.ndarray]) -> float:
    """RMS height difference between neighbours' occlusal tips."""
    z = arch.occlusal
    tip = {f: np.percentile((t.mesh.vertices @ poses[f][:3, :3].T + poses[f][:3, 3]) @ z, 98)
           for f, t in arch.teeth.items()}
    return float(np.sqrt(np.mean([(tip[a] - tip[b]) ** 2 for a, b in S.neighbour_pairs(arch)])))

def test_teeth_that_must_not_move_stay_and_the_rest_is_still_placed():
    arch = procedural.sample_case(7)[0]["upper"]
    proposal = T.propose(arch, do_not_move={11, 16, 26})
    assert 11 not in proposal.movements and 16 not in proposal.movements
    assert abs(proposal.movements[21]["mesial"]) > 0.5  # 21 closes the diastema on its own
    clear = _neighbour_clearance(arch, _targets(arch, proposal))
    assert abs(clear[(11, 21)]) < 0.1


def test_a_missing_tooth_keeps_its_space():
    arches, _ = procedural.sample_case(7)
    full = arches["upper"]
    crowns = {f: t.mesh for f, t in full.teeth.items() if f != 24}
    arch = S.arch_from_meshes("upper", crowns, "procedural without 24")
    targets = _targets(arch, T.propose(arch))
    gap = np.linalg.norm(targets[25][:3, 3] + targets[25][:3, :3] @ arch.teeth[25].frame[:3, 3]
                         - targets[23][:3, 3] - targets[23][:3, :3] @ arch.teeth[23].frame[:3, 3])
    scanned = np.linalg.norm(arch.teeth[25].frame[:3, 3] - arch.teeth[23].frame[:3, 3])
    assert abs(gap - scanned) < 0.5  # the space of 24 is neither closed nor opened


def test_crowding_becomes_planned_ipr_within_the_limit_when_allowed():
    arches, _ = procedural.sample_case(7)
    crowns = {}
    for f, t in arches["lower"].teeth.items():  # each crown 5% wider about its centre, on the same arch
        c = t.frame[:3, 3]
        crowns[f] = S.Mesh(c + (t.mesh.vertices - c) * [1.05, 1.05, 1.0], t.mesh.faces)
    lower = S.arch_from_meshes("lower", crowns, "wider crowns")
    without = T.propose(lower, limits=T.SetupLimits(arch_advance=0.0))
    assert max(without.space.values()) > 0.3 and any("crowding" in n for n in without.notes)
    withipr = T.propose(lower, limits=T.SetupLimits(arch_advance=0.0), ipr_allowed=True, ipr_limit=0.3)
    assert withipr.ipr and max(withipr.ipr.values()) <= 0.3 + 1e-9
    assert max(withipr.space.values()) < max(without.space.values())


def test_bounds_clamp_and_say_so():
    arch = procedural.sample_case(7)[0]["upper"]
    proposal = T.propose(arch, limits=T.SetupLimits(translation=0.3))
    assert abs(proposal.movements[11]["mesial"]) <= 0.3 + 1e-9
    assert any(n.startswith("tooth 11: clamped") for n in proposal.notes)


def test_an_arch_without_left_right_counterparts_is_refused():
    arches, _ = procedural.sample_case(7)
    crowns = {f: t.mesh for f, t in arches["upper"].teeth.items() if f // 10 == 1}
    with pytest.raises(ValueError, match="midline"):
        T.propose(S.arch_from_meshes("upper", crowns, "one side"))
