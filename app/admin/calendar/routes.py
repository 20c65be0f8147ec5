"""The business calendar: working days and hours, holidays and make-up working days by year."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.admin.access import admin_console
from app.admin.calendar.forms import KIND_NAMES, DayEditForm, DayForm, HoursForm, weekday_names
from app.admin.pages import actor, object_history
from app.extensions import db
from app.models import FIRST_DAY, LAST_DAY, CalendarDay, utcnow
from app.services.cases.business_calendar import (
    HOURS_SUBJECT,
    CalendarRefused,
    add_day,
    business_calendar,
    calendar_saved,
    day_subject,
    days_of_year,
    prefill_year,
    remove_day,
    save_hours,
    update_day,
    year_subject,
    years_saved,
)
from workflows.sla import BusinessCalendar

bp = admin_console(Blueprint("admin_calendar", __name__, url_prefix="/admin/calendar"))


@bp.route("", methods=["GET", "POST"])
def hours() -> Any:
    form = HoursForm()
    if form.validate_on_submit():
        save_hours(db.session, form.values(), default=_default(), actor=actor())
        db.session.commit()
        flash(_("Business hours saved. Cases opened from now on are timed by them."), "ok")
        return redirect(url_for("admin_calendar.hours"))
    if request.method == "GET":
        form.load(business_calendar(db.session, default=_default()))
    this_year = utcnow().year
    years = sorted({this_year, this_year + 1, *years_saved(db.session)})
    return _page("admin/calendar/hours.html", HOURS_SUBJECT, form=form, years=years)


@bp.route("/<int:year>", methods=["GET", "POST"])
def year_view(year: int) -> Any:
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        abort(404)
    form = DayForm(year=year)
    if form.validate_on_submit():
        try:
            day = add_day(db.session, form.values(), default=_default(), actor=actor())
        except CalendarRefused as refused:
            db.session.rollback()
            form.day.errors.append(str(refused))
        else:
            db.session.commit()
            flash(_("%(day)s added to the calendar.", day=day.day.isoformat()), "ok")
            return redirect(url_for("admin_calendar.year_view", year=year))
    return _page(
        "admin/calendar/year.html",
        year_subject(year),
        form=form,
        year=year,
        days=days_of_year(db.session, year, default=_default()),
        kinds=KIND_NAMES,
    )


@bp.post("/<int:year>/prefill")
def prefill(year: int) -> Any:
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        abort(404)
    try:
        added = prefill_year(db.session, year, default=_default(), actor=actor())
    except CalendarRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        message = ngettext(
            "%(num)d day added from China's statutory calendar; days already set were kept.",
            "%(num)d days added from China's statutory calendar; days already set were kept.",
            added,
        )
        flash(message, "ok")
    return redirect(url_for("admin_calendar.year_view", year=year))


@bp.route("/days/<int:day_id>", methods=["GET", "POST"])
def day_edit(day_id: int) -> Any:
    day = db.get_or_404(CalendarDay, day_id)
    form = DayEditForm(obj=day) if request.method == "GET" else DayEditForm()
    if form.validate_on_submit():
        update_day(db.session, day, form.values(), actor=actor())
        db.session.commit()
        flash(_("%(day)s saved.", day=day.day.isoformat()), "ok")
        return redirect(url_for("admin_calendar.year_view", year=day.day.year))
    return _page("admin/calendar/day.html", day_subject(day.day), form=form, day=day)


@bp.post("/days/<int:day_id>/delete")
def day_delete(day_id: int) -> Any:
    day = db.get_or_404(CalendarDay, day_id)
    year, shown = day.day.year, day.day.isoformat()
    remove_day(db.session, day, actor=actor())
    db.session.commit()
    flash(_("%(day)s removed from the calendar.", day=shown), "ok")
    return redirect(url_for("admin_calendar.year_view", year=year))


def _default() -> BusinessCalendar:
    """The environment's calendar (BUSINESS_HOURS, HOLIDAYS), in force until one is saved."""
    return current_app.config["BUSINESS_CALENDAR"]


def _page(template: str, subject: str, **context: Any) -> Any:
    """A calendar page with where the calendar comes from, and the history of what it shows."""
    return render_template(
        template,
        saved=calendar_saved(db.session),
        **object_history(subject),
        weekday_names=weekday_names("abbreviated"),
        **context,
    )
