"""The bank's own name, colour and logo on every page, and its colour as a stylesheet.

The Content-Security-Policy allows no inline style, so the colour an admin chose reaches pages
as /brand.css, versioned by the colour so browsers may keep it. Text on the colour is white or
black, whichever reads (WCAG AA); links take the colour only when it reads on white.
"""

from __future__ import annotations

from flask import Flask, Response, g

from app.extensions import db
from app.models import utcnow
from app.services.governance.bank_profile import Brand, brand_of
from app.web.locale import current_language

READABLE = 4.5  # WCAG AA contrast for normal text


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def brand() -> Brand:
    """The bank's brand, read once a request (and once in a few seconds per process)."""
    if "brand" not in g:
        g.brand = brand_of(db.session, now=utcnow())
    return g.brand  # type: ignore[no-any-return]


def bank_name() -> str:
    """The bank's name in the page's language; empty until the bank is set up."""
    current = brand()
    return current.name_zh if current.name_zh and current_language() == "zh-CN" else current.name


def register_brand(app: Flask) -> None:
    app.add_template_global(brand)
    app.add_template_global(bank_name)

    @app.get("/brand.css")
    def brand_css() -> Response:
        colour = brand().colour
        ink = "#fff" if contrast(colour, "#ffffff") >= READABLE else "#000"
        link = colour if contrast(colour, "#ffffff") >= READABLE else "#0a58ca"
        body = f":root {{ --brand: {colour}; --brand-ink: {ink}; --brand-link: {link}; }}\n"
        response = Response(body, mimetype="text/css")
        response.cache_control.public = True
        response.cache_control.max_age = 86400  # the link carries the version
        return response
