"""Operator commands: API keys, staff users and the demo bank."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.demo.bank import seed_demo
from app.extensions import db
from app.models import utcnow
from app.services.accounts import AccountError, create_api_key, create_user

api_key_cli = AppGroup("api-key", help="Manage API keys for bank systems.")


@api_key_cli.command("create")
@click.argument("name")
def create_api_key_command(name: str) -> None:
    """Create a key and print its secret, which is shown this once only."""
    try:
        _key, secret = create_api_key(db.session, name)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(secret)
    click.echo(
        f"API key {name!r} created. Store the secret now: it cannot be shown again.", err=True
    )


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
@click.option("--customers", default=300, show_default=True)
def seed_demo_command(customers: int) -> None:
    """Load the demo bank (idempotent); new logins are printed once and kept in instance/."""
    with click.progressbar(length=customers * 2, label="demo history") as bar:
        report = seed_demo(
            db.session, now=utcnow(), customers=customers, progress=lambda done, _: bar.update(1)
        )
    db.session.commit()
    click.echo(
        f"demo bank: +{report.departments} departments, +{report.touchpoints} touchpoints, "
        f"+{report.surveys} surveys, +{report.customers} customers, "
        f"+{report.responses} responses, +{report.cases} cases"
    )
    if report.logins:
        logins = Path(current_app.instance_path) / "demo-logins.txt"
        logins.parent.mkdir(exist_ok=True)
        lines = [f"{email:32} {role:11} {password}" for email, role, password in report.logins]
        logins.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.chmod(logins, 0o600)
        click.echo("new demo logins (also in instance/demo-logins.txt):")
        click.echo("\n".join(lines))
