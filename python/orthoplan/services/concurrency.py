"""Optimistic concurrency: the etag of a versioned row, and the one check every mutation uses."""

from __future__ import annotations

from ..domain.errors import StaleEtag


def etag_of(row) -> str:
    return f'"{row.version}"'


def check_etag(row, etag: str, what: str) -> None:
    """An empty etag means 'unconditional' (Google AIP-154); any other must match the current one.
    The version column still guards the write itself against a concurrent change."""
    if etag and etag != etag_of(row):
        raise StaleEtag(f"{what} changed since it was read")
