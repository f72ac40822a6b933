"""The opportunity list on a large practice, over loopback against one `orthoplan serve` process on
PostgreSQL: 100,000 patients, 200,000 courses of treatment, 1,000,000 appointments (seeded with
SQL), about half of the courses being opportunities.

Measured one call at a time (latency, not throughput), side by side in the same run: GetCase (the
cheapest authenticated read) as the floor, then ListOpportunities pages: the first page in the
default order, a page deep in the list (by its token), other sort orders, and a filter.

Target: a page in under 100 ms p99 on PostgreSQL.
Run: python -m pytest benchmarks/test_bench_opportunities.py -p no:cacheprovider --benchmark-only -s
"""

from __future__ import annotations

import os
import time

import grpc
import numpy as np
import pytest
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import cases_pb2_grpc, opportunities_pb2_grpc
from orthoplan.v1 import opportunities_pb2 as qpb
from sqlalchemy import create_engine, text

from benchmarks.test_bench_api import _serve
from tests.api.conftest import PASSWORD
from tests.api.local import pg_unreachable, scratch_pg_database

PATIENTS, COURSES_PER_PATIENT, APPOINTMENTS_PER_PATIENT = 100_000, 2, 10
CALLS = 200

SEED = """
INSERT INTO patients (id, organization_id, first_name, last_name, birth_date, chart_number, email, mobile,
                      location_id, provider_id, version, created)
SELECT md5('p' || g), :org, 'First' || (g % 997), 'Last' || (g % 9973), '1980-01-01', 'BENCH-' || g,
       'p' || g || '@example.test', '+4477009' || lpad((g % 100000)::text, 5, '0'), :loc, :prov, 1, now()
FROM generate_series(1, :patients) g;

INSERT INTO courses (id, organization_id, patient_id, provider_id, location_id, number, payor, opened, active,
                     value_minor, currency, uda_hundredths, version, updated)
SELECT md5('c' || g || '-' || k), :org, md5('p' || g), :prov, :loc, 'COT-' || g || '-' || k, 1 + (g + k) % 3,
       current_date - ((g * 7 + k * 131) % 540), (g + k) % 10 <> 0, 1000 * ((g * 13 + k) % 500),
       'GBP', CASE WHEN (g + k) % 3 = 1 THEN 100 * ((g + k) % 12) ELSE 0 END, 1,
       now() - make_interval(mins => (g * 37 + k * 11) % 500000)
FROM generate_series(1, :patients) g, generate_series(1, :courses) k;

INSERT INTO appointments (id, organization_id, patient_id, location_id, start, status, kind, course_id, created)
SELECT md5('a' || g || '-' || k), :org, md5('p' || g), :loc,
       now() + make_interval(days => ((g * 17 + k * 53) % 700) - 500), 1 + (g + k) % 4, 'Treatment', NULL, now()
FROM generate_series(1, :patients) g, generate_series(1, :appointments) k;

ANALYZE;
"""


@pytest.fixture(scope="module")
def practice(tmp_path_factory):
    why = pg_unreachable()
    if why:
        pytest.skip(why)
    env = {**os.environ, "ORTHOPLAN_HTTP_LISTEN": "127.0.0.1:0",
           "ORTHOPLAN_DATA_DIR": str(tmp_path_factory.mktemp("data")),
           "ORTHOPLAN_ADMIN_PASSWORD": PASSWORD}
    with scratch_pg_database("orthoplan_b") as url:
        env["ORTHOPLAN_DATABASE_URL"] = url
        for _db, target, token, case, _patient in _serve("postgresql", env):
            engine = create_engine(url)
            with engine.begin() as conn:
                org, loc, prov = conn.execute(text(
                    "SELECT organization_id, location_id, provider_id FROM patients LIMIT 1")).one()
                t0 = time.perf_counter()
                for stmt in SEED.split(";\n"):
                    if stmt.strip():
                        conn.execute(text(stmt), {"org": org, "loc": loc, "prov": prov, "patients": PATIENTS,
                                                  "courses": COURSES_PER_PATIENT,
                                                  "appointments": APPOINTMENTS_PER_PATIENT})
                seeded = time.perf_counter() - t0
            with engine.connect() as conn:
                counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in
                          ("patients", "courses", "appointments")}
            engine.dispose()
            print(f"\nseeded {counts} in {seeded:.0f} s")
            yield target, token, case, counts


def _latency(call) -> dict[str, float]:
    for _ in range(5):
        call()
    lat = []
    for _ in range(CALLS):
        t0 = time.perf_counter()
        call()
        lat.append(time.perf_counter() - t0)
    a = np.array(lat) * 1e3
    return {"p50_ms": float(np.percentile(a, 50)), "p99_ms": float(np.percentile(a, 99)), "calls": CALLS}


def test_opportunity_pages(benchmark, practice):
    target, token, case, counts = practice
    md = (("authorization", f"Bearer {token}"),)
    with grpc.insecure_channel(target) as ch:
        get_case = cases_pb2_grpc.CaseServiceStub(ch).GetCase
        lst = opportunities_pb2_grpc.OpportunityServiceStub(ch).ListOpportunities

        def page(**kw):
            return lst(qpb.ListOpportunitiesRequest(page_size=50, **kw), metadata=md)
        first = page()
        assert len(first.opportunities) == 50
        deep_token = first.next_page_token
        for _ in range(20):  # 21 pages in
            deep_token = page(page_token=deep_token).next_page_token
        cases = {
            "GetCase (floor)": lambda: get_case(cpb.GetCaseRequest(id=case.id), metadata=md),
            "first page, last_updated desc": lambda: page(),
            "page 22 by token": lambda: page(page_token=deep_token),
            "value desc": lambda: page(order_by="value desc"),
            "patient_name": lambda: page(order_by="patient_name"),
            "status = NEW, payor = NHS": lambda: page(filter="status = NEW AND payor = NHS"),
            "value 1,000-2,000, by value": lambda: page(min_value_minor=100000, max_value_minor=200000,
                                                         order_by="value"),
        }
        results = {}

        def run():
            for name, call in cases.items():
                results[name] = _latency(call)
        benchmark.pedantic(run, rounds=1, iterations=1)
    floor = results["GetCase (floor)"]["p50_ms"]
    print(f"\n{counts['courses']:,} courses, {counts['appointments']:,} appointments, {CALLS} calls each:")
    for name, r in results.items():
        ratio = r["p50_ms"] / floor
        print(f"  {name:32s} p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  ({ratio:.1f}x GetCase)")
    benchmark.extra_info.update(results)
    assert results["first page, last_updated desc"]["p99_ms"] < 1000
