"""Where the CLI keeps its sign-in between commands: one JSON file, readable by its owner only."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SavedSession:
    server: str
    token: str
    email: str


def session_path(env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ if env is None else env)
    return Path(env.get("ORTHOPLAN_DATA_DIR", Path.home() / ".orthoplan")).expanduser() / "cli-session.json"


def save(path: Path, s: SavedSession) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    # created 0600 before the token is written, then swapped in whole
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"server": s.server, "token": s.token, "email": s.email}, f)
    os.replace(tmp, path)


def load(path: Path) -> SavedSession | None:
    try:
        raw = json.loads(path.read_text())
        return SavedSession(str(raw["server"]), str(raw["token"]), str(raw.get("email", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def clear(path: Path) -> None:
    path.unlink(missing_ok=True)
