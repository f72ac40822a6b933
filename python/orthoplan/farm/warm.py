"""Warm cases: a case's scans read and its clearance structures prepared, kept in this process so
that an edit re-stages it within the call. Least recently used first out; one re-stage of a case
at a time (its structures are shared by the calls)."""

from __future__ import annotations

import threading
from collections import OrderedDict

from .job import Warm


class WarmCases:
    def __init__(self, capacity: int = 8):
        self.capacity = capacity
        self._cases: OrderedDict[str, tuple[Warm, threading.Lock]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, case_id: str, warm: Warm) -> None:
        if self.capacity <= 0:
            return
        with self._lock:
            self._cases[case_id] = (warm, threading.Lock())
            self._cases.move_to_end(case_id)
            while len(self._cases) > self.capacity:
                self._cases.popitem(last=False)

    def get(self, case_id: str, scans: tuple[str, ...]) -> tuple[Warm, threading.Lock] | None:
        """The case's warm structures when they were made from these scans."""
        with self._lock:
            hit = self._cases.get(case_id)
            if hit is None or hit[0].scans != scans:
                return None
            self._cases.move_to_end(case_id)
            return hit

    def drop(self, case_id: str) -> None:
        with self._lock:
            self._cases.pop(case_id, None)

    def __len__(self) -> int:
        return len(self._cases)
