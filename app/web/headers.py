"""Security headers on every response, so a browser refuses what the pages never need.

The pages load scripts and styles only from /static (no inline <script>, no style attributes),
so the Content-Security-Policy can forbid everything inline: a comment that slipped through
escaping still could not run. HSTS is sent only when cookies are Secure, i.e. behind HTTPS.
Every answer but a static file (and /brand.css) carries `Cache-Control: no-store`: pages,
exports and API answers hold customers' words and cases, which no browser cache or proxy may
keep.
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
FIXED_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # survey links carry their token in the path
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
CACHEABLE = frozenset({"static", "brand_css"})  # files of the app, nothing about anyone


def register_security_headers(app: Flask) -> None:
    """Add the headers after every request, error pages and static files included."""
    strict_transport = app.config["SESSION_COOKIE_SECURE"]

    wanted = {**FIXED_HEADERS, **({"Strict-Transport-Security": HSTS} if strict_transport else {})}

    @app.after_request
    def _secure(response: Response) -> Response:
        # One pass over the headers a view set (and may keep), not a failed lookup per header.
        present = {name.lower() for name, _ in response.headers}
        response.headers.extend(
            (name, value) for name, value in wanted.items() if name.lower() not in present
        )
        if request.endpoint not in CACHEABLE:
            response.headers["Cache-Control"] = "no-store"
        return response
