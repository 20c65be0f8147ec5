"""Operator commands: API keys, staff users, the demo bank, customers' data, the audit log."""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.demo.bank import seed_demo
from app.demo.history import DemoSettings
from app.extensions import db
from app.models import utcnow
from app.services.accounts.api_keys import (
    DEFAULT_SCOPES,
    SCOPES,
    create_api_key,
    list_api_keys,
    revoke_api_key,
)
from app.services.accounts.users import AccountError, create_user
from app.services.cases.business_calendar import business_calendar
from app.services.distribution.contact_settings import contact_policy
from app.services.governance import audit
from app.services.governance.privacy import UnknownCustomer, erase_customer, export_customer

api_key_cli = AppGroup("api-key", help="Manage API keys for bank systems.")


@api_key_cli.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(SCOPES),
    help="Repeat for several; default: events:write and metrics:read.",
)
def create_api_key_command(name: str, scopes: tuple[str, ...]) -> None:
    """Create a key and print its secret, which is shown this once only."""
    try:
        _key, secret = create_api_key(db.session, name, scopes or DEFAULT_SCOPES)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(secret)
    click.echo(
        f"API key {name!r} created. Store the secret now: it cannot be shown again.", err=True
    )


@api_key_cli.command("revoke")
@click.argument("name")
def revoke_api_key_command(name: str) -> None:
    """Revoke a key: every web worker refuses it within seconds (`database.remembered`)."""
    try:
        revoke_api_key(db.session, name, now=utcnow())
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"API key {name!r} revoked")


@api_key_cli.command("list")
def list_api_keys_command() -> None:
    """Every key: name, prefix, scopes, last use, revoked or not."""
    for key in list_api_keys(db.session):
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
        click.echo(f"{key.name:24} {key.prefix}…  {','.join(key.scopes):28} used {used}  {state}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "cx_manager", "staff"]))
@click.option("--department", "department_code", default=None, help="Department code (staff).")
def create_user_command(email: str, password: str, role: str, department_code: str | None) -> None:
    """Create a staff account."""
    try:
        user = create_user(
            db.session, email=email, password=password, role=role, department_code=department_code
        )
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"created {user.role} {user.email}")


@click.command("seed-demo")
@click.option("--customers", default=4000, show_default=True)
@click.option("--months", default=5, show_default=True, help="How much history to make up.")
def seed_demo_command(customers: int, months: int) -> None:
    """Load the demo bank (idempotent); new logins are printed once and kept in instance/."""
    config = current_app.config
    settings = DemoSettings(
        policy=contact_policy(db.session, default=config["CONTACT_POLICY"]),
        calendar=business_calendar(db.session, default=config["BUSINESS_CALENDAR"]),
        remind_before=timedelta(hours=config["SLA_REMIND_BEFORE_HOURS"]),
        base_url=config["BASE_URL"],
        followup_days=config["FOLLOWUP_DAYS"],
    )
    started = time.monotonic()
    days = months * 30
    label = f"demo bank: {days} days of history"
    with click.progressbar(length=days, label=label, show_pos=True) as bar:
        report = seed_demo(
            db.session,
            now=utcnow(),
            customers=customers,
            history_days=days,
            settings=settings,
            progress=lambda done, _total: bar.update(done - bar.pos),
        )
    db.session.commit()
    click.echo(
        f"demo bank: +{report.departments} departments, +{report.touchpoints} touchpoints, "
        f"+{report.surveys} surveys, +{report.customers} customers, +{report.events} events, "
        f"+{report.responses} responses, +{report.cases} cases "
        f"({time.monotonic() - started:.0f} s)"
    )
    if report.logins:
        logins = Path(current_app.instance_path) / "demo-logins.txt"
        logins.parent.mkdir(exist_ok=True)
        lines = [f"{email:32} {role:11} {password}" for email, role, password in report.logins]
        logins.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.chmod(logins, 0o600)
        click.echo("new demo logins (also in instance/demo-logins.txt):")
        click.echo("\n".join(lines))


customer_cli = AppGroup("customer", help="A customer's personal data: export or erase it.")


@customer_cli.command("export")
@click.argument("external_id")
def export_customer_command(external_id: str) -> None:
    """Print everything held about a customer as JSON (the bank's id for them)."""
    try:
        customer_id, data = export_customer(db.session, external_id)
    except UnknownCustomer as error:
        raise click.ClickException(str(error)) from error
    audit.record(db.session, "cli", "customer.export", f"customer:{customer_id}")
    db.session.commit()
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@customer_cli.command("erase")
@click.argument("external_id")
def erase_customer_command(external_id: str) -> None:
    """Erase a customer's personal data everywhere; their anonymous scores stay."""
    try:
        erased = erase_customer(db.session, external_id, now=utcnow())
    except UnknownCustomer as error:
        raise click.ClickException(str(error)) from error
    audit.record(db.session, "cli", "customer.erase", f"customer:{erased['customer']}", erased)
    db.session.commit()
    click.echo(
        f"customer erased: {erased['responses']} responses anonymised, "
        f"{erased['outbox_messages']} messages deleted, "
        f"{erased['invitations_stopped']} invitations stopped"
    )


audit_cli = AppGroup("audit", help="The hash-chained audit log.")


@audit_cli.command("verify")
def verify_audit_command() -> None:
    """Check every entry's hash and link; exit 1 at the first broken entry."""
    verdict = audit.verify(db.session)
    if not verdict.ok:
        raise click.ClickException(
            f"audit log BROKEN at entry {verdict.broken_at}: {verdict.reason} "
            f"({verdict.entries} entries before it are intact)"
        )
    click.echo(f"audit log OK: {verdict.entries} entries")
