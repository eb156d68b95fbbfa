"""Commands for operators: flask --app meetingplaces <command>."""

import click
from flask import Flask
from sqlalchemy import select

from .extensions import db
from .models import User
from .models.people import normalise_email


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_admin)
    app.cli.add_command(create_token)
    app.cli.add_command(send_mail)
    app.cli.add_command(attendance_reminders)
    app.cli.add_command(rebuild_reports)


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
def send_mail() -> None:
    """Send the mail that is due from the outbox (run it from cron every minute)."""
    from flask import current_app

    from .mail import send_due

    sent, failed = send_due(db.session, current_app.config)
    click.echo(f"{sent} sent, {failed} failed")


@click.command("attendance-reminders")
def attendance_reminders() -> None:
    """Ask organisers and staff how many came to yesterday's dates (run it daily, e.g. 08:00);
    also stores the dates of series without an end further ahead."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    from .booking.notifications import external_url
    from .models.types import utcnow
    from .reports import attendance, event_dates

    now = utcnow()
    queued = attendance.send_reminders(
        db.session, now=now, zone=ZoneInfo(current_app.config["TIMEZONE"]),
        link=lambda slot: external_url("reports.record", event_id=slot.event.id,
                                       day=slot.occurrence_date.isoformat()))
    event_dates.rebuild(db.session, now, only_endless=True)
    db.session.commit()
    click.echo(f"{queued} reminders queued")


@click.command("rebuild-reports")
def rebuild_reports() -> None:
    """Compute the reports' stored dates and booked-time sums anew from the bookings and
    events (after upgrading to migration 0014, or after loading rows with SQL)."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    from .database import begin_write
    from .models.types import utcnow
    from .reports import attendance, event_dates, usage

    begin_write(db.session)
    events = event_dates.rebuild(db.session, utcnow())
    attendance.rebuild_sums(db.session)
    sums = usage.rebuild(db.session, ZoneInfo(current_app.config["TIMEZONE"]))
    db.session.commit()
    click.echo(f"dates of {events} events stored, {sums} booked-time sums written")
