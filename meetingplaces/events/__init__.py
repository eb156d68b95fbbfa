"""Events of the public calendars: publishing and editing (publishing.py), the moderation queue
(moderation.py), dates of a series as visitors see them (occurrences.py), search for pages
(search.py), Markdown texts (text.py) and their vocabulary (vocabulary.py).

Other areas (the Spielmobil rounds) create and change events through these functions only:

    from meetingplaces.events import create_event, cancel_occurrence, move_occurrence
"""

from .moderation import approve_event, moderation_queue, reject_event
from .publishing import (
    cancel_event,
    cancel_occurrence,
    create_event,
    delete_event,
    move_occurrence,
    restore_event,
    restore_occurrence,
    submit_event,
    update_event,
)

__all__ = [
    "approve_event",
    "cancel_event",
    "cancel_occurrence",
    "create_event",
    "delete_event",
    "moderation_queue",
    "move_occurrence",
    "reject_event",
    "restore_event",
    "restore_occurrence",
    "submit_event",
    "update_event",
]
