"""The app as bench/speed.py serves it under gunicorn: the real app plus two yardstick routes
and a count of the SQL statements each request sent (response header X-Statements).

Not for production: the count hooks every cursor of the process.
"""

from flask import g
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from meetingplaces import create_app
from meetingplaces.calendar import feeds
from meetingplaces.extensions import db

_sent = [0]


def _counted(read):
    """The feed's version read runs on a raw DBAPI connection, outside SQLAlchemy's events."""

    def counting(*args, **kwargs):
        _sent[0] += 1
        return read(*args, **kwargs)

    return counting


def create():
    app = create_app({"LOG_LEVEL": "WARNING"})
    feeds._read = _counted(feeds._read)

    @event.listens_for(Engine, "before_cursor_execute")
    def _count(*_args):
        _sent[0] += 1

    @app.before_request
    def _start_count():
        g.bench_statements = _sent[0]

    @app.after_request
    def _tell_count(response):
        if "bench_statements" in g:
            response.headers["X-Statements"] = str(_sent[0] - g.bench_statements)
        return response

    @app.get("/bench/select-1")
    def select_1():
        return str(db.session.execute(text("SELECT 1")).scalar())

    return app
