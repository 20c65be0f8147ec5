"""Topics: the list with recent matches and the re-reading's progress, a new topic, each one's
names, keywords and history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.admin.access import admin_console
from app.admin.pages import actor, by_code, save_or_show
from app.admin.topics.forms import REASONS, NewTopicForm, ReanalyseForm, TopicForm
from app.extensions import db
from app.models import Topic, utcnow
from app.services.feedback.reanalysis import current_progress
from app.services.feedback.topic_settings import (
    ask_reanalysis,
    create_topic,
    topic_lines,
    update_topic,
)
from app.web.locale import local_name

bp = admin_console(Blueprint("admin_topics", __name__, url_prefix="/admin/topics"))


@bp.get("")
def topic_list() -> Any:
    lines = topic_lines(db.session, now=utcnow())
    db.session.commit()  # the shipped topics, stored on first sight
    return render_template(
        "admin/topics/list.html",
        lines=lines,
        progress=current_progress(db.session),
        reasons=REASONS,
        form=ReanalyseForm(),
    )


@bp.post("/reanalyse")
def reanalyse() -> Any:
    if ReanalyseForm().validate_on_submit():
        ask_reanalysis(db.session, actor=actor(), now=utcnow())
        db.session.commit()
        flash(_("Every comment will be read again; the progress shows here."), "ok")
    return redirect(url_for("admin_topics.topic_list"))


@bp.route("/new", methods=["GET", "POST"])
def topic_new() -> Any:
    form = NewTopicForm()
    return save_or_show(
        form,
        lambda: create_topic(
            db.session, form.code.data, form.values(), actor=actor(), now=utcnow()
        ),  # fmt: skip
        **_page_of(_("New topic"), None),
        refusals_on=form.code,
    )


@bp.route("/<code>", methods=["GET", "POST"])
def topic_edit(code: str) -> Any:
    topic = by_code(Topic, code)
    form = TopicForm(obj=topic) if request.method == "GET" else TopicForm()
    return save_or_show(
        form,
        lambda: update_topic(db.session, topic, form.values(), actor=actor(), now=utcnow()),
        **_page_of(local_name(topic), topic.code),
        subject=f"topic:{topic.code}",
        refusals_on=form.keywords_en,
    )


def _page_of(heading: str, code: str | None) -> dict[str, Any]:
    return {
        "done": _("Topic saved."),
        "back": (url_for("admin_topics.topic_list"), _("Topics")),
        "heading": heading,
        "code": code,
    }
