"""Log lines in one shape for requests, mail and errors: text for a terminal, or one JSON object
per line (`LOG_FORMAT=json`) for the city's log collector.

Every record carries the id of the request it belongs to (or of the request that queued a mail),
so one request can be followed from nginx through the app to the mail it sent. Nothing personal
goes into a line beyond a user's numeric id: callers log ids, never e-mail addresses or names.
"""

import json
import logging
import sys
import traceback
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

# The request (or queued mail's request) the current thread works for; None outside requests.
request_id: ContextVar[str | None] = ContextVar("meetingplaces_request_id", default=None)

# Attributes every LogRecord has; anything else was passed with extra={...} and is a field.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "request_id"}
_MARK = "_meetingplaces_handler"


def new_request_id() -> str:
    return uuid.uuid4().hex


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, the record's extra
    fields, and the traceback of an error as one string."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        elif record.exc_text:
            line["traceback"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is emitted (gunicorn and pytest swap it)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def configure(log_format: str, level: str = "INFO") -> None:
    """Give the `meetingplaces` loggers one handler in the chosen format (again on each call:
    the last app created decides, as in tests)."""
    logger = logging.getLogger("meetingplaces")
    for handler in [h for h in logger.handlers if getattr(h, _MARK, False)]:
        logger.removeHandler(handler)
    handler = _StderrHandler()
    setattr(handler, _MARK, True)
    handler.addFilter(_RequestIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    logger.addHandler(handler)
    logger.setLevel(level.upper())
