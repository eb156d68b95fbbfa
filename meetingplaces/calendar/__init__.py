"""iCalendar: VEVENT blocks written by `icalendar` per event (ics.py), and feeds assembled from
the stored blocks with versioning for HTTP caching (feeds.py)."""
