"""Opaque keyset page tokens: the last row's sort key, bound to the query that produced it."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from ..domain.errors import InvalidArgument, Violation


def query_fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def encode(key: list[Any], fingerprint: str) -> str:
    raw = json.dumps({"k": key, "q": fingerprint}, default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str, fingerprint: str) -> list[Any] | None:
    """None for the first page; InvalidArgument for a malformed token or one from another query."""
    if not token:
        return None
    bad = InvalidArgument("page_token: invalid", [Violation("page_token", "is not a token from this list query")])
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise bad from None
    if not isinstance(data, dict) or data.get("q") != fingerprint or not isinstance(data.get("k"), list):
        raise bad
    return data["k"]
