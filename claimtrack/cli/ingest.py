"""Commands for ingest (filled in by its issue)."""
