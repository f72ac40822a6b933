"""Live fan-out of committed events to the streams of this process.

One dispatcher thread per process: when a topic is woken (by a commit in this process, or by
PostgreSQL NOTIFY from any process) it reads the new events once and offers them to every
subscription of the topic. A subscription delivers events strictly in sequence; when it sees a gap
(it subscribed in the past, or a wake was lost) its own stream reads the missing events from the
database. So nothing is lost or repeated however wakes arrive, and the database is read once per
change, not once per subscriber. It is polled only where no NOTIFY exists (SQLite, whose other
writers are planner processes on the same machine): every `poll_s`, the topics that have streams.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("orthoplan.events")

Fetch = Callable[[str, int], list]  # (topic, after seq) -> rows with .seq, ascending, at most one page


class Subscription:
    """One stream's view of a topic: `take` returns the next events in order."""

    def __init__(self, topic: str, after: int, page: int):
        self.topic = topic
        self.next = after + 1  # the seq the client gets next
        self._page = page
        self._buf: dict[int, Any] = {}
        self._cond = threading.Condition()
        self._behind = True  # read the database first: it may hold events after `after`
        self.closed = False

    def offer(self, rows: list) -> None:
        with self._cond:
            for r in rows:
                if r.seq >= self.next:
                    self._buf[r.seq] = r
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify()

    def _ready(self) -> list:
        out = []
        while self.next in self._buf:
            out.append(self._buf.pop(self.next))
            self.next += 1
        return out

    def take(self, timeout: float, fetch: Fetch) -> list | None:
        """The next events in order; [] when none came within `timeout`; None once closed."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                if self.closed:
                    return None
                out = self._ready()
                if out:
                    return out
                if not (self._behind or self._buf):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return []
                    self._cond.wait(left)
                    continue
                self._behind = False
                start = self.next
            rows = fetch(self.topic, start - 1)  # a gap: read it outside the lock
            with self._cond:
                if rows and rows[0].seq > self.next:  # older events were pruned: skip to what exists
                    self.next = rows[0].seq
                for r in rows:
                    if r.seq >= self.next:
                        self._buf[r.seq] = r
                self._behind = len(rows) >= self._page
                out = self._ready()
                if out:
                    return out
                if self._buf:  # still a gap: the change is committing; look again shortly
                    self._cond.wait(0.05)


class EventHub:
    """`subscribe`/`unsubscribe` for streams; `wake` after a commit; `close` ends every stream."""

    def __init__(self, fetch: Fetch, last_seq: Callable[[str], int], page: int = 500, poll_s: float | None = None):
        self.fetch = fetch
        self.poll_s = poll_s
        self._last_seq = last_seq
        self._page = page
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)
        self._subs: dict[str, set[Subscription]] = {}
        self._cursor: dict[str, int] = {}  # per topic: the last seq dispatched
        self._pending: set[str] = set()
        self.closed = False
        self._thread = threading.Thread(target=self._run, name="event-hub", daemon=True)
        self._thread.start()

    def subscribe(self, topic: str, after: int, from_now: bool = False) -> Subscription:
        with self._lock:
            if self.closed:
                raise RuntimeError("the event hub is closed")
            if topic not in self._subs:
                # the first stream of a topic: dispatch from the topic's end (the stream reads
                # anything older itself)
                self._cursor[topic] = self._last_seq(topic)
                self._subs[topic] = set()
            sub = Subscription(topic, self._cursor[topic] if from_now else max(after, 0), self._page)
            self._subs[topic].add(sub)
            return sub

    def unsubscribe(self, sub: Subscription) -> None:
        sub.close()
        with self._lock:
            subs = self._subs.get(sub.topic)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subs[sub.topic], self._cursor[sub.topic]

    def wake(self, topic: str, seq: int) -> None:
        with self._lock:
            if topic in self._subs and seq > self._cursor[topic]:
                self._pending.add(topic)
                self._work.notify()

    def wake_all(self) -> None:
        """After wakes may have been lost (the listener reconnected): look at every topic."""
        with self._lock:
            self._pending.update(self._subs)
            self._work.notify()

    @property
    def stream_count(self) -> int:
        with self._lock:
            return sum(len(s) for s in self._subs.values())

    def close(self) -> None:
        with self._lock:
            self.closed = True
            subs = [s for group in self._subs.values() for s in group]
            self._work.notify()
        for s in subs:
            s.close()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._pending and not self.closed:
                    if not self._work.wait(self.poll_s) and self.poll_s is not None:
                        self._pending.update(self._subs)  # polled: other processes' commits
                        break
                if self.closed:
                    return
                topics, self._pending = self._pending, set()
                cursors = {t: self._cursor[t] for t in topics if t in self._cursor}
            for topic, after in cursors.items():
                try:
                    self._dispatch(topic, after)
                except Exception:  # the database is away: streams catch up on their next gap
                    log.exception("event dispatch failed for %s", topic)

    def _dispatch(self, topic: str, after: int) -> None:
        while True:
            rows = self.fetch(topic, after)
            if not rows:
                return
            with self._lock:
                if topic not in self._subs:
                    return
                self._cursor[topic] = max(self._cursor[topic], rows[-1].seq)
                subs = list(self._subs[topic])
            for s in subs:
                s.offer(rows)
            if len(rows) < self._page:
                return
            after = rows[-1].seq


class PgListener:
    """LISTENs on a dedicated PostgreSQL connection and wakes the hub for each NOTIFY. After a
    (re)connect it wakes every topic, since notifications sent while away are gone."""

    def __init__(self, conninfo: str, channel: str, hub: EventHub):
        self.conninfo, self.channel, self.hub = conninfo, channel, hub
        self._stop = threading.Event()
        self.connected = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pg-listen", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psycopg

        backoff = 0.1
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {self.channel}")
                    self.connected.set()
                    self.hub.wake_all()
                    backoff = 0.1
                    while not self._stop.is_set():
                        for n in conn.notifies(timeout=1.0):
                            topic, _, seq = n.payload.rpartition(" ")
                            if seq.isdigit():
                                self.hub.wake(topic, int(seq))
            except Exception as err:  # the database restarted or the network dropped: reconnect
                self.connected.clear()
                if self._stop.is_set():
                    return
                log.warning("event listener lost its connection (%s); reconnecting", err.__class__.__name__)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)

    def close(self) -> None:
        """Returns at once; the thread notices within its one-second wait and closes the connection."""
        self._stop.set()
