"""Webhook endpoints: where the bank's systems hear of cases and responses, and their answers.

A secret is shown in the answer to the request that made it (create, rotate) and never again:
not in a URL, not in the cookie session's flash, not in any other page, not on the audit log.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.admin.access import admin_console
from app.admin.pages import actor, object_history
from app.admin.webhooks.forms import EVENT_LABELS, EndpointForm, RotateForm
from app.extensions import db
from app.models import WebhookEndpoint, utcnow
from app.services.cases.webhook_endpoints import (
    CASE_EVENTS,
    TEST_EVENT,
    create_endpoint,
    deliveries,
    find_endpoints,
    fingerprint,
    last_deliveries,
    name_taken,
    queue_test,
    rotate_secret,
    subject_of,
    update_endpoint,
)

bp = admin_console(Blueprint("admin_webhooks", __name__, url_prefix="/admin/webhooks"))
CALL_LABELS = {**EVENT_LABELS, TEST_EVENT: _l("Test call")}


@bp.get("")
def endpoint_list() -> Any:
    search = (request.args.get("q") or "").strip()[:200]
    page = find_endpoints(db.session, search, request.args.get("page", 1, type=int))
    environment_url = current_app.config["WEBHOOK_URL"]
    last = last_deliveries(
        db.session, [endpoint.id for endpoint in page.items], environment=bool(environment_url)
    )
    return render_template(
        "admin/webhooks/list.html",
        page=page,
        search=search,
        last=last,
        environment_url=_without_credentials(environment_url),
        case_events=CASE_EVENTS,
        labels=CALL_LABELS,
    )


@bp.route("/new", methods=["GET", "POST"])
def endpoint_new() -> Any:
    form = EndpointForm()
    if _valid(form, None):
        endpoint, secret = create_endpoint(db.session, form.values(), actor=actor())
        db.session.commit()
        return _secret_page(endpoint, secret, rotated=False)
    back = (url_for("admin_webhooks.endpoint_list"), _("Webhooks"))
    return render_template(
        "admin/edit.html", form=form, back=back, heading=_("New webhook endpoint"), code=None
    )


@bp.get("/<int:endpoint_id>")
def endpoint_detail(endpoint_id: int) -> Any:
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    return _detail(endpoint, RotateForm(fingerprint=fingerprint(endpoint)))


@bp.route("/<int:endpoint_id>/edit", methods=["GET", "POST"])
def endpoint_edit(endpoint_id: int) -> Any:
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    form = EndpointForm(obj=endpoint) if request.method == "GET" else EndpointForm()
    if _valid(form, endpoint.id):
        update_endpoint(db.session, endpoint, form.values(), actor=actor())
        db.session.commit()
        flash(_("Endpoint saved. Calls queued from now on follow the new settings."), "ok")
        return redirect(url_for("admin_webhooks.endpoint_detail", endpoint_id=endpoint.id))
    back = (url_for("admin_webhooks.endpoint_detail", endpoint_id=endpoint.id), endpoint.name)
    return render_template(
        "admin/edit.html", form=form, back=back, heading=endpoint.name, code=None
    )


@bp.post("/<int:endpoint_id>/rotate")
def endpoint_rotate(endpoint_id: int) -> Any:
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    form = RotateForm()
    if not form.validate_on_submit():
        return _detail(endpoint, form)
    if form.fingerprint.data != fingerprint(endpoint):
        flash(_("The secret had been rotated already: nothing changed."), "error")
        return redirect(url_for("admin_webhooks.endpoint_detail", endpoint_id=endpoint.id))
    overlap = timedelta(hours=form.overlap_hours.data or 0)
    secret = rotate_secret(db.session, endpoint, overlap=overlap, now=utcnow(), actor=actor())
    db.session.commit()
    return _secret_page(endpoint, secret, rotated=True)


@bp.post("/<int:endpoint_id>/test")
def endpoint_test(endpoint_id: int) -> Any:
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    if endpoint.active:
        queue_test(db.session, endpoint, now=utcnow(), actor=actor())
        db.session.commit()
        flash(
            _(
                "Test call queued. The worker sends it through the outbox within a few "
                "seconds; its answer then shows in the deliveries below."
            ),
            "ok",
        )
    else:
        flash(_("The endpoint is inactive: activate it to send a test call."), "error")
    return redirect(url_for("admin_webhooks.endpoint_detail", endpoint_id=endpoint.id))


def _valid(form: EndpointForm, endpoint_id: int | None) -> bool:
    """The form was sent and is valid, its name not another endpoint's (checked with the rest,
    so every field's error shows at once)."""
    if not form.is_submitted():
        return False
    valid = form.validate()
    if form.name.data and name_taken(db.session, form.name.data, endpoint_id):
        form.name.errors.append(_("Another endpoint has this name."))
        return False
    return valid


def _detail(endpoint: WebhookEndpoint, rotate_form: RotateForm) -> Any:
    return render_template(
        "admin/webhooks/detail.html",
        endpoint=endpoint,
        rotate_form=rotate_form,
        calls=deliveries(db.session, endpoint.id),
        **object_history(subject_of(endpoint)),
        labels=CALL_LABELS,
        now=utcnow(),
    )


def _secret_page(endpoint: WebhookEndpoint, secret: str, *, rotated: bool) -> Any:
    """The one page that shows the secret; never stored by the browser or a proxy."""
    page = make_response(
        render_template(
            "admin/webhooks/secret.html", endpoint=endpoint, secret=secret, rotated=rotated
        )
    )
    page.headers["Cache-Control"] = "no-store"
    return page


def _without_credentials(url: str | None) -> str | None:
    """The environment's URL as shown: without a user name or password written into it."""
    return None if url is None else re.sub(r"//[^/@]*@", "//", url, count=1)
