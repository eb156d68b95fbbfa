"""Feeds assembled from stored VEVENT blocks, versioned in the database.

Every change of an event re-serialises only that event's blocks and raises the version of each
feed scope it is or was in (city, its quarter, its facility), in the change's transaction, and
notes which events that version touched (`feed_changes`). Each process keeps the feeds it
served and patches in only the touched events' blocks when the version moves on
(feed_copies.py); ETag and Last-Modified follow the body. A conditional request costs one
indexed lookup (on PostgreSQL usually none: the database announces changes, version_watch.py).
"""

from __future__ import annotations  # feed_copies and ics import each other through here

import gzip
import os
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from hashlib import sha256
from threading import local
from weakref import WeakKeyDictionary

from sqlalchemy import (
    String,
    and_,
    bindparam,
    cast,
    delete,
    insert,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from ..database import detached_connection
from ..events.vocabulary import TEXT_LANGUAGES
from ..models import Facility, Organisation, Quarter
from ..models.events import Event, EventCalendarBlock, EventStatus, FeedChange, FeedVersion
from ..models.rounds import Round, RoundDate, Stop
from . import feed_copies, ics, version_watch

CANCELLED_STAYS_DAYS = 30


def scopes_of(event: Event) -> set[str]:
    scopes = {"city", f"quarter:{event.quarter_id}"}
    if event.facility_id is not None:
        scopes.add(f"facility:{event.facility_id}")
    return scopes


def in_feeds(event: Event) -> bool:
    """Only public events that are published, or cancelled (so clients drop them), are served."""
    return event.is_public and event.status in (EventStatus.PUBLISHED, EventStatus.CANCELLED)


def _insert(session, model):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


# Log rows kept per scope: a process whose copy is older than that builds the feed anew.
CHANGES_KEPT = 1000


def bump(session, scopes, now: datetime, event_ids=None) -> None:
    """Raise the version of each scope (rows appear on first use: a race-free upsert) and log
    which events the new version touched; `event_ids` None: anything may have changed."""
    changed = sorted(set(event_ids)) if event_ids is not None else [None]
    for scope in sorted(scopes):
        statement = _insert(session, FeedVersion).values(scope=scope, version=1, changed_at=now)
        version = session.execute(statement.on_conflict_do_update(
            index_elements=["scope"],
            set_={"version": FeedVersion.version + 1, "changed_at": statement.excluded.changed_at},
        ).returning(FeedVersion.version)).scalar_one()
        session.execute(insert(FeedChange), [
            {"scope": scope, "version": version, "event_id": event_id} for event_id in changed])
        if version % 100 == 0:
            session.execute(delete(FeedChange).where(
                FeedChange.scope == scope, FeedChange.version <= version - CHANGES_KEPT))


def refresh_event(session, event: Event, now: datetime, previous_scopes=frozenset()) -> None:
    """Re-serialise the event's blocks (one per visitor language) and invalidate its feeds.

    `previous_scopes` are the scopes the event was in before a move to another quarter or
    facility, and any other feed it also belongs to (a van's "resource:<id>" feed).
    """
    _rewrite_blocks(session, [event], now, set(previous_scopes))


def _rewrite_blocks(session, events: list[Event], now: datetime, scopes: set[str]) -> None:
    from ..reports import event_dates  # the dates reports count change with the event

    session.flush()
    event_dates.store(session, events, now)
    session.execute(delete(EventCalendarBlock).where(
        EventCalendarBlock.event_id.in_([event.id for event in events])))
    for event in events:
        if in_feeds(event):
            session.add_all(
                EventCalendarBlock(event_id=event.id, language=language,
                                   sequence=event.sequence, block=ics.serialise(event, language))
                for language in TEXT_LANGUAGES
            )
        scopes |= scopes_of(event) | _van_scopes(session, event)
    bump(session, scopes, now, [event.id for event in events])


def place_changed(session, now: datetime, *, quarter: Quarter | None = None,
                  facility: Facility | None = None,
                  organisation: Organisation | None = None,
                  city_changed: bool = False) -> None:
    """A place or organisation that feeds show by name was renamed, moved or switched off.

    Its events' blocks are written anew (LOCATION, GEO, the organiser in DESCRIPTION), with a
    higher SEQUENCE because a guest sees the new name, and its feeds get a new version (the
    calendar's own name, X-WR-CALNAME, changes too). Without this a rename would reach
    subscribed calendars only with each event's next edit.
    """
    scopes = {"city"} if city_changed else set()
    condition = None
    if quarter is not None:
        scopes.add(f"quarter:{quarter.id}")
    if facility is not None:
        scopes.add(f"facility:{facility.id}")
        condition = Event.facility_id == facility.id
    if organisation is not None:
        condition = and_(Event.organisation_id == organisation.id, Event.show_organiser)
    events = list(session.scalars(select(Event).where(condition))) if condition is not None else []
    for event in events:
        if in_feeds(event):
            event.sequence += 1
            event.last_modified = now
    if events:
        _rewrite_blocks(session, events, now, scopes)
    else:
        bump(session, scopes, now)


def _van_scopes(session, event: Event) -> set[str]:
    """A Spielmobil stop's event is in its van's feed too (scope "resource:<id>")."""
    if event.category != "spielmobil" or event.id is None:
        return set()
    of_stops = (select(Round.resource_id).join(Stop, Stop.round_id == Round.id)
                .where(Stop.event_id == event.id))
    of_dates = (select(Round.resource_id).join(Stop, Stop.round_id == Round.id)
                .join(RoundDate, RoundDate.stop_id == Stop.id)
                .where(RoundDate.event_id == event.id))
    return {f"resource:{resource_id}"
            for resource_id in session.scalars(of_stops.union(of_dates))}


@dataclass(frozen=True)
class Feed:
    """What a feed URL asks for: a scope, optional filters, the language of its texts."""

    scope: str  # "city", "quarter:<id>", "facility:<id>"
    name: str
    category: str = ""
    audience: str = ""
    language: str = "de"

    @property
    def key(self) -> str:
        return f"{self.scope}|{self.category}|{self.audience}|{self.language}"


@dataclass(frozen=True)
class Version:
    stamp: str
    last_modified: datetime


def _day_start(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(UTC).date(), time(), UTC)


def _version(counter: int | None, changed_at: datetime | None, now: datetime) -> Version:
    """The scope's counter plus today's date: the window moves daily, so the body may change
    too; whether it did decides its validators (serve)."""
    day = _day_start(now)
    return Version(f"{counter or 0}.{day.date().isoformat()}", max(changed_at or day, day))


@cache
def _version_query():
    """Built once: an immutable statement, so sharing it between requests is safe."""
    return select(FeedVersion.version, FeedVersion.changed_at).where(
        FeedVersion.scope == bindparam("scope"))


@cache
def _scope_query(kind: str):
    """(id, name, version, changed_at) of a quarter or facility by slug, in one statement."""
    model = Quarter if kind == "quarter" else Facility
    scope = literal_column(f"'{kind}:'", String).concat(cast(model.id, String))
    return (
        select(model.id, model.name, FeedVersion.version, FeedVersion.changed_at)
        .outerjoin(FeedVersion, FeedVersion.scope == scope)
        .where(model.active, model.slug == bindparam("slug"))
    )


@cache
def _compiled(kind: str, dialect) -> tuple[str, list[str] | None]:
    """The statement's SQL for this database and, for positional drivers, its parameter order."""
    compiled = (_version_query() if kind == "city" else _scope_query(kind)).compile(
        dialect=dialect)
    return str(compiled), compiled.positiontup


class _VersionReaders(local):
    """Per thread: one DBAPI connection per engine, kept for reading feed versions.

    Feed URLs are polled by every subscriber's calendar app and mostly end in 304, so this read
    is the whole of most feed requests. A kept connection skips the pool's checkout, reset and
    checkin, which cost more than the indexed read itself. It runs in autocommit (SQLite is
    set up so on every connection), so each read sees the latest commit of any process.
    """

    def __init__(self):
        self.connections: WeakKeyDictionary = WeakKeyDictionary()

    def connection(self, engine):
        kept = self.connections.get(engine)
        if kept is not None and kept[0] == os.getpid():  # not inherited through a fork
            return kept[1]
        connection = detached_connection(engine)
        self.connections[engine] = (os.getpid(), connection)
        return connection

    def forget(self, engine) -> None:
        kept = self.connections.pop(engine, None)
        if kept is not None:
            with suppress(Exception):
                kept[1].close()


_readers = _VersionReaders()


def _peek(engine, kind: str, params: dict, *, listen: bool):
    """One row of a version query. With `listen` on PostgreSQL, from this process's memory
    while the database has announced no change (version_watch.py)."""
    if listen and engine.dialect.name == "postgresql":
        return version_watch.watch_of(engine).read(
            (kind, *params.values()), lambda: _read(engine, kind, params))
    return _read(engine, kind, params)


def _read(engine, kind: str, params: dict):
    """One row of a version query, on this thread's kept connection; a broken connection
    (a restarted database server) is replaced once."""
    sql, order = _compiled(kind, engine.dialect)
    values = params if order is None else tuple(params[name] for name in order)
    for attempt in (1, 2):
        connection = _readers.connection(engine)
        try:
            cursor = connection.cursor()
            cursor.execute(sql, values)
            row = cursor.fetchone()
            cursor.close()
            return row
        except engine.dialect.loaded_dbapi.Error:
            _readers.forget(engine)
            if attempt == 2:
                raise
    return None


def _instant(value) -> datetime | None:
    """A driver's timestamp as aware UTC (SQLite hands back text, PostgreSQL a datetime)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def current_version(engine, scope: str, now: datetime, *, listen: bool = False) -> Version:
    """The version of one scope (the city feed)."""
    row = _peek(engine, "city", {"scope": scope}, listen=listen)
    return _version(row[0] if row else None, _instant(row[1]) if row else None, now)


def find_scope(engine, kind: str, slug: str, now: datetime, *,
               listen: bool = False) -> tuple[str, str, Version] | None:
    """(scope, name, version) of a quarter's ("quarter") or facility's ("facility") feed, or
    None. A conditional request that ends in 304 costs exactly this one statement, or none."""
    row = _peek(engine, kind, {"slug": slug}, listen=listen)
    if row is None:
        return None
    ident, name, counter, changed_at = row
    return f"{kind}:{ident}", name, _version(counter, _instant(changed_at), now)


def _with_blocks(statement, feed: Feed, day: datetime, past_days: int, future_days: int,
                 *, touched=None):
    """`statement` outer-joined, table by table (so that each join is an index lookup), with
    the events (those `touched`, or all), their block in the feed's language and their
    quarter, under what makes a block part of the feed on `day`: a public event of an active
    quarter within the window (cancelled ones for 30 days), of the feed's scope and category.
    A row's block counts only where all three joined (`_wanted`). The audience is checked
    in Python (target groups are JSON), and only when the feed asks for one."""
    kind, _, ident = feed.scope.partition(":")
    conditions = [
        Event.is_public,
        or_(
            Event.status == EventStatus.PUBLISHED,
            and_(Event.status == EventStatus.CANCELLED,
                 Event.cancelled_at >= day - timedelta(days=CANCELLED_STAYS_DAYS)),
        ),
        Event.first_starts_at <= day + timedelta(days=future_days + 1),
        or_(Event.last_ends_at.is_(None), Event.last_ends_at >= day - timedelta(days=past_days)),
    ]
    if touched is not None:
        conditions.append(Event.id == touched)
    if kind == "quarter":
        conditions.append(Event.quarter_id == int(ident))
    elif kind == "facility":
        conditions.append(Event.facility_id == int(ident))
    elif kind == "resource":
        conditions.append(Event.id.in_(round_event_ids(int(ident))))
    if feed.category:
        conditions.append(Event.category == feed.category)
    columns = [Event.id, EventCalendarBlock.block, Event.timezone, Event.first_starts_at,
               Quarter.id.label("quarter_id")]
    if feed.audience:
        columns.append(Event.target_groups)
    return (
        statement.add_columns(*columns)
        .outerjoin(Event, and_(*conditions))
        .outerjoin(EventCalendarBlock, and_(EventCalendarBlock.event_id == Event.id,
                                            EventCalendarBlock.language == feed.language))
        .outerjoin(Quarter, and_(Quarter.id == Event.quarter_id, Quarter.active))
    )


def _wanted(row) -> bool:
    return row.id is not None and row.block is not None and row.quarter_id is not None


def _full_statement(feed: Feed, day: datetime, past_days: int, future_days: int):
    """The scope's version and every wanted block, in one statement (one snapshot)."""
    asked = select(cast(literal(feed.scope), String).label("scope")).subquery()
    return _with_blocks(
        select(FeedVersion.version, FeedVersion.changed_at).select_from(asked)
        .outerjoin(FeedVersion, FeedVersion.scope == asked.c.scope),
        feed, day, past_days, future_days)


def _delta_statement(feed: Feed, day: datetime, held: int, past_days: int, future_days: int):
    """The scope's version, the log of the versions after `held` and the touched events'
    wanted blocks (none: the event left the feed), in one statement (one snapshot)."""
    return _with_blocks(
        select(FeedVersion.version, FeedVersion.changed_at, FeedChange.version.label("logged"),
               FeedChange.event_id.label("touched"))
        .select_from(FeedVersion)
        .outerjoin(FeedChange, and_(FeedChange.scope == FeedVersion.scope,
                                    FeedChange.version > held))
        .where(FeedVersion.scope == feed.scope),
        feed, day, past_days, future_days, touched=FeedChange.event_id)


def _put_rows(copy: feed_copies.Copy, feed: Feed, rows, base_url: str) -> None:
    for row in rows:
        if not _wanted(row):
            continue
        if feed.audience and not ({feed.audience, "everyone"} & set(row.target_groups or [])):
            copy.drop(row.id)
            continue
        copy.put(row.id, _instant(row.first_starts_at),
                 ics.with_base_url(row.block, base_url).encode(), row.timezone)


def _patched(session, copy: feed_copies.Copy, feed: Feed, base_url: str, past_days: int,
             future_days: int) -> bool:
    """Bring `copy` to the current version with the events logged since; False (and the copy
    untouched) when the log cannot tell: a change of anything, or pruned past the copy."""
    rows = session.execute(_delta_statement(feed, copy.day, copy.counter, past_days,
                                            future_days)).all()
    counter = rows[0].version if rows else 0
    logged = {row.logged for row in rows if row.logged is not None}
    if counter < copy.counter or logged != set(range(copy.counter + 1, counter + 1)):
        return False
    if any(row.logged is not None and row.touched is None for row in rows):
        return False
    for row in rows:
        if row.touched is not None and not _wanted(row):
            copy.drop(row.touched)
    _put_rows(copy, feed, rows, base_url)
    copy.counter = counter
    if rows:
        copy.changed_at = _instant(rows[0].changed_at)
    return True


def built(session, feed: Feed, now: datetime, *, base_url: str, past_days: int,
          future_days: int, city_timezone: str) -> feed_copies.Copy:
    """The feed built from every wanted block: what a patched copy must equal, byte for byte."""
    day = _day_start(now)
    rows = session.execute(_full_statement(feed, day, past_days, future_days)).all()
    copy = feed_copies.Copy(rows[0].version or 0, day, city_timezone)
    copy.changed_at = _instant(rows[0].changed_at)
    _put_rows(copy, feed, rows, base_url)
    return copy


def round_event_ids(resource_id: int):
    """The events of a van's round stops and extra dates: its public calendar."""
    of_stops = (select(Stop.event_id).join(Round, Round.id == Stop.round_id)
                .where(Round.resource_id == resource_id, Stop.event_id.is_not(None)))
    of_dates = (select(RoundDate.event_id).join(Stop, Stop.id == RoundDate.stop_id)
                .join(Round, Round.id == Stop.round_id)
                .where(Round.resource_id == resource_id, RoundDate.event_id.is_not(None)))
    return of_stops.union(of_dates)


class ServedFeed:
    """A feed body as served, with validators that follow the body and nothing else: the same
    bytes keep their ETag and Last-Modified whatever day or version produced them, so a
    calendar app polling daily downloads the feed only when it really changed."""

    __slots__ = ("body", "etag", "last_modified", "_gzipped")

    def __init__(self, body: bytes, last_modified: datetime, etag: str | None = None):
        self.body = body
        self.etag = etag or sha256(body).hexdigest()[:32]
        self.last_modified = last_modified
        self._gzipped = None

    def gzipped(self) -> bytes:
        """The body gzip'd once (mtime 0: equal bodies give equal bytes)."""
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gzipped


def serve(session, feed: Feed, version: Version, *, now: datetime, base_url: str,
          copies: feed_copies.Copies, past_days: int, future_days: int,
          city_timezone: str) -> ServedFeed:
    """The feed at this version or a later one: this process's copy as it is, patched with
    the events changed since (one statement), or built anew (one statement).

    A body equal to the one served before (the window moved a day, an edit changed nothing
    this feed shows) keeps that one's Last-Modified: the time the body last changed, as this
    process saw it.
    """
    key = (feed.key, base_url)
    with copies.lock:
        copy = copies.get(key)
        served = copy.served if copy is not None else None
        if served is not None and copy.served_for == (version.stamp, feed.name):
            return served
        day = _day_start(now)
        if copy is None or copy.day != day or not _patched(
                session, copy, feed, base_url, past_days, future_days):
            copy = built(session, feed, now, base_url=base_url, past_days=past_days,
                         future_days=future_days, city_timezone=city_timezone)
            copies.put(key, copy)
        # Nothing was written: end the read transaction without a commit, which would make
        # this process forget the feed versions it keeps (version_watch.py).
        session.rollback()
        current = _version(copy.counter, copy.changed_at, now)
        if served is None or copy.served_for != (current.stamp, feed.name):
            body, tag = copy.body_and_tag(feed.name, base_url)
            if served is None or served.etag != tag:
                served = ServedFeed(body, current.last_modified, tag)
        copy.served, copy.served_for = served, (current.stamp, feed.name)
        return served
