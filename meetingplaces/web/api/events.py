"""JSON API: events."""
