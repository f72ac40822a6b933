"""Loopback resources for API tests and benchmarks: a scratch PostgreSQL database, a free port."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("ORTHOPLAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def pg_unreachable() -> str | None:
    """Why PostgreSQL cannot be used (a skip reason), or None."""
    try:
        eng = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with eng.connect():
            pass
        eng.dispose()
        return None
    except Exception as e:  # noqa: BLE001 - any failure means "skip with the reason"
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {e.__class__.__name__}"


@contextmanager
def scratch_pg_database(prefix: str) -> Iterator[str]:
    """A fresh database's URL, dropped afterwards (connections forced off)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def ray_cluster(num_cpus: int = 4) -> Iterator[str]:
    """A real Ray head node on 127.0.0.1 (`ray start --head`, its own raylet and worker processes);
    its address. Every process of it is stopped afterwards, and this process's driver shut down."""
    import shutil
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    import ray

    cli = str(Path(sys.executable).parent / "ray")
    temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray's socket paths must fit 107 bytes
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    port = free_port()
    started = subprocess.run([cli, "start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}",
                              f"--num-cpus={num_cpus}", "--num-gpus=0", "--include-dashboard=false",
                              "--disable-usage-stats", f"--temp-dir={temp}"],
                             env=env, capture_output=True, text=True, timeout=180)
    if started.returncode != 0:
        raise RuntimeError(f"ray start failed: {started.stdout}{started.stderr}")
    try:
        yield f"127.0.0.1:{port}"
    finally:
        ray.shutdown()
        subprocess.run([cli, "stop", "--force"], env=env, capture_output=True, timeout=120)
        shutil.rmtree(temp, ignore_errors=True)
