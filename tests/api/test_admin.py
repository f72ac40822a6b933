"""Administration commands on SQLite and PostgreSQL: audit retention (the remaining chain still
verifies and tampering is still caught) and artifact garbage collection."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone

from orthoplan.adapters import audit
from orthoplan.adapters.db import models as m
from orthoplan.v1 import records_pb2 as rpb
from sqlalchemy import func, select, update

from tests.api.helpers import build_org, cli, download, new_case, new_patient, stored_objects, upload
from tests.files import png


def admin_env(api, database_url: str, tmp_path) -> dict[str, str]:
    return {"ORTHOPLAN_DATA_DIR": str(tmp_path / "data"), "ORTHOPLAN_DATABASE_URL": database_url,
            "ORTHOPLAN_ARTIFACT_DIR": str(api.runtime.deps.artifacts.root), "ORTHOPLAN_WORKERS": "4"}


def backdate_first(api, n: int, days: int) -> None:
    """Moves the first n audit entries `days` into the past, re-hashing the chain as if they had
    been written then (what a long-running installation has)."""
    with api.runtime.uow(write=True) as uow:
        s = uow.session
        old = datetime.now(timezone.utc) - timedelta(days=days)
        s.execute(update(m.AuditEntry).where(m.AuditEntry.seq <= n).values(time=old))
        entries = s.execute(select(m.AuditEntry).order_by(m.AuditEntry.seq)).scalars().all()
        prev = audit.GENESIS
        for e in entries:
            e.prev_hash, e.hash = prev, audit.entry_hash(prev, e.seq, audit.entry_fields(e))
            prev = e.hash
        head = s.get(m.AuditHead, 1)
        head.hash = prev
        uow.commit()


def test_audit_retention_prunes_a_prefix_and_the_rest_still_verifies(api, database_url, tmp_path):
    org = build_org(api)  # a few dozen audited mutations
    env = admin_env(api, database_url, tmp_path)
    with api.runtime.uow() as uow:
        total = uow.session.scalar(select(func.count()).select_from(m.AuditEntry))
    backdate_first(api, 10, days=400)
    assert "intact" in cli(env, "admin", "verify-audit")
    assert "nothing pruned" in cli(env, "admin", "prune-audit", "--days", "0")
    assert "pruned 10 audit entries older than 365 days" in cli(env, "admin", "prune-audit", "--days", "365")
    assert "pruned 0" in cli(env, "admin", "prune-audit", "--days", "365")
    out = cli(env, "admin", "verify-audit")
    assert f"intact: {total - 10 + 1} entries" in out  # the pruning left its own entry
    with api.runtime.uow() as uow:
        assert uow.session.scalar(select(func.min(m.AuditEntry.seq))) == 11
        last = uow.session.execute(select(m.AuditEntry).order_by(m.AuditEntry.seq.desc())).scalars().first()
        assert (last.action, last.resource_id) == ("prune_audit", "1-10")
    # new activity chains on; tampering with, or removing, the oldest remaining entry is caught
    new_patient(org.as_["provider_a"], org.loc_a.id, org.users["provider_a"].id, "CH-9")
    assert "intact" in cli(env, "admin", "verify-audit")
    with api.runtime.uow(write=True) as uow:
        uow.session.execute(update(m.AuditEntry).where(m.AuditEntry.seq == 11).values(action="forged"))
        uow.commit()
    assert "TAMPERED at entry 11: content" in cli(env, "admin", "verify-audit", ok=False)
    with api.runtime.uow(write=True) as uow:
        uow.session.execute(m.AuditEntry.__table__.delete().where(m.AuditEntry.seq == 11))
        uow.commit()
    assert "entry 11 is missing" in cli(env, "admin", "verify-audit", ok=False)
    env["ORTHOPLAN_AUDIT_RETENTION_DAYS"] = "-1"
    assert "must be 0" in cli(env, "admin", "prune-audit", ok=False)


def test_gc_removes_unreferenced_files_only(api, database_url, tmp_path):
    org = build_org(api)
    prov = org.as_["provider_a"]
    case = new_case(prov, new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1").id)
    keep = upload(prov, case.id, png(2, 2), kind=rpb.XRAY)
    gone = upload(prov, case.id, png(3, 3), kind=rpb.XRAY)
    prov.records.DeleteRecord(rpb.DeleteRecordRequest(id=gone.id))
    env = admin_env(api, database_url, tmp_path)
    assert "removed 0" in cli(env, "admin", "gc-artifacts")  # both files are recent
    old = time.time() - 7200
    for p in stored_objects(api):
        os.utime(p, (old, old))
    assert "removed 1 unreferenced" in cli(env, "admin", "gc-artifacts")
    assert [p.name for p in stored_objects(api)] == [keep.sha256]
    assert download(prov, keep.id)[1] == png(2, 2)
    with api.runtime.uow() as uow:
        assert uow.session.execute(select(m.Artifact.sha256)).scalars().all() == [keep.sha256]
    again = upload(prov, case.id, png(3, 3), kind=rpb.XRAY)  # the same content can come back
    assert download(prov, again.id)[1] == png(3, 3)
