"""Field checks shared by the use cases; each adds to a Collector so all bad fields come back at once."""

from __future__ import annotations

import re
from datetime import date

from ..domain.errors import Collector, InvalidArgument, Violation

_ID = re.compile(r"^[0-9a-f]{32}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def text(c: Collector, field: str, value: str, *, max_len: int, required: bool = True) -> str:
    v = value.strip()
    if required and not v:
        c.add(field, "is required")
    elif len(v) > max_len:
        c.add(field, f"is {len(v)} characters; at most {max_len}")
    elif any(ord(ch) < 32 for ch in v):
        c.add(field, "contains control characters")
    return v


def is_id(value: str) -> bool:
    return bool(_ID.match(value))


def ident(c: Collector, field: str, value: str, *, required: bool = True) -> str:
    if not value and not required:
        return ""
    if not is_id(value):
        c.add(field, "must be an id of 32 lowercase hex digits")
    return value


def require_id(field: str, value: str) -> str:
    if not _ID.match(value):
        raise InvalidArgument(f"{field}: malformed id", [Violation(field, "must be an id of 32 lowercase hex digits")])
    return value


def email(c: Collector, field: str, value: str, *, required: bool = True) -> str:
    v = value.strip().lower()
    if not v and not required:
        return ""
    if len(v) > 254 or not _EMAIL.match(v) or any(ord(ch) < 32 or ord(ch) == 127 for ch in v):
        c.add(field, "must be an email address")
    return v


def mobile(c: Collector, field: str, value: str) -> str:
    v = value.strip().replace(" ", "")
    if v and not _E164.match(v):
        c.add(field, "must be an E.164 number such as +447700900123")
    return v


def iso_date(c: Collector, field: str, value: str) -> str:
    try:
        d = date.fromisoformat(value)
    except ValueError:
        c.add(field, "must be a date YYYY-MM-DD")
        return value
    if not (1900 <= d.year <= 2100):
        c.add(field, "must be between 1900 and 2100")
    return value


def request_id(c: Collector, value: str) -> str:
    if value and (len(value) > 64 or not value.isprintable()):
        c.add("request_id", "must be 1-64 printable characters")
    return value


def page_size(c: Collector, value: int, default: int = 50, maximum: int = 500) -> int:
    if value < 0 or value > maximum:
        c.add("page_size", f"must be between 0 and {maximum}")
        return default
    return value or default
