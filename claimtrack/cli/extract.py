"""Commands for extract (filled in by its issue)."""
