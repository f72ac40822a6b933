"""Planning jobs: persisted, claimed by workers under a lease, finished at most once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import ID, Base


class PlanJob(Base):
    """One planning job. A worker holds it while `lease_until` is in the future and renews the
    lease at every step; finishing checks `leased_by`, so a worker whose lease ran out (and whose
    job another took) cannot finish it a second time."""

    __tablename__ = "plan_jobs"
    __table_args__ = (Index("ix_plan_jobs_case", "case_id", "created", "id"),
                      Index("ix_plan_jobs_claim", "state", "lease_until"))
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    state: Mapped[int] = mapped_column(Integer)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str] = mapped_column(String(200), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    leased_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    setup_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error_code: Mapped[int] = mapped_column(Integer, default=0)
    error_message: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(10), default="plan")  # plan (CreatePlan) or edit (EditTarget)
    # SUCCEEDED: every tooth's target as planned (given or proposed), by jaw: what an edit starts from
    movements: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class PlanOutput(Base):
    """A file a job wrote, in the artifact store (the garbage collector keeps what these name)."""

    __tablename__ = "plan_outputs"
    job_id: Mapped[str] = mapped_column(ForeignKey("plan_jobs.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("artifacts.sha256"), index=True)
    size: Mapped[int] = mapped_column(BigInteger)


class ViewerLink(Base):
    """An expiring link to one setup's 3D stage viewer that shows no patient identity. Only the
    SHA-256 of its token is stored."""

    __tablename__ = "viewer_links"
    link_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    expires: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
