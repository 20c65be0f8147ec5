"""Branch QR posters: the list, a new poster, its page, its QR code and its A4 print page.

Admins create and retire posters; CX managers read them and may print them (GET only).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _

from app.admin.access import admin_console
from app.admin.pages import actor, object_history
from app.admin.posters.forms import PosterForm
from app.extensions import db
from app.models import BranchPoster, utcnow
from app.services.distribution.posters import (
    active_touchpoints,
    answer_counts,
    create_poster,
    find_posters,
    poster_url,
    qr_png,
    qr_svg,
    retire_poster,
    subject_of,
)
from app.web.locale import local_name

bp = admin_console(Blueprint("admin_posters", __name__, url_prefix="/admin/posters"))
PICTURES = {"png": (qr_png, "image/png"), "svg": (qr_svg, "image/svg+xml")}


@bp.get("")
def poster_list() -> Any:
    search = (request.args.get("q") or "").strip()[:200]
    page = find_posters(db.session, search, request.args.get("page", 1, type=int))
    counts = answer_counts(db.session, [poster.id for poster in page.items])
    return render_template("admin/posters/list.html", page=page, search=search, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
def poster_new() -> Any:
    form = PosterForm()
    form.touchpoint_id.choices = [(t.id, local_name(t)) for t in active_touchpoints(db.session)]
    if form.validate_on_submit():
        poster = create_poster(db.session, form.touchpoint_id.data, form.branch.data, actor=actor())
        db.session.commit()
        flash(_("Poster made. Download its QR code or print it below."), "ok")
        return redirect(url_for("admin_posters.poster_detail", poster_id=poster.id))
    back = (url_for("admin_posters.poster_list"), _("QR posters"))
    return render_template(
        "admin/edit.html", form=form, back=back, heading=_("New QR poster"), code=None
    )


@bp.get("/<int:poster_id>")
def poster_detail(poster_id: int) -> Any:
    poster = db.get_or_404(BranchPoster, poster_id)
    return render_template(
        "admin/posters/detail.html",
        poster=poster,
        url=_url(poster),
        answers=answer_counts(db.session, [poster.id]).get(poster.id, 0),
        **object_history(subject_of(poster)),
    )


@bp.post("/<int:poster_id>/retire")
def poster_retire(poster_id: int) -> Any:
    poster = db.get_or_404(BranchPoster, poster_id)
    if retire_poster(db.session, poster, now=utcnow(), actor=actor()):
        db.session.commit()
        flash(_("Poster retired: its QR code now leads to a “no longer in use” page."), "ok")
    return redirect(url_for("admin_posters.poster_detail", poster_id=poster.id))


@bp.get("/<int:poster_id>/qr.png")
def poster_png(poster_id: int) -> Any:
    return _picture(poster_id, "png")


@bp.get("/<int:poster_id>/qr.svg")
def poster_svg(poster_id: int) -> Any:
    return _picture(poster_id, "svg")


@bp.get("/<int:poster_id>/print")
def poster_print(poster_id: int) -> Any:
    """The A4 page to print and hang: the bank, the touchpoint, the code and its address."""
    poster = db.get_or_404(BranchPoster, poster_id)
    with force_locale("zh_CN"):
        chinese = _("Scan to tell us how we did")
    with force_locale("en"):
        english = _("Scan to tell us how we did")
    return render_template(
        "admin/posters/print.html", poster=poster, url=_url(poster), asks=(chinese, english)
    )


def _picture(poster_id: int, kind: str) -> Response:
    """The poster's QR code as a picture; `?download=1` saves it under the poster's name."""
    poster = db.get_or_404(BranchPoster, poster_id)
    make, mimetype = PICTURES[kind]
    picture = Response(make(_url(poster)), mimetype=mimetype)
    if request.args.get("download"):
        picture.headers["Content-Disposition"] = (
            f'attachment; filename="qr-poster-{poster.id}.{kind}"'
        )
    return picture


def _url(poster: BranchPoster) -> str:
    return poster_url(current_app.config["BASE_URL"], poster.token)
