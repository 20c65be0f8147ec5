"""Deploy-time commands: set a bank up from the console, and load the survey definitions.

`flask --app wsgi setup` does what the first-visit page does, for whoever runs the server;
`flask --app wsgi surveys sync` loads new definition versions from surveys/definitions/ and
is safe to run on every deploy (a stored version is never rewritten).
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.models.settings import BANK_COLOUR, BANK_LANGUAGES, BANK_TIMEZONE
from app.services.accounts.users import AccountError
from app.services.feedback.survey_versions import sync_surveys
from app.services.governance.first_run import FirstAdmin, SetupRefused, set_up_bank
from app.web.forms import known_time_zones


@click.command("setup")
@click.option("--bank-name", prompt="Bank name (English)")
@click.option("--bank-name-zh", prompt="Bank name (Chinese)", default="")
@click.option("--timezone", prompt="Time zone", default=BANK_TIMEZONE, show_default=True)
@click.option(
    "--language",
    "languages",
    multiple=True,
    type=click.Choice(BANK_LANGUAGES),
    default=BANK_LANGUAGES,
    show_default=True,
    help="Repeat for several: the languages customers are asked in.",
)
@click.option("--admin-email", prompt="First admin's e-mail")
@click.option("--admin-name", prompt="First admin's name", default="")
@click.password_option("--admin-password", prompt="First admin's password")
def setup_command(
    bank_name: str,
    bank_name_zh: str,
    timezone: str,
    languages: tuple[str, ...],
    admin_email: str,
    admin_name: str,
    admin_password: str,
) -> None:
    """Set the bank up: its profile, its first admin and the surveys. No demo data."""
    if timezone not in known_time_zones():
        raise click.BadParameter(f"unknown time zone {timezone!r}", param_hint="--timezone")
    profile = {
        "name": bank_name.strip(),
        "name_zh": bank_name_zh.strip(),
        "colour": BANK_COLOUR,
        "timezone": timezone,
        "languages": list(languages),
    }
    admin = FirstAdmin(email=admin_email, password=admin_password, name=admin_name.strip())
    try:
        user, surveys = set_up_bank(db.session, profile, admin, actor="cli")
    except (SetupRefused, AccountError) as refused:
        raise click.ClickException(str(refused)) from refused
    db.session.commit()
    click.echo(f"{bank_name} is set up: admin {user.email}, {surveys} survey versions loaded.")
    click.echo("Sign in and add departments, touchpoints, colleagues and API keys under /admin.")


surveys_cli = AppGroup("surveys", help="Survey definitions.")


@surveys_cli.command("sync")
def sync_surveys_command() -> None:
    """Load definition versions not stored yet (run on every deploy; idempotent)."""
    added = sync_surveys(db.session)
    db.session.commit()
    click.echo(f"surveys: {added} new version(s) stored")
