"""SMS through an HTTP gateway: POST JSON {to, text, id} to a configured URL with a bearer key.
The `id` is stable per message, so a gateway that deduplicates by it sends a retry once."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from .mailer import PermanentFailure, TransientFailure


@dataclass(frozen=True)
class SmsConfig:
    url: str
    key: str
    sender: str = "orthoplan"
    timeout_s: float = 15.0


class HttpSmsGateway:
    def __init__(self, cfg: SmsConfig):
        if not cfg.url.startswith(("https://", "http://")):
            raise ValueError(f"sms url: {cfg.url!r} is not an http(s) URL")
        self.cfg = cfg

    def send(self, to: str, text: str, message_id: str) -> None:
        body = json.dumps({"to": to, "text": text, "id": message_id, "from": self.cfg.sender}).encode()
        req = urllib.request.Request(self.cfg.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.cfg.key}"})
        try:
            with urllib.request.urlopen(req, timeout=self.cfg.timeout_s) as res:  # noqa: S310 - configured URL
                res.read()
        except urllib.error.HTTPError as err:
            retry = err.code >= 500 or err.code in (408, 429)
            raise (TransientFailure if retry else PermanentFailure)(f"gateway answered {err.code}") from err
        except (urllib.error.URLError, OSError) as err:
            raise TransientFailure(f"gateway unreachable: {err}") from err
