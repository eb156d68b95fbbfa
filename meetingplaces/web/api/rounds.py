"""JSON API: rounds."""
