"""A process's copies of assembled feeds, patched with only the events a new version touched.

Why: after one event of a 2,000-event quarter changes, reading every block again, converting
the rows and storing the new body took ~30 ms; joining 2,000 blocks already held costs
microseconds. So each process keeps, per feed, its blocks (base URL applied, encoded, each
with its digest) in feed order, and the version and day they are right for. A later version
is reached by reading the change log (`feed_changes`) since that version together with those
events' current blocks and the current version, in one statement: the body served is
exactly the one of the version it is tagged with, whatever other processes or nodes did in
between. Whatever the log cannot express falls back to a full build (also one statement):
a new day (the window moved), a change marked "anything" (a place renamed or switched off, a
round re-planned), a log pruned past the held version, or no copy yet.

Both paths end in the same `Copy`, so a patched body is byte for byte the full build's
(tests/test_feed_copies.py). Nothing is written on the request path.
"""

from bisect import bisect_left, insort
from collections import OrderedDict
from datetime import datetime
from hashlib import sha256
from threading import Lock

from . import ics

SIZE = 32


class Copy:
    """One feed's blocks in feed order (first start, event id), for one version and day."""

    def __init__(self, counter: int, day: datetime, city_timezone: str):
        self.counter = counter
        self.changed_at: datetime | None = None  # of the version `counter`
        self.day = day
        self.city_timezone = city_timezone
        self.order: list[tuple] = []  # (first_starts_at, event_id), sorted
        self.blocks: dict[int, tuple] = {}  # event_id -> (order key, bytes, digest, tzid)
        self.served = None  # the ServedFeed of (counter, day), once made
        self.served_for: tuple | None = None

    def put(self, event_id: int, first_starts_at: datetime, block: bytes, tzid: str) -> None:
        self.drop(event_id)
        key = (first_starts_at, event_id)
        insort(self.order, key)
        self.blocks[event_id] = (key, block, sha256(block).digest(), tzid)

    def drop(self, event_id: int) -> None:
        held = self.blocks.pop(event_id, None)
        if held is not None:
            del self.order[bisect_left(self.order, held[0])]

    def body_and_tag(self, name: str, base_url: str) -> tuple[bytes, str]:
        """The feed's bytes and their ETag: a digest of the header's and every block's digest,
        so equal bodies get equal tags without hashing a megabyte on every change."""
        tzids = {self.city_timezone, *(held[3] for held in self.blocks.values())}
        since = ics.first_year(self.order[0][0]) if self.order else None
        head = ics.with_base_url(ics.header(name, self.city_timezone, tzids, since),
                                 base_url).encode()
        parts = [self.blocks[key[1]] for key in self.order]
        body = b"".join([head, *(held[1] for held in parts), ics.FOOTER.encode()])
        tag = sha256(sha256(head).digest())
        for held in parts:
            tag.update(held[2])
        return body, tag.hexdigest()[:32]


class Copies:
    """The copies of one app in this process (LRU), keyed by feed and base URL."""

    def __init__(self, size: int = SIZE):
        self.size = size
        self.entries: OrderedDict = OrderedDict()
        self.lock = Lock()  # threaded servers: one patch of a copy at a time

    def get(self, key) -> Copy | None:
        copy = self.entries.get(key)
        if copy is not None:
            self.entries.move_to_end(key)
        return copy

    def put(self, key, copy: Copy) -> None:
        self.entries[key] = copy
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
