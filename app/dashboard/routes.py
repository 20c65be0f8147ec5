"""The dashboard page, the responses behind its figures, the staff scorecard, what comments are
about (topics and the root causes of cases) and exports.

Everyone signed in may open the dashboard; staff see their own department's slice whatever they
ask for. The scorecard is for those who lead people: department heads (their department's) and
CX managers and admins (everyone's). Days are the viewer's, in their time zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import date, timedelta
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
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from app.cases.display import score_of
from app.dashboard.charts import chart_data, trend_rows
from app.dashboard.forms import FilterForm
from app.extensions import db
from app.models import INVITATION_CHANNELS, Department, Touchpoint, utcnow
from app.models.customer import SEGMENTS
from app.services.governance import audit
from app.services.reports.channels import channel_reach
from app.services.reports.exports import Export, csv_chunks, export_rows, xlsx_file
from app.services.reports.filters import (
    DEFAULT_DAYS,
    FilterRefused,
    ReportFilter,
    build_filter,
    scoped,
)
from app.services.reports.overview import overview
from app.services.reports.root_causes import root_causes
from app.services.reports.scorecard import may_see_scorecard, staff_scorecard
from app.services.reports.topics import RISING_MIN_COMMENTS, topic_names, topic_report
from app.services.reports.voice import responses_page
from app.web.local_time import in_viewer_zone, viewer_zone
from app.web.locale import local_name
from app.web.words import choices

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
FORMATS = {
    "csv": "text/csv",  # Werkzeug adds "; charset=utf-8" to text types
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.context_processor
def _display_helpers() -> dict[str, Any]:
    return {
        "score_of": score_of,
        "filtered_url": filtered_url,
        # error pages of this blueprint are rendered for visitors too
        "may_see_scorecard": current_user.is_authenticated and may_see_scorecard(current_user),
    }


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
    _choose(form.journey_stage, choices("journey_stage", stages))
    _choose(form.segment, choices("segment", SEGMENTS))
    _choose(form.channel, choices("channel", (*INVITATION_CHANNELS, "qr")))
    return form


def _choose(field: Any, options: list[tuple[str, str]]) -> None:
    """Choices with "all" (an empty value) first."""
    field.choices = [SelectChoice(value, label) for value, label in [("", _("all")), *options]]


def _wanted(form: FilterForm) -> ReportFilter:
    """The filter the viewer may have: whole days in their zone, the last 30 by default, staff
    their department."""
    if not form.validate():
        abort(400, description=_refusal(form))
    last = form.end.data or in_viewer_zone(utcnow()).date()
    first = form.start.data or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        first, last = last, first
    try:
        wanted = build_filter(
            db.session, first_day=first, last_day=last, zone=viewer_zone(), **form.facts()
        )
    except FilterRefused as refused:
        abort(400, description=str(refused))
    return scoped(wanted, current_user)


def _days(wanted: ReportFilter) -> tuple[date, date]:
    """The first and the last day of the period, in the viewer's zone."""
    assert wanted.start is not None and wanted.end is not None
    last = in_viewer_zone(wanted.end - timedelta(seconds=1))
    return in_viewer_zone(wanted.start).date(), last.date()


def _chosen(form: FilterForm) -> list[tuple[str, str]]:
    """The filters asked for besides the period, as (label, value) in words, for the summary."""
    shown = []
    for name in FilterForm.FACTS:
        field = getattr(form, name)
        if not field.data or (name == "department" and not current_user.sees_all_departments):
            continue
        words = {choice.value: choice.label for choice in getattr(field, "choices", None) or []}
        shown.append((str(field.label.text), str(words.get(field.data, field.data))))
    return shown


def _page(form: FilterForm, wanted: ReportFilter) -> dict[str, Any]:
    """What every page of the dashboard shows about its view: the filter (its days filled in
    when the default was taken), the period and the filters asked for."""
    period = _days(wanted)
    form.start.data, form.end.data = period
    return {"form": form, "wanted": wanted, "period": period, "chosen": _chosen(form)}


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
        **_page(form, wanted),
        data=data,
        charts=chart_data(data, min_sample=config["DASHBOARD_MIN_SAMPLE"]),
        trend=trend_rows(data),
        reach=channel_reach(db.session, wanted),
        min_sample=config["DASHBOARD_MIN_SAMPLE"],
    )


@bp.get("/scorecard")
def scorecard() -> Any:
    """Per person: cases, times to contact and close, SLA met, rescued detractors."""
    if not may_see_scorecard(current_user):
        abort(403)
    form = _filter_form()
    wanted = _wanted(form)
    people = staff_scorecard(db.session, wanted, now=utcnow())
    return render_template("dashboard/scorecard.html", **_page(form, wanted), people=people)


@bp.get("/topics")
def topics() -> Any:
    """What comments are about, which topics are rising, and the root causes of cases."""
    form = _filter_form()
    wanted = _wanted(form)
    min_sample = current_app.config["DASHBOARD_MIN_SAMPLE"]
    return render_template(
        "dashboard/topics.html",
        **_page(form, wanted),
        report=topic_report(db.session, wanted, min_sample=min_sample),
        causes=root_causes(db.session, wanted),
        rising_min=RISING_MIN_COMMENTS,
    )


@bp.get("/responses")
def responses() -> Any:
    """The responses behind a figure: a keyword's or a topic's comments, a touchpoint's
    detractors."""
    g.kept_args = (*FilterForm.FIELDS, "keyword", "category", "topic", "page")
    form = _filter_form()
    wanted = _wanted(form)
    category = request.args.get("category") or None
    if category not in (None, "promoter", "passive", "detractor"):
        abort(400)
    topic = None
    if code := request.args.get("topic"):
        known = {t.code: t for t in topic_names(db.session)}
        if code not in known:
            abort(400)
        topic = known[code]
    page = responses_page(
        db.session,
        wanted,
        keyword=request.args.get("keyword", "").strip()[:60] or None,
        category=category,
        topic=topic and topic.code,
        page=request.args.get("page", 1, type=int),
    )
    return render_template(
        "dashboard/responses.html", **_page(form, wanted), page=page, topic=topic
    )


@bp.get("/export/<kind>.<fmt>")
def export(kind: str, fmt: str) -> Any:
    """Responses or cases of the filtered view; CSV streams, Excel is built in a temporary file."""
    if kind not in tuple(Export) or fmt not in FORMATS:
        abort(404)
    wanted = _wanted(_filter_form())
    detail = {"format": fmt, **{k: v for k, v in asdict(wanted).items() if v is not None}}
    audit.record(db.session, audit.actor_of(current_user), f"export.{kind}", "dashboard", detail)
    db.session.commit()  # the export is on the audit log before a row leaves
    first, last = _days(wanted)
    name = f"touchloop-{kind}-{first:%Y%m%d}-{last:%Y%m%d}.{fmt}"
    if fmt == "csv":
        body = _streamed_csv(db.engine, Export(kind), wanted)
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(body, mimetype=FORMATS[fmt], headers=disposition)
    header, rows = export_rows(db.session, Export(kind), wanted)
    workbook = xlsx_file(header, rows, kind)
    return send_file(workbook, mimetype=FORMATS[fmt], as_attachment=True, download_name=name)


def _streamed_csv(engine: sa.Engine, kind: Export, wanted: ReportFilter) -> Iterator[str]:
    """The CSV read through a session of its own, opened when the body is sent and closed
    after its last row: the request's session is closed (its transaction ended) as the view
    returns, before the body is sent, which on PostgreSQL drops the server-side cursor."""
    with Session(engine) as own:
        yield from csv_chunks(*export_rows(own, kind, wanted))
