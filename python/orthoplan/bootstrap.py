"""Composition root: builds engine, migrations, dependencies and the server when called (never at import)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from .adapters.artifacts import LocalArtifactStore
from .adapters.db.engine import make_engine, upgrade
from .adapters.db.uow import uow_factory
from .adapters.mailer import SmtpConfig, SmtpMailer, Templates
from .adapters.passwords import Argon2Passwords
from .adapters.sms import HttpSmsGateway, SmsConfig
from .api.context import Runtime
from .api.server import ApiServer
from .config import Settings
from .domain.identity import PasswordPolicy
from .farm.executor import Executor, InProcessExecutor, check_batch_settings, make_batcher
from .services.delivery import DeliveryPolicy, Worker
from .services.deps import Deps


@dataclass
class App:
    settings: Settings
    engine: Engine
    runtime: Runtime

    def delivery_worker(self) -> Worker | None:
        """The outbox's worker (email over SMTP, SMS through the gateway), or None when neither is
        configured."""
        s = self.settings
        if not s.smtp_host and not s.sms_url:
            return None
        mailer = SmtpMailer(SmtpConfig(s.smtp_host, s.smtp_port, s.smtp_starttls, s.smtp_username, s.smtp_password,
                                       s.smtp_sender, s.smtp_ca_file)) if s.smtp_host else None
        sms = HttpSmsGateway(SmsConfig(s.sms_url, s.sms_key)) if s.sms_url else None
        return Worker(self.runtime.uow, mailer, Templates(s.public_url), self.runtime.deps.clock,
                      DeliveryPolicy(lease_s=s.delivery_lease_s), sms=sms)

    def planner(self) -> Executor | None:
        """The planning executor (not started): Ray planner actors where ORTHOPLAN_RAY_ADDRESS names a
        cluster, else worker threads in this process, or None when ORTHOPLAN_PLAN_WORKERS is 0."""
        s = self.settings
        if s.plan_workers <= 0:
            return None
        if s.ray_address:
            from .farm.ray_executor import RayExecutor, RayPlacement, actor_env

            check_batch_settings(s)  # the actors apply them; a typo fails here, at start

            return RayExecutor(s.ray_address, actor_env(s), RayPlacement(
                planners=s.ray_planners, workers=s.plan_workers, cpus=s.ray_cpus, gpus=s.ray_gpus))
        return InProcessExecutor(self.runtime.uow, self.runtime.deps, workers=s.plan_workers, lease_s=s.plan_lease_s,
                                 batcher=make_batcher(s, s.plan_workers))

    def server(self, address: str | None = None) -> ApiServer:
        return ApiServer(self.runtime, address or self.settings.listen, workers=self.settings.workers,
                         max_streams=self.settings.max_streams, heartbeat_s=self.settings.heartbeat_s,
                         http_address=self.settings.http_listen)


def build(settings: Settings) -> App:
    if settings.database_url.startswith("sqlite:///"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url, pool_size=settings.workers)
    upgrade(engine)
    deps = Deps(passwords=Argon2Passwords(settings.argon2_time_cost, settings.argon2_memory_kib),
                password_policy=PasswordPolicy(min_length=settings.password_min_length),
                idle_timeout_s=settings.idle_timeout_s, artifacts=LocalArtifactStore(settings.artifacts_path),
                max_scan_bytes=settings.max_scan_bytes, max_image_bytes=settings.max_image_bytes,
                digest_hour=settings.digest_hour, public_url=settings.public_url)
    return App(settings, engine, Runtime(uow_factory(engine), deps))
