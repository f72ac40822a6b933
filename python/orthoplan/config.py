"""Settings from the environment (ORTHOPLAN_*), with embedded defaults: SQLite in a data directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def default_workers(database_url: str) -> int:
    """RPC threads: an SQLite call is CPU-bound inside this process (more threads than cores only
    contend for the interpreter lock); a PostgreSQL call also waits on the network."""
    per_core = 2 if database_url.startswith("sqlite") else 4
    return max(4, min(64, per_core * (os.cpu_count() or 2)))


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    listen: str = "127.0.0.1:50051"
    workers: int = 8  # RPC worker threads; the database pool holds as many connections
    idle_timeout_s: int = 1800
    password_min_length: int = 12
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    artifact_dir: Path | None = None  # default: data_dir / "artifacts"
    max_scan_bytes: int = 256 << 20
    max_image_bytes: int = 32 << 20
    audit_retention_days: int = 0  # 0 keeps the audit log forever
    max_streams: int = 2000  # concurrent event streams; each holds a thread, so unary calls keep `workers`
    heartbeat_s: float = 15.0  # an idle event stream gets a heartbeat this often
    http_listen: str = "127.0.0.1:8080"  # patient pages (treatment packs); empty: not served
    public_url: str = "http://localhost:8080"  # where emails link to
    digest_hour: int = 7  # UTC hour of daily and weekly digests
    smtp_host: str = ""  # empty: no email is sent (notifications wait in the outbox)
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_sender: str = "orthoplan <no-reply@localhost>"
    smtp_ca_file: str = ""
    delivery_lease_s: float = 120.0  # a dead delivery worker's claims are taken over after this
    sms_url: str = ""  # HTTP SMS gateway; empty: SMS wait in the outbox
    sms_key: str = ""
    plan_workers: int = 1  # planning jobs run at once in the server; 0: none (a farm runs them)
    plan_lease_s: float = 60.0  # a dead planning worker's job is taken over after this
    ray_address: str = ""  # a Ray cluster: planning runs on its planner actors (empty: in this process)
    ray_planners: int = 2  # planner actors this server places on the cluster
    ray_cpus: float = 1.0  # Ray resources per planner actor
    ray_gpus: float = 0.0  # e.g. 0.25: four planners per card
    gpu_batch: str = "auto"  # pool concurrent jobs' clearance calls into one launch: auto (on a GPU), on, off
    gpu_batch_window_ms: float = 2.0  # the longest a batch waits for a busy job's call

    @property
    def artifacts_path(self) -> Path:
        return self.artifact_dir or self.data_dir / "artifacts"

    @staticmethod
    def from_env(env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        data = Path(env.get("ORTHOPLAN_DATA_DIR", Path.home() / ".orthoplan")).expanduser()
        url = env.get("ORTHOPLAN_DATABASE_URL") or f"sqlite:///{data / 'orthoplan.db'}"
        return Settings(data_dir=data, database_url=url, listen=env.get("ORTHOPLAN_LISTEN", "127.0.0.1:50051"),
                        workers=int(env.get("ORTHOPLAN_WORKERS", 0)) or default_workers(url),
                        idle_timeout_s=int(env.get("ORTHOPLAN_IDLE_TIMEOUT_S", "1800")),
                        password_min_length=int(env.get("ORTHOPLAN_PASSWORD_MIN_LENGTH", "12")),
                        argon2_time_cost=int(env.get("ORTHOPLAN_ARGON2_TIME_COST", "3")),
                        argon2_memory_kib=int(env.get("ORTHOPLAN_ARGON2_MEMORY_KIB", "65536")),
                        artifact_dir=Path(env["ORTHOPLAN_ARTIFACT_DIR"]).expanduser()
                        if env.get("ORTHOPLAN_ARTIFACT_DIR") else None,
                        max_scan_bytes=int(env.get("ORTHOPLAN_MAX_SCAN_BYTES", 256 << 20)),
                        max_image_bytes=int(env.get("ORTHOPLAN_MAX_IMAGE_BYTES", 32 << 20)),
                        audit_retention_days=int(env.get("ORTHOPLAN_AUDIT_RETENTION_DAYS", "0")),
                        max_streams=int(env.get("ORTHOPLAN_MAX_STREAMS", "2000")),
                        heartbeat_s=float(env.get("ORTHOPLAN_HEARTBEAT_S", "15")),
                        http_listen=env.get("ORTHOPLAN_HTTP_LISTEN", "127.0.0.1:8080"),
                        public_url=env.get("ORTHOPLAN_PUBLIC_URL", "http://localhost:8080"),
                        digest_hour=int(env.get("ORTHOPLAN_DIGEST_HOUR", "7")),
                        smtp_host=env.get("ORTHOPLAN_SMTP_HOST", ""),
                        smtp_port=int(env.get("ORTHOPLAN_SMTP_PORT", "587")),
                        smtp_starttls=env.get("ORTHOPLAN_SMTP_STARTTLS", "true").lower() in ("1", "true", "yes"),
                        smtp_username=env.get("ORTHOPLAN_SMTP_USERNAME", ""),
                        smtp_password=env.get("ORTHOPLAN_SMTP_PASSWORD", ""),
                        smtp_sender=env.get("ORTHOPLAN_SMTP_SENDER", "orthoplan <no-reply@localhost>"),
                        smtp_ca_file=env.get("ORTHOPLAN_SMTP_CA_FILE", ""),
                        delivery_lease_s=float(env.get("ORTHOPLAN_DELIVERY_LEASE_S", "120")),
                        sms_url=env.get("ORTHOPLAN_SMS_URL", ""), sms_key=env.get("ORTHOPLAN_SMS_KEY", ""),
                        plan_workers=int(env.get("ORTHOPLAN_PLAN_WORKERS", "1")),
                        plan_lease_s=float(env.get("ORTHOPLAN_PLAN_LEASE_S", "60")),
                        ray_address=env.get("ORTHOPLAN_RAY_ADDRESS", ""),
                        ray_planners=int(env.get("ORTHOPLAN_RAY_PLANNERS", "2")),
                        ray_cpus=float(env.get("ORTHOPLAN_RAY_CPUS", "1")),
                        ray_gpus=float(env.get("ORTHOPLAN_RAY_GPUS", "0")),
                        gpu_batch=env.get("ORTHOPLAN_GPU_BATCH", "auto").lower(),
                        gpu_batch_window_ms=float(env.get("ORTHOPLAN_GPU_BATCH_WINDOW_MS", "2")))
