"""The outbox delivery worker: claim due notifications under a lease, send each (or a user's digest)
over SMTP, mark it sent in its own small transaction, retry transient failures with exponential
backoff and give up on permanent ones.

Crash safety. A worker that dies loses nothing: its lease runs out and another worker (or it, after
a restart) takes the notifications it had not marked. A notification is never sent again once its
mark has committed. One instant stays ambiguous, as in every SMTP client (RFC 1047): the server has
taken the message but the worker dies before it reads the reply and commits the mark. That one
notification is then sent again with the same Message-ID, which mail systems use to show it once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from ..adapters.db import dialect
from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..adapters.mailer import Email, PermanentFailure, SmtpMailer, Templates, TransientFailure
from ..domain.notifications import EVENTS, Mode

log = logging.getLogger("orthoplan.delivery")


@dataclass(frozen=True)
class DeliveryPolicy:
    batch: int = 50
    lease_s: float = 120.0  # longer than one batch takes; a dead worker's claims wait this long
    max_attempts: int = 8
    backoff_s: float = 30.0  # doubled after each failed try, up to backoff_max_s
    backoff_max_s: float = 3600.0


def message_id(dedupe_keys: list[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(dedupe_keys)).encode()).hexdigest()[:40]
    return f"<{digest}@orthoplan>"


class Worker:
    def __init__(self, uow: Callable[..., SqlUnitOfWork], mailer: SmtpMailer | None, templates: Templates,
                 clock: Callable[[], datetime], policy: DeliveryPolicy = DeliveryPolicy(), sms: Any = None):
        """`mailer` or `sms` may be None: what needs it waits (and, after its tries, fails saying so)."""
        self.uow, self.mailer, self.templates, self.clock, self.policy = uow, mailer, templates, clock, policy
        self.sms = sms
        self.id = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    # -- claiming ------------------------------------------------------------------------------
    def claim(self) -> list[m.OutboxMessage]:
        now = self.clock()
        with self.uow(write=True) as uow:
            s = uow.session
            q = (select(m.OutboxMessage)
                 .where(m.OutboxMessage.sent.is_(None), m.OutboxMessage.failed.is_(None), m.OutboxMessage.due <= now,
                        or_(m.OutboxMessage.lease_until.is_(None), m.OutboxMessage.lease_until < now))
                 .order_by(m.OutboxMessage.due, m.OutboxMessage.id).limit(self.policy.batch))
            if dialect.is_postgres(s):
                q = q.with_for_update(skip_locked=True)  # several workers split the work
            rows = list(s.execute(q).scalars())
            for r in rows:
                r.lease_until, r.leased_by = now + timedelta(seconds=self.policy.lease_s), self.id
            uow.commit()
            s.expunge_all()
            return rows

    # -- one round -----------------------------------------------------------------------------
    def run_once(self) -> dict[str, int]:
        """Claims one batch and delivers it; counts by outcome."""
        rows = self.claim()
        counts = {"sent": 0, "retry": 0, "failed": 0}
        if not rows:
            return counts
        texts = [r for r in rows if r.channel == "sms"]
        for r in texts:
            counts[self._text(r)] += 1
        units = self._units([r for r in rows if r.channel != "sms"])
        if not units:
            return counts
        if self.mailer is None:
            self._retry([r for u in units for r in u], "no SMTP server is configured (ORTHOPLAN_SMTP_HOST)")
            counts["retry"] += sum(len(u) for u in units)
            return counts
        handled: set[int] = set()
        try:
            with self.mailer.connection() as conn:
                for unit in units:
                    outcome = self._deliver(conn, unit)
                    handled.update(r.id for r in unit)
                    counts[outcome] += len(unit)
                    if outcome == "retry":  # the server is unwell: the rest waits, untried
                        break
        except (TransientFailure, PermanentFailure) as err:  # no session (unreachable, TLS, credentials)
            log.warning("smtp session failed: %s", err)
            failed = [r for u in units for r in u if r.id not in handled]
            self._retry(failed, str(err))
            counts["retry"] += len(failed)
            return counts
        rest = [r for u in units for r in u if r.id not in handled]
        self._postpone(rest)
        counts["retry"] += len(rest)
        return counts

    def _units(self, rows: list[m.OutboxMessage]) -> list[list[m.OutboxMessage]]:
        """Immediate notifications one by one; digests one email per recipient and mode."""
        units: list[list[m.OutboxMessage]] = []
        digests: dict[tuple[str, int], list[m.OutboxMessage]] = {}
        for r in rows:
            if r.mode == Mode.IMMEDIATE:
                units.append([r])
            else:
                digests.setdefault((r.recipient_email, r.mode), []).append(r)
        return units + list(digests.values())

    def _text(self, r: m.OutboxMessage) -> str:
        """One SMS; SMS are never collected into digests."""
        if self.sms is None:
            self._retry([r], "no SMS gateway is configured (ORTHOPLAN_SMS_URL)")
            return "retry"
        try:
            self.sms.send(r.recipient_email, r.payload["body"], message_id([r.dedupe_key]).strip("<>"))
        except TransientFailure as err:
            self._retry([r], str(err))
            return "retry"
        except PermanentFailure as err:
            self._fail([r], str(err))
            return "failed"
        self._mark_sent([r])
        return "sent"

    def _email(self, unit: list[m.OutboxMessage]) -> Email:
        keys = [r.dedupe_key for r in unit]
        if len(unit) == 1 and unit[0].mode == Mode.IMMEDIATE:
            r = unit[0]
            text, html = self.templates.render(r.event, r.payload)
            return Email(r.recipient_email, r.payload.get("subject") or EVENTS[r.event], text, html, message_id(keys))
        items = [(EVENTS[r.event], *self.templates.render(r.event, r.payload)) for r in unit]
        text, html = self.templates.digest(items)
        kind = "Daily" if unit[0].mode == Mode.DAILY_DIGEST else "Weekly"
        return Email(unit[0].recipient_email, f"{kind} digest: {len(unit)} update{'s' * (len(unit) != 1)}",
                     text, html, message_id(keys))

    def _deliver(self, conn, unit: list[m.OutboxMessage]) -> str:
        try:
            mail = self._email(unit)
            self.mailer.send(conn, mail)
        except TransientFailure as err:
            self._retry(unit, str(err))
            return "retry"
        except (PermanentFailure, Exception) as err:  # a refused address, or a template that cannot render
            if not isinstance(err, PermanentFailure):
                log.exception("cannot build notification %s", [r.id for r in unit])
            self._fail(unit, f"{err.__class__.__name__}: {err}")
            return "failed"
        self._mark_sent(unit)
        return "sent"

    # -- outcomes (each its own small transaction, guarded by this worker's lease) ---------------
    def _mark_sent(self, unit: list[m.OutboxMessage]) -> None:
        with self.uow(write=True) as uow:
            uow.session.execute(update(m.OutboxMessage).where(
                m.OutboxMessage.id.in_([r.id for r in unit]), m.OutboxMessage.leased_by == self.id)
                .values(sent=self.clock(), lease_until=None, last_error=""))
            uow.commit()

    def _fail(self, unit: list[m.OutboxMessage], error: str) -> None:
        with self.uow(write=True) as uow:
            uow.session.execute(update(m.OutboxMessage).where(
                m.OutboxMessage.id.in_([r.id for r in unit]), m.OutboxMessage.leased_by == self.id)
                .values(failed=self.clock(), lease_until=None, last_error=error[:500]))
            uow.commit()

    def _postpone(self, rows: list[m.OutboxMessage]) -> None:
        """Not tried (the server refused the mail before): due again after the first backoff."""
        if not rows:
            return
        with self.uow(write=True) as uow:
            uow.session.execute(update(m.OutboxMessage).where(
                m.OutboxMessage.id.in_([r.id for r in rows]), m.OutboxMessage.leased_by == self.id)
                .values(lease_until=None, due=self.clock() + timedelta(seconds=self.policy.backoff_s)))
            uow.commit()

    def _retry(self, rows: list[m.OutboxMessage], error: str) -> None:
        if not rows:
            return
        now = self.clock()
        with self.uow(write=True) as uow:
            for r in rows:
                attempts = r.attempts + 1
                values = {"attempts": attempts, "lease_until": None, "last_error": error[:500]}
                if attempts >= self.policy.max_attempts:
                    values["failed"] = now
                else:
                    wait = min(self.policy.backoff_s * 2 ** (attempts - 1), self.policy.backoff_max_s)
                    values["due"] = now + timedelta(seconds=wait)
                uow.session.execute(update(m.OutboxMessage).where(
                    m.OutboxMessage.id == r.id, m.OutboxMessage.leased_by == self.id).values(**values))
            uow.commit()

    # -- the loop ------------------------------------------------------------------------------
    def run(self, stop: threading.Event, idle_s: float = 1.0) -> None:
        while not stop.is_set():
            try:
                counts = self.run_once()
            except Exception:  # the database is away: try again after a pause
                log.exception("delivery round failed")
                counts = {}
            if not any(counts.values()):
                stop.wait(idle_s)
