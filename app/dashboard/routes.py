"""The dashboard page, the responses behind its figures, and exports of the filtered view.

Everyone signed in may open it; staff see their own department's slice whatever they ask for.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.cases.display import score_of
from app.dashboard.charts import chart_data, trend_rows
from app.dashboard.forms import FilterForm
from app.extensions import db
from app.models import Department, Touchpoint, utcnow
from app.models.customer import SEGMENTS
from app.services.governance import audit
from app.services.reports.exports import Export, csv_chunks, export_rows, xlsx_file
from app.services.reports.filters import (
    DEFAULT_DAYS,
    FilterRefused,
    ReportFilter,
    build_filter,
    scoped,
)
from app.services.reports.overview import overview
from app.services.reports.voice import responses_page
from app.web.locale import local_name

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
FORMATS = {
    "csv": "text/csv",  # Werkzeug adds "; charset=utf-8" to text types
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.context_processor
def _display_helpers() -> dict[str, Any]:
    return {"score_of": score_of, "filtered_url": filtered_url}


def filtered_url(endpoint: str, **values: Any) -> str:
    """A link that keeps the filters asked for, and only them: any other key of the query
    string (`_external`, `_method`, an endpoint's own argument) must not reach url_for."""
    kept = {name: request.args[name] for name in FilterForm.FIELDS if request.args.get(name)}
    return url_for(endpoint, **(kept | values))


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here is for signed-in staff; switching language keeps the filters only."""
    g.kept_args = FilterForm.FIELDS


def _filter_form() -> FilterForm:
    """The filter as asked in the URL, its choices from the bank's departments and touchpoints."""
    form = FilterForm(request.args)
    departments = db.session.scalars(sa.select(Department).order_by(Department.name))
    touchpoints = db.session.scalars(
        sa.select(Touchpoint).order_by(Touchpoint.journey_order, Touchpoint.name)
    ).all()
    stages = dict.fromkeys(t.journey_stage for t in touchpoints)
    _choose(form.department, [(d.code, local_name(d)) for d in departments])
    _choose(form.touchpoint, [(t.code, local_name(t)) for t in touchpoints])
    _choose(form.journey_stage, [(stage, stage) for stage in stages])
    _choose(form.segment, [(segment, segment) for segment in SEGMENTS])
    _choose(form.channel, [(c, c) for c in sorted({t.channel for t in touchpoints})])
    return form


def _choose(field: Any, options: list[tuple[str, str]]) -> None:
    """Choices with "all" (an empty value) first."""
    field.choices = [SelectChoice(value, label) for value, label in [("", _("all")), *options]]


def _wanted(form: FilterForm) -> ReportFilter:
    """The filter the viewer may have: the last 30 days by default, staff their department."""
    if not form.validate():
        abort(400, description=_refusal(form))
    last = form.end.data or utcnow().date()
    first = form.start.data or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        first, last = last, first
    try:
        wanted = build_filter(db.session, first_day=first, last_day=last, **form.facts())
    except FilterRefused as refused:
        abort(400, description=str(refused))
    return scoped(wanted, current_user)


def _refusal(form: FilterForm) -> str:
    """Each refused filter by its label, with why."""
    return "; ".join(
        f"{getattr(form, name).label.text}: {' '.join(map(str, errors))}"
        for name, errors in form.errors.items()
    )


@bp.get("")
def index() -> Any:
    form = _filter_form()
    wanted = _wanted(form)
    config = current_app.config
    data = overview(
        db.session,
        wanted,
        now=utcnow(),
        min_sample=config["DASHBOARD_MIN_SAMPLE"],
        keyword_sample=config["DASHBOARD_KEYWORD_SAMPLE"],
    )
    return render_template(
        "dashboard/index.html",
        form=form,
        wanted=wanted,
        data=data,
        charts=chart_data(data),
        trend=trend_rows(data),
        period=(wanted.start.date(), (wanted.end - timedelta(days=1)).date()),
        min_sample=config["DASHBOARD_MIN_SAMPLE"],
    )


@bp.get("/responses")
def responses() -> Any:
    """The responses behind a figure: a keyword's comments, a touchpoint's detractors."""
    form = _filter_form()
    wanted = _wanted(form)
    category = request.args.get("category") or None
    if category not in (None, "promoter", "passive", "detractor"):
        abort(400)
    page = responses_page(
        db.session,
        wanted,
        keyword=request.args.get("keyword", "").strip()[:60] or None,
        category=category,
        page=request.args.get("page", 1, type=int),
    )
    return render_template("dashboard/responses.html", form=form, wanted=wanted, page=page)


@bp.get("/export/<kind>.<fmt>")
def export(kind: str, fmt: str) -> Any:
    """Responses or cases of the filtered view; CSV streams, Excel is built in a temporary file."""
    if kind not in tuple(Export) or fmt not in FORMATS:
        abort(404)
    wanted = _wanted(_filter_form())
    detail = {"format": fmt, **{k: v for k, v in asdict(wanted).items() if v is not None}}
    audit.record(db.session, audit.actor_of(current_user), f"export.{kind}", "dashboard", detail)
    db.session.commit()  # the export is on the audit log before a row leaves
    header, rows = export_rows(db.session, Export(kind), wanted)
    name = f"touchloop-{kind}-{wanted.start:%Y%m%d}-{wanted.end - timedelta(days=1):%Y%m%d}.{fmt}"
    if fmt == "csv":
        body = stream_with_context(csv_chunks(header, rows))
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(body, mimetype=FORMATS[fmt], headers=disposition)
    workbook = xlsx_file(header, rows, kind)
    return send_file(workbook, mimetype=FORMATS[fmt], as_attachment=True, download_name=name)
