"""Customer pages whose only variable is the language, rendered once per language.

The thanks page follows every answer, and rendering it (base.html's translations, url_for
and the rest) cost an eighth of a submit's CPU. These pages show nothing of the request but
its language (flashed messages, the one other thing base.html shows, are never set for
customers), so each process keeps one copy per language. With template auto-reload on
(debug), they are rendered every time, so an edited template shows at once.
"""

from __future__ import annotations

from flask import current_app, render_template

from app.web.locale import current_language


def language_page(template: str) -> str:
    """`template` rendered in the current language, from the process's copy when it has one."""
    if current_app.jinja_env.auto_reload:
        return render_template(template)
    pages: dict[tuple[str, str], str] = current_app.extensions.setdefault("language_pages", {})
    key = (template, current_language())
    page = pages.get(key)
    if page is None:
        page = pages[key] = render_template(template)
    return page
