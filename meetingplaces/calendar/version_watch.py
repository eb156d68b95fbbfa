"""On PostgreSQL: feed versions kept in process memory until the database announces a change.

Calendar apps poll feed URLs all day and most polls end in 304, whose only work is reading the
feed's version row. On PostgreSQL that read is a round trip to the server, which costs as much
as the rest of the request. So each process keeps the rows it has read, and a thread of its own
listens (LISTEN) on the channel that triggers on `feed_versions`, `quarters` and `facilities`
notify in every transaction that changes them (models/events.py, migration 0007). A
notification drops every kept row, and so do a commit of this process (its own change is seen
by its next request at once), a lost listening connection and the passing of a minute (the
safety net for a connection that died without a word). While the thread is not listening,
nothing is kept and every read goes to the database, as on SQLite.

What remains is a notification's delivery time, well under a millisecond on one host: a poll
arriving within it is answered as it would have been a moment earlier, before the commit.
"""

import itertools
import logging
import os
import time
from collections.abc import Callable, Hashable
from contextlib import suppress
from threading import Event, Lock, Thread
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import Engine

from ..database import detached_connection
from ..models.events import FEED_CHANGES_CHANNEL

log = logging.getLogger(__name__)

MAX_ROWS = 4096
MAX_AGE_SECONDS = 60.0
WAIT_SECONDS = 1.0
RETRY_SECONDS = (0.5, 30.0)

_numbers = itertools.count(1)


class VersionWatch:
    """The kept rows of one engine in this process, and the thread that listens for changes."""

    def __init__(self, engine: Engine):
        self.engine = engine
        # How an operator (or a test) finds the listening connection in pg_stat_activity.
        self.application_name = f"meetingplaces feed watch {os.getpid()}.{next(_numbers)}"
        self.rows: dict = {}
        self.generation = 0
        self.listening = False
        self.kept_since = time.monotonic()
        self.lock = Lock()
        self.stopping = Event()
        self.thread = Thread(target=self._listen, name="meetingplaces-feed-versions",
                             daemon=True)
        self.thread.start()

    def read(self, key: Hashable, fetch: Callable):
        """The kept row for `key`, else `fetch()` (kept when no change came in meanwhile)."""
        row = self.rows.get(key)
        if row is not None:
            return row
        generation = self.generation
        row = fetch()
        if row is not None:
            with self.lock:
                if self.listening and generation == self.generation:
                    if len(self.rows) >= MAX_ROWS:  # many slugs asked for: start over
                        self.rows.clear()
                    self.rows[key] = row
        return row

    def forget(self, *, listening: bool | None = None) -> None:
        with self.lock:
            self.generation += 1
            self.rows = {}
            self.kept_since = time.monotonic()
            if listening is not None:
                self.listening = listening

    def stop(self) -> None:
        """Ends the thread within WAIT_SECONDS; it closes its own connection."""
        self.stopping.set()
        self.forget(listening=False)

    def _listen(self) -> None:
        delay = RETRY_SECONDS[0]
        while not self.stopping.is_set():
            connection = None
            try:
                connection = detached_connection(self.engine)
                connection.execute(f"SET application_name = '{self.application_name}'")
                connection.execute(f"LISTEN {FEED_CHANGES_CHANNEL}")
                self.forget(listening=True)  # what a change before LISTEN left is gone
                delay = RETRY_SECONDS[0]
                while not self.stopping.is_set():
                    for _ in connection.notifies(timeout=WAIT_SECONDS):
                        self.forget()
                    if time.monotonic() - self.kept_since > MAX_AGE_SECONDS:
                        self.forget()
            except Exception as error:  # noqa: BLE001 - the server went away: read through
                log.warning("Not listening for feed changes (%s); retrying in %.1f s",
                            error, delay)
            finally:
                self.forget(listening=False)
                if connection is not None:
                    with suppress(Exception):
                        connection.close()
            self.stopping.wait(delay)
            delay = min(delay * 2, RETRY_SECONDS[1])


_watches: WeakKeyDictionary = WeakKeyDictionary()
_watches_lock = Lock()


def watch_of(engine: Engine) -> VersionWatch:
    """This process's watch of `engine`, started on first use (and anew after a fork)."""
    kept = _watches.get(engine)
    if kept is not None and kept[0] == os.getpid():
        return kept[1]
    with _watches_lock:
        kept = _watches.get(engine)
        if kept is None or kept[0] != os.getpid():
            kept = (os.getpid(), VersionWatch(engine))
            _watches[engine] = kept
            if not event.contains(engine, "engine_disposed", _stop_watch):
                event.listen(engine, "engine_disposed", _stop_watch)
    return kept[1]


def _stop_watch(engine: Engine) -> None:
    kept = _watches.pop(engine, None)
    if kept is not None and kept[0] == os.getpid():
        kept[1].stop()


@event.listens_for(Engine, "commit")
def _this_process_committed(connection) -> None:
    """A change made here is seen by this process's next request, not a notification later.
    Every engine's watch: two apps of one process may share a database (as tests do)."""
    for pid, watch in list(_watches.values()):
        if pid == os.getpid():
            watch.forget()
