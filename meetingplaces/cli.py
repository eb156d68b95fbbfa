"""Commands for operators: flask --app meetingplaces <command>."""

import logging
import signal
import threading

import click
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from .extensions import db
from .models import User
from .models.people import normalise_email

log = logging.getLogger("meetingplaces.mail")


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_admin)
    app.cli.add_command(create_token)
    app.cli.add_command(send_mail)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database holds data.")
def seed_demo(if_empty: bool) -> None:
    """Load the demo city: quarters, facilities, rooms, the Spielmobil, initiatives, logins."""
    from .demo import database_is_empty, load_demo

    if not database_is_empty(db.session):
        if if_empty:
            click.echo("Database holds data; demo data not loaded.")
            return
        raise click.ClickException("The database is not empty; demo data not loaded.")
    load_demo(db.session)
    db.session.commit()
    click.echo("Demo data loaded. Logins are listed in the README.")


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="Admin")
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create a city-wide admin account (or make an existing account admin)."""
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name)
        db.session.add(user)
    user.is_admin = True
    user.active = True
    user.set_password(password)
    db.session.commit()
    click.echo(f"{email} is an admin.")


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="CLI")
def create_token(email: str, name: str) -> None:
    """Print a new personal API token for EMAIL (shown only this once)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No user with e-mail {email}.")
    from .accounts import tokens
    from .models.types import utcnow

    _token, secret = tokens.create(db.session, user, name, now=utcnow())
    db.session.commit()
    click.echo(secret)


@click.command("send-mail")
@click.option("--watch", is_flag=True,
              help="Keep running and send what becomes due (the mail process of a server).")
@click.option("--interval", default=5.0, show_default=True,
              help="Seconds between looks at the outbox with --watch.")
def send_mail(watch: bool, interval: float) -> None:
    """Send the mail that is due from the outbox: once (cron: every minute) or, with --watch,
    until stopped. Without MAIL_SERVER the mail is printed here instead of sent."""
    from flask import current_app

    from .mail import send_due

    if not watch:
        sent, failed = send_due(db.session, current_app.config)
        click.echo(f"{sent} sent, {failed} failed")
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"Watching the outbox every {interval:g} s; stop with Ctrl+C.")
    while not stop.is_set():
        try:
            sent, failed = send_due(db.session, current_app.config)
            if sent or failed:
                click.echo(f"{sent} sent, {failed} failed")
        except DBAPIError as error:  # the database went away: try again on the next round
            log.warning("Outbox not read: %s", error.orig)
        finally:
            db.session.remove()
        stop.wait(interval)
