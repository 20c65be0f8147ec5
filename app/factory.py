"""The application factory; it reads like the table of contents of the web side.

It never migrates, and starts the workflow clock only when embedded mode is asked for.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from app.actions.routes import bp as actions_bp
from app.admin.activity.labels import HELPERS as ACTIVITY_LABELS
from app.admin.activity.routes import bp as admin_activity_bp
from app.admin.api_keys.routes import bp as admin_api_keys_bp
from app.admin.bank.routes import bp as admin_bank_bp
from app.admin.calendar.routes import bp as admin_calendar_bp
from app.admin.channels.routes import bp as admin_channels_bp
from app.admin.commands import (
    api_key_cli,
    audit_cli,
    create_user_command,
    customer_cli,
    seed_demo_command,
)
from app.admin.contact_rules.routes import bp as admin_contact_rules_bp
from app.admin.departments.routes import bp as admin_departments_bp
from app.admin.outbox import bp as admin_outbox_bp
from app.admin.posters.routes import bp as admin_posters_bp
from app.admin.routes import bp as admin_bp
from app.admin.topics.routes import bp as admin_topics_bp
from app.admin.touchpoints.routes import bp as admin_touchpoints_bp
from app.admin.users.routes import bp as admin_users_bp
from app.admin.webhooks.routes import bp as admin_webhooks_bp
from app.api.cases import bp as cases_api_bp
from app.api.routes import bp as api_bp
from app.auth.routes import bp as auth_bp
from app.cases.routes import bp as cases_bp
from app.config import INSTANCE_DIR, Config, check_production_settings
from app.dashboard.routes import bp as dashboard_bp
from app.dev.routes import bp as dev_bp
from app.extensions import babel, csrf, db, login_manager, mail, migrate
from app.hooks.sms import bp as sms_hooks_bp
from app.hooks.wechat import bp as wechat_hooks_bp
from app.models import User
from app.services.accounts.users import user_for_session
from app.services.database.postgresql import tune_postgresql
from app.services.database.sqlite import tune_sqlite
from app.setup.commands import setup_command, surveys_cli
from app.setup.routes import bp as setup_bp
from app.setup.routes import home
from app.survey.posters import bp as poster_survey_bp
from app.survey.routes import bp as survey_bp
from app.web.availability import install_concurrency_gate, register_database_unavailable
from app.web.brand import register_brand
from app.web.forms import csrf_field
from app.web.headers import register_security_headers
from app.web.input_checks import refuse_unstorable_input
from app.web.links import language_query, query_with
from app.web.local_time import FILTERS as TIME_FILTERS
from app.web.local_time import GLOBALS as TIME_GLOBALS
from app.web.locale import current_language, local_name, localised, select_locale
from app.web.reasons import reason_words
from app.web.sessions import SessionCookies
from app.web.words import HELPERS as WORD_HELPERS
from app.worker.commands import worker_command, workflows_cli
from app.worker.scheduler import WorkflowScheduler, configure


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build an app from the environment, with `config` overriding it (tests pass theirs)."""
    app = Flask("app", instance_path=str(INSTANCE_DIR))
    app.session_interface = SessionCookies()
    app.config.from_object(Config())
    app.config.update(config or {})
    check_production_settings(app.config)
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per tick
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_brand(app)
    refuse_unstorable_input(app)
    register_commands(app)
    install_concurrency_gate(app)
    if app.config["SCHEDULER_EMBEDDED"]:
        start_embedded_scheduler(app)
    return app


def register_extensions(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        INSTANCE_DIR.mkdir(exist_ok=True)
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(app.root_path).parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    mail.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.add_template_filter(localised)
    app.add_template_filter(local_name)
    app.add_template_global(current_language)
    app.add_template_global(csrf_field)
    app.add_template_global(query_with)
    app.add_template_global(language_query)
    app.add_template_global(reason_words)
    for name, helper in {**ACTIVITY_LABELS, **WORD_HELPERS, **TIME_GLOBALS}.items():
        app.add_template_global(helper, name)
    for name, helper in TIME_FILTERS.items():
        app.add_template_filter(helper, name)
    # Templates get the lazy proxy, not Flask-Login's eager processor: that one loaded the user
    # for every page, customers' included, and its session protection then marked the
    # anonymous session not fresh, so each survey submit re-signed and re-sent the cookie.
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        return user_for_session(db.session, session_id)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            tune_sqlite(db.engine)
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        with app.app_context():
            tune_postgresql(
                db.engine, ping_after_idle=app.config["DATABASE_PING_AFTER_IDLE_SECONDS"]
            )


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(api_bp)
    app.register_blueprint(cases_api_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(poster_survey_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(actions_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(admin_outbox_bp)
    app.register_blueprint(admin_touchpoints_bp)
    app.register_blueprint(admin_departments_bp)
    app.register_blueprint(admin_activity_bp)
    app.register_blueprint(admin_api_keys_bp)
    app.register_blueprint(admin_bank_bp)
    app.register_blueprint(admin_calendar_bp)
    app.register_blueprint(admin_contact_rules_bp)
    app.register_blueprint(admin_channels_bp)
    app.register_blueprint(admin_users_bp)
    app.register_blueprint(admin_webhooks_bp)
    app.register_blueprint(admin_posters_bp)
    app.register_blueprint(admin_topics_bp)
    app.register_blueprint(sms_hooks_bp)
    app.register_blueprint(wechat_hooks_bp)
    # The address `make run` prints: the first run until the bank is set up, then the inbox.
    app.add_url_rule("/", "home", home)
    app.register_blueprint(setup_bp)
    # Machine clients authenticate with a bearer key, not a cookie; session users of the API
    # are checked by require_scope, which asks for the CSRF token on writes.
    csrf.exempt(api_bp)
    csrf.exempt(cases_api_bp)
    # A survey link is its own credential: its pages check a token bound to the link
    # (app/survey/form_tokens.py) and set no cookie.
    csrf.exempt(survey_bp)
    csrf.exempt(poster_survey_bp)  # its token is bound to the poster and the device
    if app.config["DEV_OUTBOX_PAGE"]:  # development only: check_production_settings
        app.register_blueprint(dev_bp)


def register_errorhandlers(app: Flask) -> None:
    """HTTP errors as JSON under /api/ (a snake_case code, like the API's own errors) or as a
    page; a lost database as 503 with Retry-After (app/web/availability.py)."""

    def handle_http(error: HTTPException) -> Any:
        if request.path.startswith("/api/"):
            code = error.name.lower().replace(" ", "_")
            return jsonify(error=code, message=error.description, fields=[]), error.code
        return render_template("error.html", error=error), error.code

    app.register_error_handler(HTTPException, handle_http)
    register_database_unavailable(app)


def register_commands(app: Flask) -> None:
    app.cli.add_command(api_key_cli)
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(customer_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(workflows_cli)
    app.cli.add_command(worker_command)
    app.cli.add_command(setup_command)
    app.cli.add_command(surveys_cli)


def start_embedded_scheduler(app: Flask) -> None:
    """One-process mode for `make run`: the workflow clock in a thread of the web server."""
    configure(WorkflowScheduler(daemon=True), app, persistent=False).start()
