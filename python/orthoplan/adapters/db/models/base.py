"""The declarative base and the id type every table uses."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase

ID = String(32)  # uuid4().hex


class Base(DeclarativeBase):
    pass
