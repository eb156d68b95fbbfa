"""JSON API: bookings."""
