"""The admin's screens for routing rules, and the recent invitations with why each waits."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app.admin.access import admin_console
from app.admin.forms import RoutingRuleForm, stage_choices
from app.admin.pages import actor, object_history
from app.extensions import db
from app.models import RoutingRule, Touchpoint, utcnow
from app.models.customer import SEGMENTS
from app.services.cases.departments import departments
from app.services.cases.rule_settings import (
    RuleRefused,
    rule_options,
    rule_page,
    rule_topics,
    save_rule,
    try_rules,
)
from app.services.cases.rule_trial import try_on_history
from app.services.distribution.touchpoints import (
    invitation_page,
    touchpoints,
)
from app.web.locale import local_name
from app.web.words import word

bp = admin_console(Blueprint("admin", __name__, url_prefix="/admin"))


@bp.get("/rules")
def rule_list() -> Any:
    """The rules in the order they are tried, and a box to try them on a made-up answer."""
    args = request.args
    search = args.get("q", "").strip()[:60]
    trial = None
    touchpoint = db.session.scalar(sa.select(Touchpoint).where(Touchpoint.code == args.get("tp")))
    metric, score = args.get("metric", "nps"), args.get("score", type=int)
    if touchpoint is not None and metric in ("nps", "csat", "ces") and score is not None:
        trial = try_rules(
            db.session,
            touchpoint=touchpoint,
            score=(metric, score),
            comment=args.get("comment", "")[:2000],
            segment=args.get("segment", "mass"),
        )
    listed = touchpoints(db.session)
    page = rule_page(db.session, search, args.get("page", 1, type=int))
    named = [code for rule in page.items for code in rule.topics]
    return render_template(
        "admin/rules.html",
        page=page,
        search=search,
        touchpoints=listed,
        touchpoint_names={t.code: local_name(t) for t in listed},
        topic_names={t.code: local_name(t) for t in rule_topics(db.session, named)},
        department_names={d.id: local_name(d) for d in departments(db.session)},
        segments=SEGMENTS,
        tried=touchpoint is not None and score is not None,
        trial=trial,
    )


@bp.route("/rules/new", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
def rule_edit(rule_id: int | None) -> Any:
    rule = RoutingRule() if rule_id is None else db.get_or_404(RoutingRule, rule_id)
    editing = rule_id is not None and request.method == "GET"
    form = RoutingRuleForm(obj=rule) if editing else RoutingRuleForm()
    options = rule_options(db.session)
    form.touchpoints.choices = [
        SelectChoice(t.code, local_name(t)) for t in touchpoints(db.session)
    ]
    form.topics.choices = [
        SelectChoice(t.code, local_name(t)) for t in rule_topics(db.session, rule.topics or [])
    ]
    form.journey_stages.choices = stage_choices(rule.journey_stages or [])
    form.department_id.choices = [
        SelectChoice("0", _("The touchpoint's department")),
        *(SelectChoice(str(d.id), local_name(d)) for d in departments(db.session)),
    ]
    form.assignee_id.choices = [
        SelectChoice("0", "–"),
        *(SelectChoice(v, label) for v, label in options["assignees"]),
    ]
    if editing:
        form.load(rule)
    trial = None
    if form.validate_on_submit():
        if form.trial.data:
            trial = try_on_history(db.session, form.values(), rule_id=rule_id, now=utcnow())
        elif (saved := _save_rule(form, rule)) is not None:
            return saved
    heading = _("New routing rule") if rule_id is None else word("rule", rule.name)
    back = (url_for("admin.rule_list"), _("Routing rules"))
    return render_template(
        "admin/rule_edit.html",
        form=form,
        back=back,
        heading=heading,
        trial=trial,
        existing=rule_id is not None,
        **object_history(f"rule:{rule_id}" if rule_id else None),
    )


def _save_rule(form: RoutingRuleForm, rule: RoutingRule) -> Any:
    """Store the rule and go back to the list; None, with the name's error, if refused."""
    try:
        save_rule(db.session, rule, form.values(), actor=actor())
    except RuleRefused as refused:
        db.session.rollback()
        form.name.errors = [*form.name.errors, str(refused)]
        return None
    db.session.commit()
    flash(_("Rule saved. Responses routed from now on follow it."), "ok")
    return redirect(url_for("admin.rule_list"))


@bp.get("/invitations")
def invitation_list() -> Any:
    """The newest invitations, of one status if asked, each with why it waits or was not sent."""
    status = request.args.get("status") or None
    page = invitation_page(db.session, status, request.args.get("page", 1, type=int))
    names = {t.code: local_name(t) for t in touchpoints(db.session)}
    return render_template("admin/invitations.html", page=page, status=status, names=names)
