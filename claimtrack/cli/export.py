"""Commands for export (filled in by its issue)."""
