"""The 3D stage viewer of a setup, on the server's HTTP pages: every stage of both arches drawn with
WebGL (static/viewer.js, no third-party code), a timeline slider, the movement table and the IPR marks.

Two ways in. A reviewer signs in at /review/signin (their account's email and password; the session
is an HttpOnly, SameSite=Strict cookie scoped to /review) and opens /review/<case_id>/<version>,
which the case's access rules guard as GetSetup does. Anyone else gets a share link (/v/<token>,
SetupService.CreateViewerLink): unguessable, expiring, and showing nothing that identifies the
patient (no name, case number or id).
"""

from __future__ import annotations

import html
import json
import logging
import re
from http.cookies import SimpleCookie
from importlib import resources
from urllib.parse import parse_qs, quote

from ..adapters.db import models as m
from ..domain.errors import DomainError
from ..services import auth, viewer
from ..services.setups import get_setup
from .context import Runtime
from .http_send import html_page, send

log = logging.getLogger("orthoplan.pages")
COOKIE = "orthoplan_review"
MAX_FORM = 4096
_LINK = re.compile(r"^/v/([A-Za-z0-9_-]{20,100})(/scene\.json|/mesh/(upper|lower)\.stl)?/?$")
_REVIEW = re.compile(r"^/review/([0-9a-f]{32})/(\d{1,6})(/scene\.json|/mesh/(upper|lower)\.stl)?/?$")
VIEWER_CSP = ("default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self'; "
              "style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'")
STYLE = """
body{font:0.95rem/1.4 system-ui,sans-serif;margin:0;color:#1a1a1a;display:flex;flex-wrap:wrap}
#stage3d{flex:2 1 36rem;min-width:20rem;padding:.5rem}#side{flex:1 1 20rem;padding:.5rem;max-height:100vh;overflow:auto}
canvas{width:100%;height:70vh;background:#20252b;border-radius:.4rem;touch-action:none}
input[type=range]{width:100%}table{border-collapse:collapse;font-size:.85rem}
td,th{border-bottom:1px solid #ddd;padding:.15rem .35rem;text-align:right}.ipr-now{background:#ffe3c4}
form.signin{max-width:22rem;margin:3rem auto}
form.signin input{display:block;width:100%;font:inherit;margin:.2rem 0 .8rem}
"""


def _page(title: str, body: str, script: bool = False) -> bytes:
    return html_page(title, body, STYLE, '<script src="/static/viewer.js" defer></script>' if script else "")


GONE = _page("No longer available", "<main><h1>This link is no longer available</h1>"
             "<p>Ask for a new one.</p></main>")
NOT_FOUND = _page("Not found", "<main><h1>Setup not found</h1><p>It does not exist, or your account may "
                  "not see it.</p></main>")


def _viewer(title: str, scene_url: str) -> bytes:
    e = html.escape
    body = (f'<section id="stage3d" aria-label="3D view of the stages"><h1>{e(title)}</h1>'
            f'<canvas id="view" data-scene="{e(scene_url)}" role="img" aria-label="Both arches at the chosen stage">'
            f"</canvas>"
            f'<label for="stage">Stage <output id="stage-label">0</output></label>'
            f'<input id="stage" type="range" min="0" max="0" value="0" step="1" list="ipr-stages">'
            f'<datalist id="ipr-stages"></datalist>'
            f'<button id="play" type="button">Play</button> <span id="status" role="status">Loading…</span>'
            f'</section><aside id="side"><h2>Tooth movements</h2><table id="movements"></table>'
            f'<h2>IPR</h2><ul id="ipr"></ul><h2>Collisions left</h2><ul id="unresolved"></ul></aside>')
    return _page(title, body, script=True)


class ViewerPages:
    def __init__(self, rt: Runtime):
        self.rt = rt
        self.script = resources.files("orthoplan.api").joinpath("static/viewer.js").read_bytes()

    @staticmethod
    def handles(path: str) -> bool:
        return path.startswith(("/v/", "/review/", "/static/"))

    def handle(self, h, method: str, path: str, query: str) -> None:
        if path == "/static/viewer.js" and method == "GET":
            send(h, 200, self.script, "text/javascript; charset=utf-8", csp="default-src 'none'")
        elif path.rstrip("/") == "/review/signin":
            self._signin(h, method, query)
        elif method != "GET":
            send(h, 405, _page("Not allowed", "<main><h1>Not allowed</h1></main>"))
        elif (match := _LINK.match(path)) is not None:
            self._by_link(h, match.group(1), match.group(2) or "", match.group(3))
        elif (match := _REVIEW.match(path)) is not None:
            self._by_review(h, path, match.group(1), int(match.group(2)), match.group(3) or "", match.group(4))
        else:
            send(h, 404, NOT_FOUND)

    # -- the two ways in ---------------------------------------------------------------------------
    def _by_link(self, h, token: str, sub: str, jaw: str | None) -> None:
        with self.rt.uow() as uow:
            target = viewer.by_link(uow.session, self.rt.deps, token)
            if target is None:
                send(h, 410, GONE)
                return
            self._serve(h, uow, *target, sub, jaw, f"Treatment setup, version {target[1]}", f"/v/{token}")

    def _by_review(self, h, path: str, case_id: str, version: int, sub: str, jaw: str | None) -> None:
        token = self._cookie(h)
        with self.rt.uow() as uow:
            try:
                p = auth.authenticate(uow, self.rt.deps, token) if token else None
            except DomainError:
                p = None
            if p is None:
                if sub:
                    send(h, 401, b'{"error": "sign in"}', "application/json")
                else:
                    send(h, 303, b"", location=f"/review/signin?next={quote(path)}")
                return
            try:
                row = get_setup(uow, p, case_id, version)
            except DomainError:
                send(h, 404, NOT_FOUND)
                return
            case = uow.session.get(m.Case, case_id)
            patient = uow.session.get(m.Patient, case.patient_id)
            title = f"Case {case.number}, {patient.first_name} {patient.last_name}: setup version {row.version}"
            self._serve(h, uow, case_id, row.version, sub, jaw, title, f"/review/{case_id}/{row.version}")

    def _serve(self, h, uow, case_id: str, version: int, sub: str, jaw: str | None, title: str, base: str) -> None:
        s, deps = uow.session, self.rt.deps
        try:
            if not sub:
                viewer.check_viewable(s, case_id, version)  # the page only; the scene is read once, by the script
                send(h, 200, _viewer(title, f"{base}/scene.json"), csp=VIEWER_CSP)
            elif sub == "/scene.json":
                body = json.dumps(viewer.scene(s, deps, case_id, version, title), separators=(",", ":"))
                send(h, 200, body.encode(), "application/json")
            else:
                sha = viewer.model_sha(s, case_id, version, jaw)
                if sha is None:
                    send(h, 404, b"", "model/stl")
                    return
                send(h, 200, b"".join(deps.artifacts.read(sha)), "model/stl")
        except DomainError as e:  # made by hand, or before the viewer: nothing to draw
            send(h, 404, _page("Nothing to show", f"<main><h1>Nothing to show</h1><p>{html.escape(str(e))}</p></main>"))

    # -- sign-in -----------------------------------------------------------------------------------
    @staticmethod
    def _cookie(h) -> str:
        jar = SimpleCookie()
        try:
            jar.load(h.headers.get("Cookie") or "")
        except Exception:  # a malformed header is no session
            return ""
        return jar[COOKIE].value if COOKIE in jar else ""

    def _signin(self, h, method: str, query: str) -> None:
        nxt = parse_qs(query).get("next", ["/review/"])[0]
        if not _REVIEW.match(nxt):
            nxt = "/review/"
        if method == "GET":
            send(h, 200, self._form(nxt, ""))
            return
        length = int(h.headers.get("Content-Length") or 0)
        if length > MAX_FORM:
            send(h, 413, self._form(nxt, "That request is too long."))
            return
        form = parse_qs(h.rfile.read(length).decode("utf-8", "replace"))
        try:
            with self.rt.uow(write=True) as uow:
                token, _ = auth.sign_in(uow, self.rt.deps, form.get("email", [""])[0],
                                        form.get("password", [""])[0], "viewer")
                uow.commit()
        except DomainError:
            send(h, 401, self._form(nxt, "Email or password is wrong."))
            return
        secure = "; Secure" if self.rt.deps.public_url.startswith("https:") else ""
        send(h, 303, b"", location=nxt,
             cookie=f"{COOKIE}={token}; Path=/review; HttpOnly; SameSite=Strict{secure}")

    @staticmethod
    def _form(nxt: str, error: str) -> bytes:
        e = html.escape
        err = f'<p role="alert">{e(error)}</p>' if error else ""
        return _page("Sign in to review", (
            f'<main><form class="signin" method="post" action="/review/signin?next={e(quote(nxt))}">'
            f"<h1>Sign in to review setups</h1>{err}"
            f'<label for="email">Email</label>'
            f'<input id="email" name="email" type="email" required autocomplete="username">'
            f'<label for="password">Password</label><input id="password" name="password" type="password" required '
            f'autocomplete="current-password"><button type="submit">Sign in</button></form></main>'))
