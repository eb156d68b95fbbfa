"""Tables of the bookings area (filled in by that area's work)."""
