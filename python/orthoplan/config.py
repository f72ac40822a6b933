"""Settings from the environment (ORTHOPLAN_*), with embedded defaults: SQLite in a data directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    listen: str = "127.0.0.1:50051"
    idle_timeout_s: int = 1800
    password_min_length: int = 12
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536

    @staticmethod
    def from_env(env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        data = Path(env.get("ORTHOPLAN_DATA_DIR", Path.home() / ".orthoplan")).expanduser()
        url = env.get("ORTHOPLAN_DATABASE_URL") or f"sqlite:///{data / 'orthoplan.db'}"
        return Settings(data_dir=data, database_url=url, listen=env.get("ORTHOPLAN_LISTEN", "127.0.0.1:50051"),
                        idle_timeout_s=int(env.get("ORTHOPLAN_IDLE_TIMEOUT_S", "1800")),
                        password_min_length=int(env.get("ORTHOPLAN_PASSWORD_MIN_LENGTH", "12")),
                        argon2_time_cost=int(env.get("ORTHOPLAN_ARGON2_TIME_COST", "3")),
                        argon2_memory_kib=int(env.get("ORTHOPLAN_ARGON2_MEMORY_KIB", "65536")))
