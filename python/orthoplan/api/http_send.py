"""The server's HTML pages: the page frame, and one response with the headers every page carries."""

from __future__ import annotations

import html
from http.server import BaseHTTPRequestHandler

PAGE_CSP = ("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; "
            "base-uri 'none'")


def html_page(title: str, body: str, style: str, head: str = "") -> bytes:
    """A whole page: `body` goes inside <body> as given; `head` is extra markup for <head>."""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{style}</style>{head}</head>"
            f"<body>{body}</body></html>").encode()


def send(h: BaseHTTPRequestHandler, code: int, body: bytes, ctype: str = "text/html; charset=utf-8", *,
         location: str = "", csp: str = PAGE_CSP, cookie: str = "") -> None:
    h.send_response(code)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    h.send_header("Cache-Control", "no-store")
    h.send_header("Referrer-Policy", "no-referrer")  # an address may hold a token
    h.send_header("X-Content-Type-Options", "nosniff")
    h.send_header("X-Frame-Options", "DENY")
    h.send_header("Content-Security-Policy", csp)
    if location:
        h.send_header("Location", location)
    if cookie:
        h.send_header("Set-Cookie", cookie)
    h.end_headers()
    if h.command != "HEAD":
        h.wfile.write(body)
