"""Tables of the rounds area (filled in by that area's work)."""
