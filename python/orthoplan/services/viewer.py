"""The 3D stage viewer's side of a setup: expiring share links that hide the patient's identity, and
the scene a browser draws (every tooth's stage-0 crown from the stage model, every stage's motion of
every tooth, the movement table, IPR and the collisions left). Only setups made by a planning job
have stage models; one made by hand has nothing to draw."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy import select

from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain import plan_jobs as dp
from ..domain.errors import Collector, FailedPrecondition, Violation
from ..domain.identity import Principal
from . import validate as v
from .audit_trail import record
from .deps import Deps, aware
from .packs import token_hash  # the same hashing as the patient pages' links
from .setups import get_setup

DEFAULT_HOURS, MAX_HOURS = 72, 720
JAWS = ("upper", "lower")


def _job(s, case_id: str, version: int) -> m.PlanJob | None:
    return s.execute(select(m.PlanJob).where(
        m.PlanJob.case_id == case_id, m.PlanJob.setup_version == version,
        m.PlanJob.state == int(dp.PlanState.SUCCEEDED))).scalars().first()


def _outputs(s, case_id: str, version: int) -> dict[str, str]:
    job = _job(s, case_id, version)
    if job is None:
        raise FailedPrecondition("this setup was not made by a planning job: it has no stage models to show",
                                 [Violation("version", "plan the case with CreatePlan")], reason="NO_PLAN")
    rows = s.execute(select(m.PlanOutput.name, m.PlanOutput.sha256).where(m.PlanOutput.job_id == job.id))
    return dict(rows.all())


def create_link(uow: SqlUnitOfWork, deps: Deps, p: Principal, case_id: str, version: int,
                valid_hours: int) -> tuple[str, Any]:
    """(url, expires) of a new link to the setup's viewer; anyone who may read the setup may share it."""
    c = Collector()
    v.ident(c, "case_id", case_id)
    if not 0 <= valid_hours <= MAX_HOURS:
        c.add("valid_hours", f"must be 1-{MAX_HOURS} (0: {DEFAULT_HOURS})")
    c.raise_if_any()
    setup = get_setup(uow, p, case_id, version)
    s = uow.session
    _outputs(s, case_id, setup.version)
    token, now = secrets.token_urlsafe(32), deps.clock()
    expires = now + timedelta(hours=valid_hours or DEFAULT_HOURS)
    s.add(m.ViewerLink(link_hash=token_hash(token), case_id=case_id, version=setup.version, expires=expires,
                       created_by=p.user_id, created=now))
    record(s, deps, p, "create_viewer_link", "setup", case_id, None,
           {"version": setup.version, "expires": expires.isoformat()})
    return f"{deps.public_url.rstrip('/')}/v/{token}", expires


def by_link(s, deps: Deps, token: str) -> tuple[str, int] | None:
    """(case_id, version) a live link opens; None for an unknown or expired one."""
    if not token or len(token) > 100:
        return None
    link = s.get(m.ViewerLink, token_hash(token))
    if link is None or aware(link.expires) <= deps.clock():
        return None
    return link.case_id, link.version


def check_viewable(s, case_id: str, version: int) -> None:
    """Raises FailedPrecondition when the setup has no stage models (made by hand)."""
    _outputs(s, case_id, version)


def model_sha(s, case_id: str, version: int, jaw: str) -> str | None:
    """The stage-0 model of an arch (the crowns the viewer moves), or None."""
    return _outputs(s, case_id, version).get(f"models/stage_00_{jaw}.stl")


def scene(s, deps: Deps, case_id: str, version: int, title: str) -> dict[str, Any]:
    """What the viewer draws. Poses are each tooth's motion from stage 0, row-major 3x4."""
    outs = _outputs(s, case_id, version)
    plan = json.loads(b"".join(deps.artifacts.read(outs["plan.json"])))
    stages = int(plan["aligners"]) + 1
    arches = {}
    for jaw in JAWS:
        a = plan["arches"].get(jaw)
        if a is None or f"models/stage_00_{jaw}.stl" not in outs:
            continue
        if "model_faces" not in a:
            raise FailedPrecondition("this setup was planned before the viewer existed: plan it again",
                                     [Violation("version", "has no per-tooth model split")], reason="NO_PLAN")
        poses = np.array(a["poses"], np.float64).reshape(len(a["poses"]), len(a["teeth"]), 3, 4)
        full = np.tile(np.eye(4), (*poses.shape[:2], 1, 1))
        full[..., :3, :] = poses
        rel = full @ np.linalg.inv(full[0])[None]  # motion from stage 0, where the model was written
        rel = rel[np.minimum(np.arange(stages), len(rel) - 1)]  # an arch that finishes early stays put
        arches[jaw] = {
            "teeth": a["teeth"], "faces": a["model_faces"], "model": f"mesh/{jaw}.stl",
            "poses": np.round(rel[..., :3, :].reshape(stages, len(a["teeth"]), 12), 5).tolist(),
            "movement": a["movement"], "stages_per_tooth": a["stages_per_tooth"], "start": a["start"],
            "ipr": a["ipr"], "unresolved": a["unresolved"], "attachments": a["attachments"],
        }
    return {"title": title, "version": version, "stages": stages, "arches": arches}
