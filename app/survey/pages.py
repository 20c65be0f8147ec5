"""Customer pages whose only variable is the language, rendered once per language.

The thanks page follows every answer, and rendering it (base.html's translations, url_for
and the rest) cost an eighth of a submit's CPU. These pages show nothing of the request but
its language and the bank's brand (flashed messages, the one other thing base.html shows,
are never set for customers), so each process keeps one copy per language and brand. With
template auto-reload on (debug), they are rendered every time, so an edited template shows
at once.
"""

from __future__ import annotations

from flask import current_app, render_template

from app.services.governance.bank_profile import Brand
from app.web.brand import brand
from app.web.locale import current_language


def language_page(template: str) -> str:
    """`template` rendered in the current language, from the process's copy when it has one."""
    if current_app.jinja_env.auto_reload:
        return render_template(template)
    pages: dict[tuple[str, str, Brand], str] = current_app.extensions.setdefault(
        "language_pages", {}
    )
    key = (template, current_language(), brand())  # the bank's name and logo are on it
    page = pages.get(key)
    if page is None:
        page = pages[key] = render_template(template)
    return page
