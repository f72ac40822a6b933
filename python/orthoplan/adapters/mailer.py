"""Email: templates (files, plain text + HTML, rendered with Jinja2; HTML autoescaped) and an SMTP
sender (smtplib: host, port, STARTTLS with certificate checks, credentials)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup


class PermanentFailure(Exception):
    """The server refused for good (5xx): retrying will not help."""


class TransientFailure(Exception):
    """Try again later: 4xx, or the server could not be reached."""


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    message_id: str  # stable per notification: a re-send after a crash carries the same one


class Templates:
    """`<event>.txt` and `<event>.html` in orthoplan/templates/email; `digest.*` wraps several."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.env = Environment(loader=PackageLoader("orthoplan", "templates/email"),
                               autoescape=select_autoescape(enabled_extensions=("html",), default=False),
                               undefined=StrictUndefined, trim_blocks=True)

    def render(self, event: str, payload: dict[str, Any]) -> tuple[str, str]:
        ctx = {**payload, "base_url": self.base_url}
        return (self.env.get_template(f"{event}.txt").render(ctx).strip(),
                self.env.get_template(f"{event}.html").render(ctx).strip())

    def digest(self, items: list[tuple[str, str, str]]) -> tuple[str, str]:
        """`items`: (subject, text, html) of each notification."""
        rows = [{"subject": s, "text": t, "html": Markup(h)} for s, t, h in items]  # noqa: S704 - our own render
        return (self.env.get_template("digest.txt").render(items=rows).strip(),
                self.env.get_template("digest.html").render(items=rows).strip())


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    starttls: bool = True
    username: str = ""
    password: str = ""
    sender: str = "orthoplan <no-reply@localhost>"
    ca_file: str = ""  # trust this CA for STARTTLS (default: the system's)
    timeout_s: float = 30.0


class SmtpMailer:
    def __init__(self, cfg: SmtpConfig):
        self.cfg = cfg

    @contextmanager
    def connection(self) -> Iterator[smtplib.SMTP]:
        cfg = self.cfg
        try:
            conn = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_s)
        except (OSError, smtplib.SMTPException) as err:
            raise TransientFailure(f"cannot reach {cfg.host}:{cfg.port}: {err}") from err
        try:
            if cfg.starttls:
                ctx = ssl.create_default_context(cafile=cfg.ca_file or None)
                conn.starttls(context=ctx)
            if cfg.username:
                conn.login(cfg.username, cfg.password)
            yield conn
        except smtplib.SMTPAuthenticationError as err:
            raise PermanentFailure(f"authentication refused: {err.smtp_code}") from err
        except (OSError, smtplib.SMTPException) as err:
            if isinstance(err, (PermanentFailure, TransientFailure)):
                raise
            raise TransientFailure(f"session with {cfg.host}:{cfg.port} failed: {err}") from err
        finally:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                conn.close()

    def send(self, conn: smtplib.SMTP, mail: Email) -> None:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.cfg.sender, mail.to, mail.subject
        msg["Message-ID"], msg["Date"] = mail.message_id, formatdate(usegmt=True)
        msg.set_content(mail.text)
        msg.add_alternative(mail.html, subtype="html")
        try:
            conn.send_message(msg)
        except smtplib.SMTPRecipientsRefused as err:
            code = min(c for c, _ in err.recipients.values())
            raise (PermanentFailure if code >= 500 else TransientFailure)(f"recipient refused: {code}") from err
        except smtplib.SMTPResponseException as err:
            cls = PermanentFailure if err.smtp_code >= 500 else TransientFailure
            raise cls(f"refused: {err.smtp_code} {err.smtp_error!r}") from err
        except (OSError, smtplib.SMTPServerDisconnected) as err:
            raise TransientFailure(f"connection lost: {err}") from err
