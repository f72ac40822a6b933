"""The conventions every List RPC shares: `filter` (`field = value` terms joined by AND),
`order_by` (one sort key, then `asc` or `desc`) and keyset pages bound to the query that made them,
so a page never skips or repeats a row when rows are inserted between calls."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from sqlalchemy import DateTime, Integer, tuple_
from sqlalchemy.orm import Session

from ..domain.errors import Collector, InvalidArgument, Violation
from . import pagination
from . import validate as v
from .deps import aware

_TERM = re.compile(r'^\s*(\w+)\s*=\s*("([^"]*)"|[\w.-]+)\s*$')


@dataclass(frozen=True)
class Term:
    """A filterable field: an id, an enum value by name, or `true`/`false`."""

    column: Any
    enum: type[IntEnum] | None = None
    boolean: bool = False
    # for an enum computed by an expression: member -> a condition the planner can estimate (an
    # equality on a CASE expression looks rare to it, and it then picks a slow plan)
    predicate: Callable[[IntEnum], Any] | None = None


@dataclass(frozen=True)
class Listing:
    """What one List RPC may filter and sort by. `orders` maps a sort key to its columns; the unique
    `tiebreak` column is appended so that the keyset is total."""

    name: str
    filters: dict[str, Term]
    orders: dict[str, tuple[Any, ...]]
    default_order: str
    tiebreak: Any

    def parse(self, c: Collector, filter_text: str, order_by: str) -> tuple[list, tuple[Any, ...], bool]:
        """(conditions, sort columns, descending); every problem is added to `c`."""
        conds = self._filter(c, filter_text)
        parts = (order_by.strip() or self.default_order).split()
        if (not parts or parts[0] not in self.orders or len(parts) > 2
                or (len(parts) == 2 and parts[1] not in ("asc", "desc"))):
            c.add("order_by", f"must be one of {', '.join(self.orders)}, optionally followed by asc or desc")
            return conds, (self.tiebreak,), False
        return conds, (*self.orders[parts[0]], self.tiebreak), len(parts) == 2 and parts[1] == "desc"

    def _filter(self, c: Collector, text: str) -> list:
        conds: list = []
        if not text.strip():
            return conds
        for term in re.split(r"\s+AND\s+", text.strip()):
            mt = _TERM.match(term)
            spec = self.filters.get(mt.group(1)) if mt else None
            if spec is None:
                fields = ", ".join(self.filters) or "none"
                c.add("filter", f"cannot parse {term[:60]!r}; `field = value` terms joined by AND; fields: {fields}")
                continue
            name, value = mt.group(1), mt.group(3) if mt.group(3) is not None else mt.group(2)
            if spec.enum is not None:
                members = [k for k in spec.enum.__members__ if not k.endswith("UNSPECIFIED")]
                if value not in members:
                    c.add("filter", f"{name} must be one of {', '.join(members)}")
                    continue
                member = spec.enum[value]
                conds.append(spec.predicate(member) if spec.predicate else spec.column == int(member))
            elif spec.boolean:
                if value not in ("true", "false"):
                    c.add("filter", f"{name} must be true or false")
                    continue
                conds.append(spec.column.is_(value == "true"))
            else:
                if not v.is_id(value):
                    c.add("filter", f"{name} must be an id")
                    continue
                conds.append(spec.column == value)
        return conds


def _dump(value: Any) -> Any:
    return aware(value).isoformat() if isinstance(value, datetime) else value


def _load(column: Any, value: Any) -> Any:
    """A key value back from a token; a token holds only what `_dump` wrote, so anything else is
    a forged or damaged one."""
    kind = column.type
    if isinstance(kind, Integer):
        if type(value) is not int:
            raise ValueError
        return value
    if not isinstance(value, str):
        raise ValueError
    return datetime.fromisoformat(value) if isinstance(kind, DateTime) else value


def page(s: Session, q: Any, columns: tuple[Any, ...], desc: bool, size: int, token: str,
         fingerprint: str) -> tuple[list, str]:
    """One keyset page of `q` and the token for the next, empty on the last page. The sort columns
    are selected columns or labels of `q`, or attributes of its first selected entity."""
    key = pagination.decode(token, fingerprint)
    if key is not None:
        try:
            bound = tuple_(*[_load(col, k) for col, k in zip(columns, key, strict=True)])
        except (TypeError, ValueError):
            raise InvalidArgument("page_token: invalid",
                                  [Violation("page_token", "is not a token from this list query")]) from None
        pair = tuple_(*columns)
        q = q.where(pair < bound if desc else pair > bound)
    q = q.order_by(*[col.desc() if desc else col for col in columns])
    rows = s.execute(q.limit(size + 1)).all()
    nxt = ""
    if len(rows) > size:
        last = rows[size - 1]
        nxt = pagination.encode([_dump(_key(last, col)) for col in columns], fingerprint)
    return rows[:size], nxt


def _key(row: Any, col: Any) -> Any:
    """A sort key's value in a result row: a selected column or label, else the first entity's
    attribute."""
    try:
        return row._mapping[col]
    except KeyError:
        return getattr(row[0], col.key)


@dataclass(frozen=True)
class Request:
    """Checked list arguments; `fetch` runs them against a scoped query."""

    listing: Listing
    size: int
    token: str
    conds: list
    columns: tuple[Any, ...]
    desc: bool
    text: tuple[str, str]

    def fetch(self, s: Session, q: Any, scope: tuple[Any, ...]) -> tuple[list, str]:
        """`scope` (the caller, the parent, a search text) binds the token to this exact query."""
        fp = pagination.query_fingerprint(self.listing.name, *scope, *self.text)
        return page(s, q.where(*self.conds), self.columns, self.desc, self.size, self.token, fp)


def check(c: Collector, listing: Listing, page_size: int, page_token: str, filter_text: str,
          order_by: str) -> Request:
    """Adds every problem with the list arguments to `c` (the caller raises, with its own)."""
    size = v.page_size(c, page_size)
    v.text(c, "filter", filter_text, max_len=1000, required=False)
    v.text(c, "order_by", order_by, max_len=100, required=False)
    conds, columns, desc = listing.parse(c, "" if c.has("filter") else filter_text,
                                         "" if c.has("order_by") else order_by)
    return Request(listing, size, page_token, conds, columns, desc, (filter_text, order_by))
