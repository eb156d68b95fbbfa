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
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(attendance_reminders)
    app.cli.add_command(send_reminders)
    app.cli.add_command(rebuild_reports)
    app.cli.add_command(anonymise_personal_data)


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


@click.command("backup")
@click.argument("path", type=click.Path())
@click.option("--keep-days", type=click.IntRange(min=1), default=None,
              help="With a directory: delete its dated backups older than this many days.")
def backup_command(path: str, keep_days: int | None) -> None:
    """Write a consistent copy of the database to PATH while the app keeps running
    (SQLite: online backup API; PostgreSQL: pg_dump custom format). PATH may be a directory
    (ending in /): the file is then named by the time, meetingplaces-YYYYMMDDTHHMMSSZ.backup."""
    from pathlib import Path

    from .backup import BackupError, backup, dated_path, prune
    from .models.types import utcnow

    now = utcnow()
    directory = path.endswith("/") or Path(path).is_dir()
    if keep_days and not directory:
        raise click.UsageError("--keep-days needs a directory as PATH.")
    target = dated_path(Path(path), now) if directory else Path(path)
    try:
        made = backup(db.engine, target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup of the {made.database} database, schema version "
               f"{made.schema_version or 'none'}, written to {made.path}.")
    if keep_days:
        for old in prune(Path(path), keep_days, now):
            click.echo(f"Deleted {old} (older than {keep_days} days).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database's content.")
def restore_command(path: str, yes: bool) -> None:
    """Replace the database's content by the backup at PATH (refused for a backup made by a
    newer release). Stop the app nodes and the mail sender first."""
    from flask import current_app

    from .backup import BackupError, restore

    if not yes:
        click.confirm(f"Replace everything in the database by {path}?", abort=True)
    db.session.remove()  # this process's own open transaction would block the restore
    try:
        restored = restore(db.engine, path, current_app.extensions["migrate"].directory)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {restored.path} (schema version {restored.schema_version}). "
               "Run `flask db upgrade` if this release has newer migrations.")


@click.command("attendance-reminders")
def attendance_reminders() -> None:
    """Ask organisers and staff how many came to yesterday's dates (run it daily, e.g. 08:00);
    also stores the dates of series without an end further ahead, and lets events in a room
    hold the dates that came within the room's booking horizon."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    from .links import absolute_url
    from .models.types import utcnow
    from .reports import attendance, event_dates

    now = utcnow()
    queued = attendance.send_reminders(
        db.session, now=now, zone=ZoneInfo(current_app.config["TIMEZONE"]),
        link=lambda slot: absolute_url("reports.record", event_id=slot.event.id,
                                       day=slot.occurrence_date.isoformat()))
    event_dates.rebuild(db.session, now, only_endless=True)
    db.session.commit()
    click.echo(f"{queued} reminders queued")
    _extend_event_holds(now)


def _extend_event_holds(now) -> None:
    """Each event on its own: a date another booking, a holiday or a closure took refuses
    that event's extension, not the others': said here, on the start page of its managers and
    its organisation (held_rooms.dates_not_held), and again when they next save it."""
    from flask import current_app

    from .booking.rules import Settings
    from .errors import DomainError
    from .events import held_rooms
    from .models.events import Event

    settings = Settings.from_config(current_app.config)
    for event_id in held_rooms.running_on(db.session, now):
        event = db.session.get(Event, event_id)
        try:
            held_rooms.before_change(db.session, event)
            held_rooms.keep(db.session, event, actor=None, now=now, settings=settings)
            db.session.commit()
        except DomainError as error:
            click.echo(f"event {event_id} ({event.title}): {error.message}", err=True)


@click.command("send-reminders")
def send_reminders() -> None:
    """Remind of tomorrow's dates by mail: bookers, the Spielmobil staff, event organisers
    (run it daily, e.g. 16:00); each date once, however often it runs."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    from .booking.tokens import guest_token
    from .links import absolute_url
    from .models.types import utcnow
    from .reminders import Links, send_day_before

    secret = current_app.config["SECRET_KEY"]
    links = Links(
        booking=lambda booking, guest: (
            absolute_url("bookings.guest_booking", token=guest_token(booking, secret)) if guest
            else absolute_url("bookings.show", booking_id=booking.id)),
        stop=lambda round_date: absolute_url("rounds.date_page", date_id=round_date.id),
        event=lambda event: absolute_url("calendar.event", event_id=event.id),
        settings=absolute_url("account.profile"))
    # FIXED_NOW: the clock tests and benchmarks pin, as for the pages (web/clock.py).
    now = current_app.config.get("FIXED_NOW") or utcnow()
    queued = send_day_before(db.session, now=now, zone=ZoneInfo(current_app.config["TIMEZONE"]),
                             links=links)
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


@click.command("anonymise-personal-data")
@click.option("--months", type=click.IntRange(min=1), default=None,
              help="Retention in months (default: PERSONAL_DATA_RETENTION_MONTHS, 12).")
def anonymise_personal_data(months: int | None) -> None:
    """Anonymise guests and past bookings after the retention period (run it daily from cron):
    names, e-mail addresses and purposes go; rooms, times and figures stay for the reports."""
    from flask import current_app

    from .accounts.personal_data import anonymise_past
    from .database import begin_write
    from .models.types import utcnow

    months = months or int(current_app.config["PERSONAL_DATA_RETENTION_MONTHS"])
    begin_write(db.session)
    done = anonymise_past(db.session, now=utcnow(), months=months)
    db.session.commit()
    click.echo(f"Anonymised after {months} months: {done.bookings} bookings, {done.guests} "
               f"guests, {done.waiting} waiting-list requests; {done.mails} old mails deleted.")
