"""Practice metrics: every figure is an SQL aggregate, grouped by organization, region, location
or provider, within the caller's scope. Percentiles are nearest-rank, computed with window
functions, so SQLite and PostgreSQL give the same numbers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import and_, func, literal, select

from ..adapters.db import dialect
from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain import cases as dc
from ..domain import packs as dp
from ..domain import setups as ds
from ..domain.errors import Collector, PermissionDenied
from ..domain.identity import ADMIN_ROLES, Principal
from . import access
from . import validate as v

GROUPINGS = {1: "organization", 2: "region", 3: "location", 4: "provider"}


@dataclass
class Row:
    approved: int = 0
    median_days: float = 0.0
    p90_days: float = 0.0
    revisions_per_case: float = 0.0
    waiting: int = 0
    acceptance: float = 0.0
    refinements_per_case: float = 0.0
    per_month: dict[str, int] = field(default_factory=dict)
    packs_made: int = 0
    packs_sent: int = 0
    pack_acceptance: float = 0.0
    recovered_minor: int = 0
    currency: str = ""


def _key(grouping: str, table: Any, person: Any) -> Any:
    if grouping == "organization":
        return table.organization_id
    if grouping == "location":
        return table.location_id
    if grouping == "provider":
        return person
    region = select(m.Location.region_id).where(m.Location.id == table.location_id).scalar_subquery()
    return func.coalesce(region, literal(""))


def _ratio(a: float, b: float) -> float:
    return round(a / b, 4) if b else 0.0


def practice_metrics(uow: SqlUnitOfWork, p: Principal, from_date: str, to_date: str,
                     group_by: int) -> list[tuple[str, str, Row]]:
    """(group id, group name, figures), by group name."""
    if p.role not in ADMIN_ROLES:
        raise PermissionDenied("practice metrics are for administrators")
    c = Collector()
    v.iso_date(c, "from_date", from_date)
    v.iso_date(c, "to_date", to_date)
    if group_by not in GROUPINGS:
        c.add("group_by", "must be BY_ORGANIZATION, BY_REGION, BY_LOCATION or BY_PROVIDER")
    if not c.violations:
        first, last = date.fromisoformat(from_date), date.fromisoformat(to_date)
        if last < first:
            c.add("to_date", "is before from_date")
        elif (last - first).days > 3 * 366:
            c.add("to_date", "at most 3 years after from_date")
    c.raise_if_any()
    s = uow.session
    grouping = GROUPINGS[group_by]
    start = datetime.combine(first, time(), tzinfo=timezone.utc)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=timezone.utc)
    rows: dict[str, Row] = defaultdict(Row)
    C, P, K = m.Case, m.TreatmentPack, m.CourseOfTreatment  # noqa: N806 - table aliases
    case_key = _key(grouping, C, C.provider_id).label("k")
    in_scope = and_(C.organization_id == p.organization_id, access.location_condition(p, C.location_id))

    # planning turnaround: nearest-rank median and p90 of (approved - submitted), per group
    days = (dialect.seconds_between(s, C.submitted_at, C.approved_at) / 86400.0).label("d")
    ranked = (select(case_key, days, func.row_number().over(partition_by=case_key, order_by=days).label("rn"),
                     func.count().over(partition_by=case_key).label("n"))
              .where(in_scope, C.approved_at >= start, C.approved_at < end, C.submitted_at.is_not(None))
              .subquery())
    for k, n, rn, d in s.execute(select(ranked.c.k, ranked.c.n, ranked.c.rn, ranked.c.d).where(
            (ranked.c.rn == (ranked.c.n + 1) // 2) | (ranked.c.rn == (9 * ranked.c.n + 9) // 10))):
        row = rows[k or ""]
        row.approved = n
        if rn == (n + 1) // 2:
            row.median_days = round(float(d), 3)
        if rn == (9 * n + 9) // 10:
            row.p90_days = round(float(d), 3)

    # revisions and acceptance, over the cases submitted in the range
    revisions = (select(func.count()).select_from(m.TreatmentSetup).where(
        m.TreatmentSetup.case_id == C.id, m.TreatmentSetup.state == int(ds.SetupState.REVISION_REQUESTED))
        .scalar_subquery())
    has_setup = select(m.TreatmentSetup.case_id).where(m.TreatmentSetup.case_id == C.id).exists()
    for k, n, revs, with_setup, approved in s.execute(
            select(case_key, func.count(), func.coalesce(func.sum(revisions), 0),
                   func.count().filter(has_setup), func.count().filter(has_setup & C.approved_at.is_not(None)))
            .where(in_scope, C.submitted_at >= start, C.submitted_at < end).group_by(case_key)):
        row = rows[k or ""]
        row.revisions_per_case = _ratio(revs, n)
        row.acceptance = _ratio(approved, with_setup)

    for k, n in s.execute(select(case_key, func.count()).where(
            in_scope, C.state == int(dc.CaseState.AWAITING_SETUP)).group_by(case_key)):
        rows[k or ""].waiting = n

    month = dialect.month_of(s, C.created).label("month")
    kinds = defaultdict(lambda: [0, 0])
    for k, mon, kind, n in s.execute(select(case_key, month, C.kind, func.count()).where(
            in_scope, C.created >= start, C.created < end).group_by(case_key, month, C.kind)):
        row = rows[k or ""]
        row.per_month[mon] = row.per_month.get(mon, 0) + n
        if kind in (dc.CaseKind.ALIGNER, dc.CaseKind.REFINEMENT):
            kinds[k or ""][kind == dc.CaseKind.REFINEMENT] += n
    for k, (aligners, refinements) in kinds.items():
        rows[k].refinements_per_case = _ratio(refinements, aligners)

    # treatment packs: made, sent, and accepted (asked to proceed or booked) of those sent
    pack_key = _key(grouping, P, P.created_by).label("k")
    sent = P.sent_at.is_not(None)
    accepted = sent & P.stage.in_([int(dp.Stage.REQUESTED_TO_PROCEED), int(dp.Stage.BOOKED)])
    for k, made, n_sent, n_acc in s.execute(
            select(pack_key, func.count(), func.count().filter(sent), func.count().filter(accepted))
            .where(P.organization_id == p.organization_id, access.location_condition(p, P.location_id),
                   P.created >= start, P.created < end).group_by(pack_key)):
        row = rows[k or ""]
        row.packs_made, row.packs_sent, row.pack_acceptance = made, n_sent, _ratio(n_acc, n_sent)

    # opportunities booked in the range: the value they bring back
    course_key = _key(grouping, K, K.provider_id).label("k")
    booked = (select(m.OpportunityLog.course_id).where(m.OpportunityLog.action == "book",
                                                       m.OpportunityLog.created >= start,
                                                       m.OpportunityLog.created < end).distinct().subquery())
    for k, total, cur in s.execute(
            select(course_key, func.sum(K.value_minor), func.max(K.currency)).join(booked, booked.c.course_id == K.id)
            .where(K.organization_id == p.organization_id, access.location_condition(p, K.location_id))
            .group_by(course_key)):
        rows[k or ""].recovered_minor, rows[k or ""].currency = int(total or 0), cur or ""

    names = _names(s, grouping, list(rows))
    return sorted(((k, names.get(k, ""), r) for k, r in rows.items()), key=lambda t: (t[1], t[0]))


def _names(s, grouping: str, keys: list[str]) -> dict[str, str]:
    table = {"organization": (m.Organization.id, m.Organization.name), "region": (m.Region.id, m.Region.name),
             "location": (m.Location.id, m.Location.name), "provider": (m.User.id, m.User.display_name)}[grouping]
    named = dict(s.execute(select(*table).where(table[0].in_([k for k in keys if k]))).all())
    if "" in keys:
        named[""] = "(no region)"
    return named
