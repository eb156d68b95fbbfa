"""Tables of the events area (filled in by that area's work)."""
