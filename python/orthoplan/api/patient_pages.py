"""The patient page: what a treatment pack's link opens, served over HTTP by the server process
(which also serves the 3D stage viewer: viewer_pages.py).

A small, accessible page (the key images, the options with fees, next steps, a reply box and an
"I'd like to proceed" button) that works on a phone without scripts. The link's token is the only
credential; the page shows the patient's first name and the practice, nothing else of theirs.
An unknown, expired or revoked link gets a plain "no longer available" page.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from ..adapters.db import models as m
from ..services import packs
from .context import Runtime
from .http_send import html_page, send
from .viewer_pages import ViewerPages

log = logging.getLogger("orthoplan.pages")
_ROUTE = re.compile(r"^/p/([A-Za-z0-9_-]{20,100})(/image/(\d)|/reply|/proceed)?/?$")
MAX_FORM = 16 * 1024
PLAN = {1: "Oral health", 2: "Aesthetic (elective)", 3: "Oral health and aesthetic"}
STYLE = """
body{font:1.05rem/1.5 system-ui,sans-serif;margin:0 auto;max-width:40rem;padding:1rem;color:#1a1a1a}
h1{font-size:1.5rem}img{max-width:100%;height:auto;border-radius:.4rem}
ul.options{padding:0;list-style:none}
ul.options li{border:1px solid #bbb;border-radius:.4rem;padding:.6rem;margin:.4rem 0}
textarea{width:100%;min-height:6rem;font:inherit}button{font:inherit;padding:.6rem 1rem;margin:.4rem 0}
.done{background:#e6f4ea;padding:.6rem;border-radius:.4rem}
"""


def _page(title: str, body: str) -> bytes:
    return html_page(title, f"<main>{body}</main>", STYLE)


GONE = _page("No longer available", "<h1>This link is no longer available</h1>"
             "<p>Please contact your practice for a new one.</p>")


def _money(minor: int, currency: str) -> str:
    return f"{currency} {minor / 100:,.2f}"


class PatientPages:
    """`start()` serves on `address` (port 0 picks one); `stop()` ends it."""

    def __init__(self, rt: Runtime, address: str = "127.0.0.1:8080"):
        host, port = address.rsplit(":", 1)
        pages = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "orthoplan"
            sys_version = ""

            def log_message(self, fmt, *args):  # the path holds the token: never log it
                log.debug("patient page %s", args[1] if len(args) > 1 else "")

            def do_GET(self):  # noqa: N802 - http.server's name
                pages.handle(self, "GET")

            def do_POST(self):  # noqa: N802
                pages.handle(self, "POST")

        self.rt = rt
        self.viewer = ViewerPages(rt)
        self.httpd = ThreadingHTTPServer((host, int(port)), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.host = host
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> PatientPages:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="patient-pages", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- requests --------------------------------------------------------------------------------
    def _send(self, h: BaseHTTPRequestHandler, code: int, body: bytes, ctype: str = "text/html; charset=utf-8",
              location: str = "") -> None:
        send(h, code, body, ctype, location=location)

    def handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        try:
            path, _, query = h.path.partition("?")
            if self.viewer.handles(path):
                self.viewer.handle(h, method, path, query)
                return
            match = _ROUTE.match(path)
            if match is None:
                self._send(h, 404, GONE)
                return
            token, sub, image = match.group(1), match.group(2) or "", match.group(3)
            if method == "GET" and image is not None:
                self._image(h, token, int(image))
            elif method == "GET" and not sub:
                self._view(h, token, query)
            elif method == "POST" and sub in ("/reply", "/proceed"):
                self._act(h, token, sub[1:])
            else:
                self._send(h, 405, _page("Not allowed", "<h1>Not allowed</h1>"))
        except Exception:  # never a stack trace to the patient
            log.exception("patient page failed")
            self._send(h, 500, _page("Error", "<h1>Something went wrong</h1><p>Please try again later.</p>"))

    def _view(self, h, token: str, query: str) -> None:
        deps = self.rt.deps
        with self.rt.uow(write=True) as uow:
            if not packs.patient_action(uow, deps, token, "opened"):
                self._send(h, 410, GONE)
                return
            s = uow.session
            pack = packs.by_token(s, deps, token)
            patient = s.get(m.Patient, pack.patient_id)
            practice = s.get(m.Location, pack.location_id).name
            uow.commit()
        done = parse_qs(query).get("done", [""])[0]
        e = html.escape
        images = "".join(f'<figure><img src="/p/{token}/image/{i}" alt="Key image {i + 1} of {len(pack.images)} '
                         f'for your treatment"></figure>' for i in range(len(pack.images)))
        options = "".join(f"<li><strong>{e(o['name'])}</strong><br>{e(_money(o['fee_minor'], pack.currency))}</li>"
                          for o in pack.options)
        notice = {"reply": '<p class="done" role="status">Thank you, your message was sent to the practice.</p>',
                  "proceed": '<p class="done" role="status">Thank you, the practice will contact you to book.</p>'
                  }.get(done, "")
        body = (f"<h1>Your treatment options, {e(patient.first_name)}</h1>{notice}"
                f"<p>From {e(practice)}. Plan: {e(PLAN.get(pack.plan_type, ''))}.</p>{images}"
                f'<h2>Options</h2><ul class="options">{options}</ul>'
                f"<h2>Next steps</h2><p>{e(pack.next_steps)}</p>"
                f'<h2>Questions?</h2><form method="post" action="/p/{token}/reply">'
                f'<label for="reply">Your message to the practice</label>'
                f'<textarea id="reply" name="text" maxlength="4000" required></textarea>'
                f'<button type="submit">Send message</button></form>'
                f'<form method="post" action="/p/{token}/proceed">'
                f"<button type=\"submit\">I'd like to proceed</button></form>")
        self._send(h, 200, _page("Your treatment options", body))

    def _image(self, h, token: str, index: int) -> None:
        deps = self.rt.deps
        with self.rt.uow() as uow:
            s = uow.session
            pack = packs.by_token(s, deps, token)
            if pack is None or index >= len(pack.images):
                self._send(h, 410 if pack is None else 404, GONE)
                return
            rec = s.get(m.CaseRecord, pack.images[index])
            art = s.get(m.Artifact, rec.sha256)
            sha256, ctype = art.sha256, art.content_type
        data = b"".join(deps.artifacts.read(sha256))  # key images are photos: small
        self._send(h, 200, data, ctype=ctype)

    def _act(self, h, token: str, kind: str) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        if length > MAX_FORM:
            self._send(h, 413, _page("Too long", "<h1>That message is too long</h1>"))
            return
        form = parse_qs(h.rfile.read(length).decode("utf-8", "replace"))
        text = form.get("text", [""])[0].strip()
        if kind == "reply" and not text:
            self._send(h, 400, _page("Empty message", "<h1>Please write a message</h1>"))
            return
        with self.rt.uow(write=True) as uow:
            ok = packs.patient_action(uow, self.rt.deps, token, "replied" if kind == "reply" else "proceed", text)
            uow.commit()
        if not ok:
            self._send(h, 410, GONE)
            return
        self._send(h, 303, b"", location=f"/p/{token}?done={kind}")
